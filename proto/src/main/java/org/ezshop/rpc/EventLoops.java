package org.ezshop.rpc;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.threadchecker.BlockedThreadEvent;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates every Vert.x instance of the platform, with the blocked-thread checker reporting here so that a
 * blocked event loop is logged once, counted, and fails the tests (see NoBlockedEventLoops in the tests).
 */
public final class EventLoops {

  private static final Logger LOG = LoggerFactory.getLogger(EventLoops.class);
  private static final AtomicLong BLOCKED = new AtomicLong();

  private EventLoops() {
  }

  public static Vertx vertx() {
    return vertx(new VertxOptions());
  }

  public static Vertx vertx(VertxOptions options) {
    return watch(Vertx.vertx(options));
  }

  /** Reports this instance's blocked threads here too: for a Vert.x made elsewhere (a test extension's). */
  public static Vertx watch(Vertx vertx) {
    ((VertxInternal) vertx).blockedThreadChecker().setThreadBlockedHandler(EventLoops::blocked);
    return vertx;
  }

  /** How many blocked-thread warnings this JVM has seen. */
  public static long blockedCount() {
    return BLOCKED.get();
  }

  private static void blocked(BlockedThreadEvent event) {
    BLOCKED.incrementAndGet();
    Throwable where = new IllegalStateException("blocked here");
    where.setStackTrace(event.thread().getStackTrace());
    LOG.warn("event=thread_blocked thread={} blocked_ms={} limit_ms={}", event.thread().getName(),
        event.duration() / 1_000_000, event.maxExecTime() / 1_000_000, where);
  }
}
