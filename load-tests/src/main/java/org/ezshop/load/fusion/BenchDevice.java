package org.ezshop.load.fusion;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ezshop.edge.v1.EdgeLinkServiceGrpc;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Hello;
import org.ezshop.edge.v1.TimeSyncReply;
import org.ezshop.rpc.EpochMillis;

/** A registered device on EdgeLink for a benchmark script: says hello, answers clock probes, numbers its data. */
final class BenchDevice implements StreamObserver<GatewayMessage> {

  private final CompletableFuture<Void> welcomed = new CompletableFuture<>();
  private final StreamObserver<EdgeMessage> out;
  private long seq;

  BenchDevice(ManagedChannel channel, String token, String deviceId, List<String> sources) throws Exception {
    Metadata auth = new Metadata();
    auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    out = EdgeLinkServiceGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth))
        .connect(this);
    send(EdgeMessage.newBuilder().setHello(Hello.newBuilder().setDeviceId(deviceId).addAllSourceIds(sources)));
    welcomed.get(30, TimeUnit.SECONDS);
  }

  /** Sends a data message with the next seq. */
  synchronized void data(EdgeMessage.Builder message) {
    out.onNext(message.setSeq(++seq).build());
  }

  private synchronized void send(EdgeMessage.Builder message) {
    out.onNext(message.build());
  }

  @Override
  public void onNext(GatewayMessage m) {
    if (m.hasWelcome()) {
      welcomed.complete(null);
    } else if (m.hasTimeSyncRequest()) {
      long now = System.currentTimeMillis();
      send(EdgeMessage.newBuilder().setTimeSyncReply(TimeSyncReply.newBuilder().setId(m.getTimeSyncRequest().getId())
          .setDeviceReceivedAt(EpochMillis.timestamp(now)).setDeviceSentAt(EpochMillis.timestamp(now))));
    }
  }

  @Override
  public void onError(Throwable t) {
    welcomed.completeExceptionally(t);
  }

  @Override
  public void onCompleted() {
  }

  void close() {
    synchronized (this) {
      out.onCompleted();
    }
  }
}
