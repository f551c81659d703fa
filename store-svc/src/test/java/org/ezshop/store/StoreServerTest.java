package org.ezshop.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import io.vertx.junit5.VertxExtension;
import org.ezshop.rpc.EventLoops;
import org.ezshop.testing.GrpcProbe;
import org.ezshop.testing.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class StoreServerTest {

  private static final String SERVICE = "ezshop.store.v1.StoreService";
  private Vertx vertx;

  @BeforeEach
  void vertx(Vertx vertx) {
    this.vertx = EventLoops.watch(vertx); // the extension closes it after each test
  }

  @Test
  void inMemoryStoreServesHealthAndReflection() throws Exception {
    StoreServer server = start(Optional.empty());
    try (GrpcProbe probe = new GrpcProbe(server.port())) {
      assertEquals(ServingStatus.SERVING, probe.health(SERVICE));
      assertTrue(probe.reflectedServices().contains(SERVICE));
    } finally {
      server.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void servingOnPostgresql() throws Exception {
    StoreServer server = start(Optional.of(TestStores.freshDatabase(vertx)));
    try (GrpcProbe probe = new GrpcProbe(server.port())) {
      assertEquals(ServingStatus.SERVING, probe.health(SERVICE));
    } finally {
      server.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void refusesToStartWithoutItsDatabase() throws Exception {
    // Port 1 on loopback refuses connections at once.
    Exception refused = assertThrows(Exception.class, () -> start(Optional.of("postgresql://ezshop:x@127.0.0.1:1/ezshop")));
    assertTrue(String.valueOf(refused.getMessage()).contains("127.0.0.1:1"), refused.toString());
  }

  private StoreServer start(Optional<String> pgUrl) throws Exception {
    return StoreServer.start(vertx, new StoreConfig("127.0.0.1", 0, pgUrl, TestStores.MANAGER, TestStores.SECRET)).await(10, TimeUnit.SECONDS);
  }
}
