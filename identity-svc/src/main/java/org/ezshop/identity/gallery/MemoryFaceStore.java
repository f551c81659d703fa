package org.ezshop.identity.gallery;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.ezshop.store.v1.AuditEntry;

/** No storage but the gallery itself: faces last as long as the process. Photos are never kept. */
public final class MemoryFaceStore implements FaceStore {

  private final Gallery gallery;
  private final AtomicLong ids = new AtomicLong();
  private final ArrayDeque<AuditEntry> audited = new ArrayDeque<>();

  public MemoryFaceStore(Gallery gallery) {
    this.gallery = gallery;
  }

  @Override
  public Future<Enrolment> enrol(String faceId, String subjectName, float[] embedding, Optional<byte[]> photo) {
    Enrolment e = new Enrolment(ids.incrementAndGet(), faceId, subjectName, embedding);
    return gallery.change(() -> {
      gallery.put(e);
      return e;
    });
  }

  @Override
  public Future<Integer> forget(String faceId, AuditEntry.Builder audit) {
    return gallery.change(() -> {
      int removed = gallery.remove(faceId);
      synchronized (audited) {
        audited.addFirst(audit.putFields("embeddings_removed", String.valueOf(removed)).build());
      }
      return removed;
    });
  }

  @Override
  public Future<List<AuditEntry>> audit(int limit) {
    synchronized (audited) {
      return Future.succeededFuture(audited.stream().limit(limit).toList());
    }
  }

  @Override
  public Future<Boolean> reachable() {
    return Future.succeededFuture(true);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
