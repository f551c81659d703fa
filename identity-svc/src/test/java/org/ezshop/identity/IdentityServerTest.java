package org.ezshop.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.ezshop.rpc.EventLoops;
import org.ezshop.testing.GrpcProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdentityServerTest {

  private static final int MAX_IMAGE = 64 * 1024;
  private Vertx vertx;
  private IdentityServer server;

  @BeforeEach
  void start() throws Exception {
    vertx = EventLoops.vertx();
    server = IdentityServer.start(vertx, new IdentityConfig("127.0.0.1", 0, MAX_IMAGE)).await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    server.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void servesHealthAndReflection() throws Exception {
    try (GrpcProbe probe = new GrpcProbe(server.port())) {
      assertEquals(ServingStatus.SERVING, probe.health("ezshop.identity.v1.IdentityService"));
      assertTrue(probe.reflectedServices().contains("ezshop.identity.v1.IdentityService"));
    }
  }

  @Test
  void requestsOverTheImageLimitAreRefusedWithResourceExhausted() throws Exception {
    try (GrpcProbe probe = new GrpcProbe(server.port())) {
      // Identify is not bound yet, so the limit is shown on a bound method of the same server.
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> probe.health("x".repeat(2 * MAX_IMAGE)));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
      assertEquals(ServingStatus.SERVING, probe.health(""), "the connection survives");
      // Just under the limit is read (and answered: no such service).
      StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> probe.health("x".repeat(MAX_IMAGE)));
      assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    }
  }
}
