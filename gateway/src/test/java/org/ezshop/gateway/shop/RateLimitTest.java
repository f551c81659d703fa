package org.ezshop.gateway.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A sliding window per key: the call past the limit is refused until the oldest leaves the window. */
class RateLimitTest {

  @Test
  void theCallPastTheLimitWaitsForTheOldestToLeaveTheWindowAndOtherKeysAreNotTouched() {
    AtomicLong now = new AtomicLong(0);
    RateLimit limit = new RateLimit("at most 3 a minute", 3, 60_000, now::get);
    for (int i = 0; i < 3; i++) {
      limit.take("10.0.0.7");
      now.addAndGet(10_000);
    }
    StatusException refused = assertThrows(StatusException.class, () -> limit.take("10.0.0.7"));
    assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, refused.status());
    assertEquals("at most 3 a minute; retry in 30 s", refused.message());
    limit.take("10.0.0.8");
    now.set(60_000); // the first call leaves the window
    limit.take("10.0.0.7");
    assertEquals(1, limit.refused());
  }
}
