package org.ezshop.dist;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.ezshop.gateway.GatewayServer;
import org.ezshop.identity.IdentityServer;
import org.ezshop.load.CountingEdgeLinkServer;
import org.ezshop.rpc.ListenFailure;
import org.ezshop.store.StoreServer;

/** The services one launcher command runs, in one JVM; each listens on its own gRPC port. */
final class Platform {

  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final List<Function<Duration, Future<Void>>> closers = new ArrayList<>();

  /** Starts what {@code command} names ("all", "store", ...) with the settings. */
  static Future<Platform> start(Vertx vertx, Settings settings, String command) {
    Platform platform = new Platform();
    switch (command) {
      case "all":
        return Future.all(named("store-svc", settings.store().port(), StoreServer.start(vertx, settings.store())),
                named("identity-svc", settings.identity().port(), IdentityServer.start(vertx, settings.identity())))
            .compose(both -> {
              StoreServer store = both.resultAt(0);
              IdentityServer identity = both.resultAt(1);
              platform.add("store-svc", store.port(), store::close);
              platform.add("identity-svc", identity.port(), identity::close);
              return startGateway(vertx, settings, platform, store.port(), identity.port());
            })
            .recover(failure -> platform.close(Duration.ZERO).transform(v -> Future.failedFuture(failure)));
      case "store":
        return named("store-svc", settings.store().port(), StoreServer.start(vertx, settings.store()))
            .map(store -> platform.add("store-svc", store.port(), store::close));
      case "identity":
        return named("identity-svc", settings.identity().port(), IdentityServer.start(vertx, settings.identity()))
            .map(identity -> platform.add("identity-svc", identity.port(), identity::close));
      case "gateway":
        return startGateway(vertx, settings, platform, settings.store().port(), settings.identity().port());
      case "edge-sink":
        return named("edge-sink", settings.gateway(0, 0).port(),
            CountingEdgeLinkServer.start(vertx, settings.gateway(0, 0).host(), settings.gateway(0, 0).port()))
            .map(sink -> platform.add("edge-sink", sink.port(), grace -> sink.close()));
      default:
        return Future.failedFuture(new IllegalArgumentException(
            "unknown command '" + command + "' (see ezshop --help)"));
    }
  }

  private static Future<Platform> startGateway(Vertx vertx, Settings settings, Platform platform, int storePort,
      int identityPort) {
    return named("gateway", settings.gateway(storePort, identityPort).port(),
            GatewayServer.start(vertx, settings.gateway(storePort, identityPort)))
        .map(gateway -> platform.add("gateway", gateway.port(), gateway::close)
            .add("gateway-metrics", gateway.metricsPort(), grace -> Future.succeededFuture())
            .add("gateway-web", gateway.webPort(), grace -> Future.succeededFuture()));
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
