package org.ezshop.rpc;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import java.time.Duration;

/**
 * HTTP/2 keepalive enforcement on one connection, after grpc-java's KeepAliveEnforcer: a client may ping at most
 * once per {@link #MIN_INTERVAL}; each ping sooner is a strike, and past {@link #MAX_STRIKES} the connection is to
 * be sent a GOAWAY with ENHANCE_YOUR_CALM. What the client sends (a new request, request data) clears the
 * strikes, since flow-control pings follow data. Not thread-safe: its connection's event loop uses it.
 */
final class PingPolicy {

  /** The agents ping every 30 s. */
  static final Duration MIN_INTERVAL = Duration.ofSeconds(10);
  static final int MAX_STRIKES = 2;
  static final long ENHANCE_YOUR_CALM = 0xb;

  private long lastAllowedNanos;
  private int strikes;

  PingPolicy(long nowNanos) {
    lastAllowedNanos = nowNanos - MIN_INTERVAL.toNanos();
  }

  /** The request, telling this policy of it and of each piece of its data. */
  HttpServerRequest watching(HttpServerRequest request) {
    strikes = 0;
    return new HttpServerRequestWrapper((HttpServerRequestInternal) request) {
      @Override
      public HttpServerRequest handler(Handler<Buffer> data) {
        delegate.handler(data == null ? null : chunk -> {
          strikes = 0;
          data.handle(chunk);
        });
        return this;
      }
    };
  }

  /** A ping at {@code nowNanos}: false when it is one strike too many. */
  boolean allows(long nowNanos) {
    if (nowNanos - lastAllowedNanos >= MIN_INTERVAL.toNanos()) {
      lastAllowedNanos = nowNanos;
      return true;
    }
    return ++strikes <= MAX_STRIKES;
  }
}
