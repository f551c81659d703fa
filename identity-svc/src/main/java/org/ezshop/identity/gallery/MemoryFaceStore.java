package org.ezshop.identity.gallery;

import io.vertx.core.Future;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** No storage but the gallery itself: faces last as long as the process. Photos are never kept. */
public final class MemoryFaceStore implements FaceStore {

  private final Gallery gallery;
  private final AtomicLong ids = new AtomicLong();

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
  public Future<Integer> forget(String faceId) {
    return gallery.change(() -> gallery.remove(faceId));
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
