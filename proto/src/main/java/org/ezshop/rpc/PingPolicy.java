package org.ezshop.rpc;

import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;

/**
 * HTTP/2 keepalive enforcement on one connection, after grpc-java's KeepAliveEnforcer: a connection with no call
 * open may ping at most once per {@link #MIN_INTERVAL}; each ping sooner is a strike, and past
 * {@link #MAX_STRIKES} the connection is to be sent a GOAWAY with ENHANCE_YOUR_CALM. While a call is open, data
 * may flow either way and grpc-java clients ping to size their flow-control window (BDP), so pings are allowed;
 * a new call clears the strikes. Not thread-safe: its connection's event loop uses it.
 */
final class PingPolicy {

  /** The agents ping every 30 s. */
  static final Duration MIN_INTERVAL = Duration.ofSeconds(10);
  static final int MAX_STRIKES = 2;
  static final long ENHANCE_YOUR_CALM = 0xb;

  private long lastAllowedNanos;
  private int strikes;
  private int open;

  PingPolicy(long nowNanos) {
    lastAllowedNanos = nowNanos - MIN_INTERVAL.toNanos();
  }

  /** A call on the connection: open until its response ends (or the stream is reset). */
  void opened(HttpServerRequest request) {
    open++;
    strikes = 0;
    boolean[] closed = {false};
    Runnable close = () -> {
      if (!closed[0]) {
        closed[0] = true;
        open--;
      }
    };
    request.response().endHandler(v -> close.run()).closeHandler(v -> close.run());
  }

  /** A ping at {@code nowNanos}: false when it is one strike too many. */
  boolean allows(long nowNanos) {
    if (open > 0 || nowNanos - lastAllowedNanos >= MIN_INTERVAL.toNanos()) {
      lastAllowedNanos = nowNanos;
      return true;
    }
    return ++strikes <= MAX_STRIKES;
  }
}
