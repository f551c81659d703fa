package org.ezshop.gateway.shop;

import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** At most {@code max} calls in any {@code windowMillis} for each key (an address, a session); the rest refused. */
final class RateLimit {

  private final String what;
  private final int max;
  private final long windowMillis;
  private final LongSupplier clock;
  private final Map<String, ArrayDeque<Long>> calls = new HashMap<>();
  private final AtomicLong refused = new AtomicLong();

  /** @param what names the limit in the refusal, e.g. "LoginWithFace: at most 20 attempts a minute from one address" */
  RateLimit(String what, int max, long windowMillis, LongSupplier clock) {
    this.what = what;
    this.max = max;
    this.windowMillis = windowMillis;
    this.clock = clock;
  }

  long refused() {
    return refused.get();
  }

  /** Counts a call for {@code key}, or refuses it with RESOURCE_EXHAUSTED naming the limit and when to retry. */
  synchronized void take(String key) {
    long now = clock.getAsLong();
    calls.values().removeIf(times -> {
      while (!times.isEmpty() && times.peekFirst() <= now - windowMillis) {
        times.pollFirst();
      }
      return times.isEmpty();
    });
    ArrayDeque<Long> times = calls.computeIfAbsent(key, k -> new ArrayDeque<>());
    if (times.size() >= max) {
      refused.incrementAndGet();
      long retry = Math.max(1, (times.peekFirst() + windowMillis - now + 999) / 1000);
      throw new StatusException(GrpcStatus.RESOURCE_EXHAUSTED, what + "; retry in " + retry + " s");
    }
    times.addLast(now);
  }
}
