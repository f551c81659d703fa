package org.ezshop.dist;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.ezshop.gateway.GatewayConfig;
import org.ezshop.gateway.GatewayServer;
import org.ezshop.identity.IdentityServer;
import org.ezshop.load.CountingEdgeLinkServer;
import org.ezshop.rpc.ListenFailure;
import org.ezshop.store.StoreServer;

/** The services one launcher command runs (see {@link Command#services}), in one JVM; each listens on its own gRPC port. */
final class Platform {

  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final List<Function<Duration, Future<Void>>> closers = new ArrayList<>();
  private GatewayServer gateway;

  /** store-svc, identity-svc and the gateway, calling the two over loopback. */
  static Future<Platform> all(Vertx vertx, Settings settings) {
    Platform platform = new Platform();
    return Future.all(named("store-svc", settings.store().port(), StoreServer.start(vertx, settings.store())),
            named("identity-svc", settings.identity().port(), IdentityServer.start(vertx, settings.identity())))
        .compose(both -> {
          StoreServer store = both.resultAt(0);
          IdentityServer identity = both.resultAt(1);
          platform.add("store-svc", store.port(), store::close);
          platform.add("identity-svc", identity.port(), identity::close);
          return platform.startGateway(vertx, settings, store.port(), identity.port());
        })
        .recover(failure -> platform.close(Duration.ZERO).transform(v -> Future.failedFuture(failure)));
  }

  static Future<Platform> store(Vertx vertx, Settings settings) {
    return named("store-svc", settings.store().port(), StoreServer.start(vertx, settings.store()))
        .map(store -> new Platform().add("store-svc", store.port(), store::close));
  }

  static Future<Platform> identity(Vertx vertx, Settings settings) {
    return named("identity-svc", settings.identity().port(), IdentityServer.start(vertx, settings.identity()))
        .map(identity -> new Platform().add("identity-svc", identity.port(), identity::close));
  }

  static Future<Platform> gateway(Vertx vertx, Settings settings) {
    return new Platform().startGateway(vertx, settings, settings.store().port(), settings.identity().port());
  }

  static Future<Platform> edgeSink(Vertx vertx, Settings settings) {
    GatewayConfig config = settings.gateway(0, 0);
    return named("edge-sink", config.port(), CountingEdgeLinkServer.start(vertx, config.host(), config.port()))
        .map(sink -> new Platform().add("edge-sink", sink.port(), grace -> sink.close()));
  }

  private Future<Platform> startGateway(Vertx vertx, Settings settings, int storePort, int identityPort) {
    GatewayConfig config = settings.gateway(storePort, identityPort);
    return named("gateway", config.port(), GatewayServer.start(vertx, config))
        .map(gateway -> {
          this.gateway = gateway;
          add("gateway", gateway.port(), gateway::close)
              .add("gateway-metrics", gateway.metricsPort(), grace -> Future.succeededFuture())
              .add("gateway-web", gateway.webPort(), grace -> Future.succeededFuture());
          if (gateway.webRedirectPort() >= 0) {
            add("gateway-web-redirect", gateway.webRedirectPort(), grace -> Future.succeededFuture());
          }
          return this;
        });
  }

  /** The gateway this platform runs, for in-process tools. */
  GatewayServer gateway() {
    if (gateway == null) {
      throw new IllegalStateException("this platform runs no gateway");
    }
    return gateway;
  }

  private static <T> Future<T> named(String service, int port, Future<T> starting) {
    return ListenFailure.named(service, port, starting);
  }

  private Platform add(String service, int port, Function<Duration, Future<Void>> closer) {
    ports.put(service, port);
    closers.add(0, closer); // close in reverse start order: the gateway before what it calls
    return this;
  }

  /** Service name to the port it listens on, in start order. */
  Map<String, Integer> ports() {
    return ports;
  }

  /** Stops accepting calls, gives open streams the grace period, then closes them. */
  Future<Void> close(Duration grace) {
    Future<Void> chain = Future.succeededFuture();
    for (Function<Duration, Future<Void>> closer : closers) {
      chain = chain.eventually(() -> closer.apply(grace));
    }
    return chain;
  }
}
