package org.ezshop.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.ezshop.identity.v1.IdentifyRequest;
import org.ezshop.identity.v1.IdentityServiceGrpc;
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
  void imagesOverTheLimitAreRefusedBeforeTheServiceSeesThem() throws Exception {
    try (GrpcProbe probe = new GrpcProbe(server.port())) {
      IdentifyRequest huge = IdentifyRequest.newBuilder().setImage(ByteString.copyFrom(new byte[2 * MAX_IMAGE])).build();
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> IdentityServiceGrpc.newBlockingStub(probe.channel()).identify(huge));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
      // The connection survives: the server still answers.
      assertEquals(ServingStatus.SERVING, probe.health(""));
    }
  }
}
