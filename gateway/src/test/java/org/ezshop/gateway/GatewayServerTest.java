package org.ezshop.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ezshop.identity.v1.IdentityServiceGrpcService;
import org.ezshop.identity.v1.IdentityServiceService;
import org.ezshop.rpc.EventLoops;
import org.ezshop.rpc.GrpcEndpoint;
import org.ezshop.store.v1.StoreServiceGrpcService;
import org.ezshop.store.v1.StoreServiceService;
import org.ezshop.testing.GrpcProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GatewayServerTest {

  private static final String EDGE = "ezshop.edge.v1.EdgeLinkService";
  private static final String SHOP = "ezshop.shop.v1.ShopService";
  private Vertx vertx;
  private GrpcEndpoint store;
  private GrpcEndpoint identity;
  private GatewayServer gateway;

  @BeforeEach
  void start() throws Exception {
    vertx = EventLoops.vertx();
    // Stand-ins that only carry the service names, so the gateway's health checks have someone to ask.
    store = GrpcEndpoint.start(vertx, "127.0.0.1", 0, 1024,
        List.of(StoreServiceGrpcService.builder(new StoreServiceService()).build())).await(10, TimeUnit.SECONDS);
    identity = GrpcEndpoint.start(vertx, "127.0.0.1", 0, 1024,
        List.of(IdentityServiceGrpcService.builder(new IdentityServiceService()).build())).await(10, TimeUnit.SECONDS);
    gateway = GatewayServer.start(vertx, new GatewayConfig("127.0.0.1", 0,
            SocketAddress.inetSocketAddress(store.port(), "127.0.0.1"),
            SocketAddress.inetSocketAddress(identity.port(), "127.0.0.1"), GatewayConfig.DEFAULT_MAX_FRAME_BYTES,
            "test-manager-token", GatewayConfig.DEFAULT_HEARTBEAT_MILLIS,
            GatewayConfig.DEFAULT_IDENTIFY_CONCURRENCY, 0, 0,
            "gateway-test-session-secret-0123456789".getBytes(), GatewayConfig.DEFAULT_DOOR_COOLDOWN_MILLIS,
            org.ezshop.gateway.fusion.FusionSettings.defaults(java.util.Optional.empty()), java.util.Optional.empty()))
        .await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
    store.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
    identity.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
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
