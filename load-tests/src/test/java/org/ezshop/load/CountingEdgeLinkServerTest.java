package org.ezshop.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.ezshop.edge.v1.EdgeLinkServiceGrpc;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Hello;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.rpc.EventLoops;
import org.junit.jupiter.api.Test;

class CountingEdgeLinkServerTest {

  @Test
  void countsEveryReadingAndAcksEveryBatch() throws Exception {
    Vertx vertx = EventLoops.vertx();
    CountingEdgeLinkServer server = CountingEdgeLinkServer.start(vertx, "127.0.0.1", 0).await(10, TimeUnit.SECONDS);
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    try {
      List<GatewayMessage> received = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> done = new CompletableFuture<>();
      StreamObserver<EdgeMessage> stream = EdgeLinkServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
        @Override
        public void onNext(GatewayMessage message) {
          received.add(message);
        }

        @Override
        public void onError(Throwable t) {
          done.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
          done.complete(null);
        }
      });
      stream.onNext(EdgeMessage.newBuilder().setHello(Hello.newBuilder().setDeviceId("shelf-1").setLastAckedSeq(0)).build());
      ReadingBatch.Builder batch = ReadingBatch.newBuilder();
      for (int i = 0; i < 50; i++) {
        batch.addReadings(Reading.newBuilder().setSensorId("s" + i).setDistanceMm(200 + i));
      }
      for (long seq = 1; seq <= 100; seq++) {
        stream.onNext(EdgeMessage.newBuilder().setSeq(seq).setReadings(batch).build());
      }
      stream.onCompleted();
      done.get(10, TimeUnit.SECONDS);

      assertEquals(5000, server.readings());
      assertEquals(101, received.size());
      assertEquals(0, received.get(0).getWelcome().getAckedSeq());
      assertEquals(100, received.get(100).getAck().getUpToSeq());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
