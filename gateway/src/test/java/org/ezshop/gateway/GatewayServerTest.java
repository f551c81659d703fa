package org.ezshop.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.ezshop.gateway.fusion.FusionSettings;
import org.ezshop.gateway.shop.ShopLimits;
import org.ezshop.gateway.state.StatePlace;
import org.ezshop.identity.v1.IdentityServiceGrpcService;
import org.ezshop.identity.v1.IdentityServiceService;
import org.ezshop.rpc.EventLoops;
import org.ezshop.rpc.GrpcEndpoint;
import org.ezshop.rpc.Tls;
import org.ezshop.store.v1.StoreServiceGrpcService;
import org.ezshop.store.v1.StoreServiceService;
import org.ezshop.testing.GrpcProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class GatewayServerTest {

  private static final String EDGE = "ezshop.edge.v1.EdgeLinkService";
  private static final String SHOP = "ezshop.shop.v1.ShopService";
  private GrpcEndpoint store;
  private GrpcEndpoint identity;
  private GatewayServer gateway;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext started) {
    EventLoops.watch(vertx);
    // Stand-ins that only carry the service names, so the gateway's health checks have someone to ask.
    Future<GrpcEndpoint> storeUp = GrpcEndpoint.start(vertx, "127.0.0.1", 0, 1024,
        List.of(StoreServiceGrpcService.builder(new StoreServiceService()).build()));
    Future<GrpcEndpoint> identityUp = GrpcEndpoint.start(vertx, "127.0.0.1", 0, 1024,
        List.of(IdentityServiceGrpcService.builder(new IdentityServiceService()).build()));
    Future.all(storeUp, identityUp).compose(both -> {
      store = storeUp.result();
      identity = identityUp.result();
      return GatewayServer.start(vertx, new GatewayConfig("127.0.0.1", 0,
          List.of(SocketAddress.inetSocketAddress(store.port(), "127.0.0.1")),
          List.of(SocketAddress.inetSocketAddress(identity.port(), "127.0.0.1")), GatewayConfig.DEFAULT_MAX_FRAME_BYTES,
          "test-manager-token", GatewayConfig.DEFAULT_HEARTBEAT_MILLIS, GatewayConfig.DEFAULT_IDENTIFY_CONCURRENCY,
          0, 0, "gateway-test-session-secret-0123456789".getBytes(), GatewayConfig.DEFAULT_DOOR_COOLDOWN_MILLIS,
          FusionSettings.defaults(), new StatePlace.Memory(), ShopLimits.Settings.defaults(),
          org.ezshop.gateway.link.DeviceLimits.Settings.defaults(), Optional.empty(), Tls.OFF, 0, Optional.empty(),
          ""));
    }).onComplete(started.succeeding(server -> {
      gateway = server;
      started.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext stopped) {
    gateway.close(Duration.ofSeconds(1)).compose(v -> store.close(Duration.ofSeconds(1)))
        .compose(v -> identity.close(Duration.ofSeconds(1))).onComplete(stopped.succeedingThenComplete());
  }

  @Test
  void servesEdgeLinkAndShopWithReflection() throws Exception {
    try (GrpcProbe probe = new GrpcProbe(gateway.port())) {
      assertEquals(ServingStatus.SERVING, probe.health(EDGE));
      assertEquals(ServingStatus.SERVING, probe.health(SHOP));
      assertTrue(probe.reflectedServices().containsAll(List.of(EDGE, SHOP)));
    }
  }

  @Test
  void notServingWhileAServiceItNeedsIsDown() throws Exception {
    identity.close(Duration.ZERO).await(10, TimeUnit.SECONDS);
    try (GrpcProbe probe = new GrpcProbe(gateway.port())) {
      assertEquals(ServingStatus.NOT_SERVING, probe.health(SHOP));
      assertEquals(ServingStatus.SERVING, probe.health(EDGE), "edges only need store-svc");
      store.close(Duration.ZERO).await(10, TimeUnit.SECONDS);
      assertEquals(ServingStatus.NOT_SERVING, probe.health(EDGE));
    }
  }
}
