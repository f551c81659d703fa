package org.ezshop.dist;

import io.vertx.core.Vertx;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.ezshop.identity.face.FaceEngine;
import org.ezshop.identity.gallery.Gallery;
import org.ezshop.identity.gallery.PgFaceStore;
import org.ezshop.load.chaos.Databases;

/**
 * How long an enrolment takes to reach a second identity-svc replica: written through one replica's face store,
 * waited for in another's gallery (PostgreSQL NOTIFY, then the row read), both on one fresh database. The
 * embedding is drawn at random: computing it is the enrolling replica's work, before the write, and not part of
 * what travels.
 */
final class ReplicationBenchmark {

  /** Microseconds from the enrolling replica's write committed to the face in the other's gallery. */
  record Result(int enrolments, long p50Micros, long p99Micros, long maxMicros) {
    @Override
    public String toString() {
      return String.format("enrolment visible on a second identity-svc replica: p50 %.1f ms, p99 %.1f ms, "
          + "max %.1f ms over %d enrolments", p50Micros / 1000.0, p99Micros / 1000.0, maxMicros / 1000.0, enrolments);
    }
  }

  private ReplicationBenchmark() {
  }

  static Result run(Vertx vertx, String pgUrl, int enrolments) throws Exception {
    String db = Databases.create(vertx, pgUrl, "ezshop_replication_" + Long.toHexString(System.nanoTime()));
    Gallery there = new Gallery(FaceEngine.DIMENSIONS);
    PgFaceStore here = PgFaceStore.start(vertx, db, new Gallery(FaceEngine.DIMENSIONS), false)
        .await(60, TimeUnit.SECONDS);
    PgFaceStore other = PgFaceStore.start(vertx, db, there, false).await(60, TimeUnit.SECONDS);
    try {
      Random random = new Random(1);
      long[] micros = new long[enrolments];
      for (int i = 0; i < enrolments; i++) {
        float[] embedding = new float[FaceEngine.DIMENSIONS];
        for (int d = 0; d < embedding.length; d++) {
          embedding[d] = (float) random.nextGaussian();
        }
        String faceId = "bench-" + UUID.randomUUID();
        here.enrol(faceId, "Bench " + i, embedding, Optional.empty()).await(10, TimeUnit.SECONDS);
        long written = System.nanoTime();
        while (there.name(faceId) == null) {
          if (System.nanoTime() - written > TimeUnit.SECONDS.toNanos(10)) {
            throw new IllegalStateException("enrolment " + faceId + " never reached the second replica");
          }
          LockSupport.parkNanos(20_000);
        }
        micros[i] = (System.nanoTime() - written) / 1000;
      }
      Arrays.sort(micros);
      return new Result(enrolments, micros[enrolments / 2], micros[(int) Math.ceil(enrolments * 0.99) - 1],
          micros[enrolments - 1]);
    } finally {
      other.close().await(10, TimeUnit.SECONDS);
      here.close().await(10, TimeUnit.SECONDS);
      Databases.drop(vertx, pgUrl, db);
    }
  }
}
