package org.ezshop.rpc;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.Service;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A gRPC server mounted on a Vert.x HTTP/2 server, serving {@code grpc.health.v1.Health} and server
 * reflection v1 beside the given services. Every EZShop server starts through this class.
 */
public final class GrpcEndpoint {

  // The Vert.x default 64 KiB HTTP/2 window caps one stream's throughput; these gave +60-85% (STACK.md).
  private static final int STREAM_WINDOW_BYTES = 1 << 20;
  private static final int CONNECTION_WINDOW_BYTES = 4 << 20;
  /** HTTP/2 limits per connection: streams open at once (a device needs one), and header bytes of a request. */
  static final int MAX_CONCURRENT_STREAMS = 256;
  static final int MAX_HEADER_LIST_BYTES = 8 << 10;
  /**
   * A connection older than this (give or take a tenth, so that clients do not all come back at once) is sent a
   * GOAWAY and given {@link #AGED_GRACE} to finish: clients reconnect, and load spreads anew over replicas.
   */
  static final Duration MAX_CONNECTION_AGE = Duration.ofHours(1);
  static final Duration AGED_GRACE = Duration.ofMinutes(1);

  private static final LongAdder PINGS_REFUSED = new LongAdder();

  private final HttpServer http;
  private final HealthService health;

  private GrpcEndpoint(HttpServer http, HealthService health) {
    this.http = http;
    this.health = health;
  }

  /** Binds {@code host:port} in plaintext (port 0 picks a free one). */
  public static Future<GrpcEndpoint> start(Vertx vertx, String host, int port, long maxMessageBytes,
      List<Service> services) {
    return start(vertx, host, port, maxMessageBytes, services, Tls.OFF);
  }

  /**
   * Binds {@code host:port} (port 0 picks a free one), with TLS when {@code tls} serves.
   *
   * @param maxMessageBytes largest request message accepted; larger ones fail with RESOURCE_EXHAUSTED
   */
  public static Future<GrpcEndpoint> start(Vertx vertx, String host, int port, long maxMessageBytes,
      List<Service> services, Tls tls) {
    return start(vertx, host, port, maxMessageBytes, services, TlsOptions.server(tls, new HttpServerOptions()));
  }

  /** The same on {@code base}: options already set with TLS (and client certificates) as the caller needs. */
  public static Future<GrpcEndpoint> start(Vertx vertx, String host, int port, long maxMessageBytes,
      List<Service> services, HttpServerOptions base) {
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(maxMessageBytes));
    services.forEach(grpc::addService);
    HealthService health = HealthService.create(vertx);
    grpc.addService(health);
    grpc.addService(new Reflection());
    HttpServerOptions options = base
        .setHost(host)
        .setPort(port)
        .setInitialSettings(new Http2Settings().setInitialWindowSize(STREAM_WINDOW_BYTES)
            .setMaxConcurrentStreams(MAX_CONCURRENT_STREAMS).setMaxHeaderListSize(MAX_HEADER_LIST_BYTES))
        .setHttp2ConnectionWindowSize(CONNECTION_WINDOW_BYTES);
    Map<HttpConnection, PingPolicy> pings = new ConcurrentHashMap<>();
    return vertx.createHttpServer(options)
        .requestHandler(request -> {
          PingPolicy policy = pings.get(request.connection());
          if (policy != null) {
            policy.opened(request);
          }
          grpc.handle(request);
        })
        .connectionHandler(connection -> {
          long age = (long) (MAX_CONNECTION_AGE.toMillis() * (0.9 + 0.2 * ThreadLocalRandom.current().nextDouble()));
          long timer = vertx.setTimer(age, t -> connection.shutdown(AGED_GRACE.toMillis(), TimeUnit.MILLISECONDS));
          connection.closeHandler(v -> {
            vertx.cancelTimer(timer);
            pings.remove(connection);
          });
          PingPolicy policy = new PingPolicy(System.nanoTime());
          try {
            connection.pingHandler(data -> {
              if (!policy.allows(System.nanoTime())) {
                PINGS_REFUSED.increment();
                connection.goAway(PingPolicy.ENHANCE_YOUR_CALM);
              }
            });
            pings.put(connection, policy);
          } catch (UnsupportedOperationException http1) {
            // an HTTP/1.1 connection (a client that did not ask for h2) has no PING to police
          }
        })
        .listen()
        .map(http -> new GrpcEndpoint(http, health));
  }

  /** Connections sent a GOAWAY for pinging too often ({@link PingPolicy}), on every gRPC port of this process. */
  public static long pingsRefused() {
    return PINGS_REFUSED.sum();
  }

  /** The port actually bound. */
  public int port() {
    return http.actualPort();
  }

  /** Register a check that decides SERVING / NOT_SERVING for a service name (default: SERVING). */
  public HealthService health() {
    return health;
  }

  /**
   * Stops accepting connections, tells clients to go away (HTTP/2 GOAWAY), and closes what is still open
   * after the grace period, ending its streams.
   */
  public Future<Void> close(Duration grace) {
    return http.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
  }
}
