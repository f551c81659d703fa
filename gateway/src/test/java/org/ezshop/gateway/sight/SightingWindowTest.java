package org.ezshop.gateway.sight;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.gateway.state.GatewayState;
import org.ezshop.gateway.state.StatePlace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A camera's usual near face, learnt from its frames, outlives a gateway restart. */
class SightingWindowTest {

  private static Sighting face(float side, long at) {
    return new Sighting("cam-1", "shelf-cam", CameraRole.CAMERA_ROLE_SHELF, "", "", 0, side, side, 0.5f, 0.5f, at);
  }

  @Test
  void theNearFaceLearntBeforeARestartIsTheOneJudgedByAfterIt(@TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      StatePlace place = new StatePlace.Directory(dir);
      SightingWindow before = new SightingWindow(30_000);
      before.keepIn(GatewayState.open(vertx, place).await(10, TimeUnit.SECONDS).area("near"))
          .await(10, TimeUnit.SECONDS);
      for (int i = 0; i < 2 * SightingWindow.KEEP_EVERY; i++) { // near faces 100-163 px wide
        before.frame("shelf-cam", List.of(face(100 + i, i), face(40, i)));
      }
      float learnt = before.nearArea("shelf-cam", 0.9);
      assertEquals(157 * 157, learnt, 0.01, "the 90th percentile of the frames' largest faces");

      SightingWindow after = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (after == null || after.nearArea("shelf-cam", 0.9) != learnt && System.nanoTime() < deadline) {
        after = new SightingWindow(30_000); // the last keep is written unwaited: read until it has landed
        after.keepIn(GatewayState.open(vertx, place).await(10, TimeUnit.SECONDS).area("near"))
            .await(10, TimeUnit.SECONDS);
      }
      after.frame("shelf-cam", List.of(face(60, 100))); // a small face after the restart
      assertEquals(learnt, after.nearArea("shelf-cam", 0.9), 0.5 * 157 * 157 / 100,
          "a restart resumes from what was learnt, not from the first frames it sees");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
