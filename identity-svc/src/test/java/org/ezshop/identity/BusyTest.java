package org.ezshop.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.ezshop.identity.v1.IdentifyRequest;
import org.ezshop.identity.v1.IdentifyResponse;
import org.ezshop.rpc.EventLoops;
import org.junit.jupiter.api.Test;

class BusyTest {

  @Test
  void callsBeyondTheQueueFailFastWithResourceExhausted() throws Exception {
    Vertx vertx = EventLoops.vertx();
    IdentityConfig base = TestIdentity.memory();
    IdentityConfig oneWorker = new IdentityConfig(base.host(), 0, base.managerToken(), base.pgUrl(), base.models(),
        base.maxImageBytes(), base.maxImageSide(), base.minFacePixels(), base.threshold(), 1, 1, false, base.indexFrom(),
        base.indexDir(), base.tls());
    IdentityServer server = IdentityServer.start(vertx, oneWorker).await(60, TimeUnit.SECONDS);
    try (IdentityClient client = new IdentityClient(server.port())) {
      IdentifyRequest group = IdentifyRequest.newBuilder().setImage(ByteString.copyFrom(Photos.group(5))).build();
      List<ListenableFuture<IdentifyResponse>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(client.async().identify(group));
      }
      int answered = 0;
      int busy = 0;
      for (ListenableFuture<IdentifyResponse> call : calls) {
        try {
          assertEquals(5, call.get(60, TimeUnit.SECONDS).getFacesCount());
          answered++;
        } catch (ExecutionException e) {
          Status status = Status.fromThrowable(e.getCause());
          assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode(), status.toString());
          assertTrue(status.getDescription().contains("busy"));
          busy++;
        }
      }
      // One runs, one waits; of eight sent at once, the rest are refused at once.
      assertTrue(answered >= 2, "answered " + answered);
      assertTrue(busy >= 1, "busy " + busy);
      assertEquals(5, client.identify(Photos.group(5)).getFacesCount(), "serves again once the queue drains");
    } finally {
      server.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
