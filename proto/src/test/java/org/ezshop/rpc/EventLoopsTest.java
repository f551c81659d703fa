package org.ezshop.rpc;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import org.ezshop.testing.ExpectsBlockedEventLoop;
import org.junit.jupiter.api.Test;

class EventLoopsTest {

  @Test
  @ExpectsBlockedEventLoop
  void aBlockedEventLoopIsReported() throws Exception {
    Vertx vertx = EventLoops.vertx(new VertxOptions()
        .setBlockedThreadCheckInterval(10).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        .setMaxEventLoopExecuteTime(20).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    try {
      vertx.runOnContext(v -> sleep(100));
      Thread.sleep(200);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
