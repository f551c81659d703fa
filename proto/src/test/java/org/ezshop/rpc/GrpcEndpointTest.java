package org.ezshop.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ezshop.identity.v1.ForgetRequest;
import org.ezshop.identity.v1.IdentityServiceGrpc;
import org.ezshop.identity.v1.IdentityServiceGrpcService;
import org.ezshop.identity.v1.IdentityServiceService;
import org.ezshop.testing.GrpcProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GrpcEndpointTest {

  private Vertx vertx;
  private GrpcEndpoint endpoint;

  @BeforeEach
  void start() throws Exception {
    vertx = EventLoops.vertx();
    endpoint = GrpcEndpoint.start(vertx, "127.0.0.1", 0, 1024,
            List.of(IdentityServiceGrpcService.builder(new IdentityServiceService()).build()))
        .await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    endpoint.close(Duration.ofSeconds(5)).await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void servesHealthAndReflectionBesideTheService() throws Exception {
    try (GrpcProbe probe = new GrpcProbe(endpoint.port())) {
      assertEquals(ServingStatus.SERVING, probe.health(""));
      assertEquals(ServingStatus.SERVING, probe.health("ezshop.identity.v1.IdentityService"));
      StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> probe.health("nope.v1.Nope"));
      assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
      assertEquals(List.of("ezshop.identity.v1.IdentityService", "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection"), probe.reflectedServices().stream().sorted().toList());
    }
  }

  @Test
  void healthFollowsARegisteredCheck() throws Exception {
    endpoint.health().register("ezshop.identity.v1.IdentityService", () -> Future.succeededFuture(false));
    try (GrpcProbe probe = new GrpcProbe(endpoint.port())) {
      assertEquals(ServingStatus.NOT_SERVING, probe.health("ezshop.identity.v1.IdentityService"));
    }
  }

  @Test
  void unboundMethodsAnswerUnimplemented() throws Exception {
    try (GrpcProbe probe = new GrpcProbe(endpoint.port())) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () ->
          IdentityServiceGrpc.newBlockingStub(probe.channel()).forget(ForgetRequest.newBuilder().setFaceId("f").build()));
      assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
    }
  }
}
