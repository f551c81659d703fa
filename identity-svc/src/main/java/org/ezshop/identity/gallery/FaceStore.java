package org.ezshop.identity.gallery;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.ezshop.store.v1.AuditEntry;

/** Where enrolments live: it keeps the {@link Gallery} it was started with in step, on this replica and others. */
public interface FaceStore {

  /** Stores one embedding (and the photo, when photos are kept); it is in the gallery when this completes. */
  Future<Enrolment> enrol(String faceId, String subjectName, float[] embedding, Optional<byte[]> photo);

  /**
   * Removes a face everywhere, and records {@code audit} (completed with how many embeddings went) with it; how
   * many embeddings went (0 for an unknown face).
   */
  Future<Integer> forget(String faceId, AuditEntry.Builder audit);

  /** What was forgotten, newest first. */
  Future<List<AuditEntry>> audit(int limit);

  Future<Boolean> reachable();

  Future<Void> close();
}
