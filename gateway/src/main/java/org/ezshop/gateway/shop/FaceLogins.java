package org.ezshop.gateway.shop;

import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What guards LoginWithFace, where a face is a password: at most {@code perMinute} attempts in any minute from
 * one source address (a brute force with a stack of photos meets a wall), and a match threshold stricter than
 * the sightings' (a login admits someone, a sighting only weighs evidence).
 */
public final class FaceLogins {

  /**
   * 0.20 above the highest score between two different people of the faces.md portraits (0.447) and 0.05 below
   * the lowest between two photos of one person (0.701); the sightings' 0.55 sits nearer the first.
   */
  public static final float DEFAULT_THRESHOLD = 0.65f;
  public static final int DEFAULT_PER_MINUTE = 20;
  private static final long MINUTE = 60_000;

  private final float threshold;
  private final int perMinute;
  private final LongSupplier clock;
  private final Map<String, ArrayDeque<Long>> attempts = new HashMap<>();
  private final AtomicLong refused = new AtomicLong();

  public FaceLogins(float threshold, int perMinute, LongSupplier clock) {
    this.threshold = threshold;
    this.perMinute = perMinute;
    this.clock = clock;
  }

  float threshold() {
    return threshold;
  }

  /** Logins refused for their address's rate. */
  public long refused() {
    return refused.get();
  }

  /** Counts an attempt from {@code address}, or refuses it with RESOURCE_EXHAUSTED naming the limit. */
  synchronized void attempt(String address) {
    long now = clock.getAsLong();
    attempts.values().removeIf(times -> {
      while (!times.isEmpty() && times.peekFirst() <= now - MINUTE) {
        times.pollFirst();
      }
      return times.isEmpty();
    });
    ArrayDeque<Long> times = attempts.computeIfAbsent(address, a -> new ArrayDeque<>());
    if (times.size() >= perMinute) {
      refused.incrementAndGet();
      long retry = Math.max(1, (times.peekFirst() + MINUTE - now + 999) / 1000);
      throw new StatusException(GrpcStatus.RESOURCE_EXHAUSTED, "LoginWithFace: at most " + perMinute
          + " attempts a minute from one address; retry in " + retry + " s");
    }
    times.addLast(now);
  }
}
