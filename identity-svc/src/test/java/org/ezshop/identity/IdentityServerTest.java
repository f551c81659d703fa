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
    IdentityConfig base = TestIdentity.memory();
    IdentityConfig small = new IdentityConfig(base.host(), 0, base.managerToken(), base.pgUrl(), base.models(),
        MAX_IMAGE, base.maxImageSide(), base.minFacePixels(), base.threshold(), base.workers(), base.queue(), false,
        base.indexFrom(), base.indexDir(), base.tls());
    server = IdentityServer.start(vertx, small).await(60, TimeUnit.SECONDS);
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
  void imagesOverTheLimitAreRefusedAndTheConnectionSurvives() throws Exception {
    try (IdentityClient client = new IdentityClient(server.port())) {
      IdentifyRequest big = IdentifyRequest.newBuilder().setImage(ByteString.copyFrom(new byte[2 * MAX_IMAGE])).build();
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.stub().identify(big));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
      // Just under the message limit but over the image limit: read, then refused by name.
      IdentifyRequest near = IdentifyRequest.newBuilder().setImage(ByteString.copyFrom(new byte[MAX_IMAGE + 1])).build();
      StatusRuntimeException over = assertThrows(StatusRuntimeException.class, () -> client.stub().identify(near));
      assertEquals(Status.Code.INVALID_ARGUMENT, over.getStatus().getCode());
      assertTrue(over.getStatus().getDescription().contains("over the limit of " + MAX_IMAGE));
      assertEquals(1, client.identify(Photos.portrait("men/0")).getFacesCount());
    }
  }
}
