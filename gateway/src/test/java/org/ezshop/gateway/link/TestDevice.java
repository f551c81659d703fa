package org.ezshop.gateway.link;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.ezshop.edge.v1.EdgeLinkServiceGrpc;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Hello;
import org.ezshop.edge.v1.TimeSyncReply;

/** A device's stream over grpc-java, with its own clock (skewed by {@code skewMillis}); answers clock probes. */
public final class TestDevice implements StreamObserver<GatewayMessage> {

  public final List<GatewayMessage> received = new CopyOnWriteArrayList<>();
  final CompletableFuture<Status> ended = new CompletableFuture<>();
  private final long skewMillis;
  /** False: a device gone silent, which answers nothing. */
  volatile boolean answerProbes = true;
  /** What its probe replies say of its backlog; null leaves the field out, as a device that does not say. */
  public volatile Boolean backlogSent;
  private StreamObserver<EdgeMessage> stream;

  public TestDevice(ManagedChannel channel, String token, long skewMillis) {
    this.skewMillis = skewMillis;
    EdgeLinkServiceGrpc.EdgeLinkServiceStub stub = EdgeLinkServiceGrpc.newStub(channel);
    if (token != null) {
      Metadata metadata = new Metadata();
      metadata.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
    }
    stream = stub.connect(this);
  }

  public long clock() {
    return System.currentTimeMillis() + skewMillis;
  }

  static Timestamp stamp(long millis) {
    return org.ezshop.rpc.EpochMillis.timestamp(millis);
  }

  public TestDevice hello(String deviceId, long lastAcked, String... sources) {
    return helloStamped(clock(), deviceId, lastAcked, sources);
  }

  /** A hello whose device time is {@code deviceMillis}: one the network held up shows a time long past. */
  public TestDevice helloStamped(long deviceMillis, String deviceId, long lastAcked, String... sources) {
    send(EdgeMessage.newBuilder().setHello(Hello.newBuilder().setDeviceId(deviceId).setLastAckedSeq(lastAcked)
        .setDeviceTime(stamp(deviceMillis)).addAllSourceIds(List.of(sources))).build());
    return this;
  }

  public synchronized void send(EdgeMessage message) {
    stream.onNext(message);
  }

  public void cut() {
    stream.onError(Status.CANCELLED.withDescription("link cut").asRuntimeException());
  }

  @Override
  public void onNext(GatewayMessage m) {
    received.add(m);
    if (m.hasTimeSyncRequest() && answerProbes) {
      answer(m);
    }
  }

  private void answer(GatewayMessage probe) {
    Timestamp now = stamp(clock());
    TimeSyncReply.Builder reply = TimeSyncReply.newBuilder().setId(probe.getTimeSyncRequest().getId())
        .setDeviceReceivedAt(now).setDeviceSentAt(stamp(clock()));
    if (backlogSent != null) {
      reply.setBacklogSent(backlogSent);
    }
    send(EdgeMessage.newBuilder().setTimeSyncReply(reply).build());
  }

  @Override
  public void onError(Throwable t) {
    ended.complete(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    ended.complete(Status.OK);
  }

  /** Waits until the gateway's first {@code n} clock probes have come; each is answered as it comes. */
  public void awaitProbes(int n) throws InterruptedException {
    await(m -> received.stream().filter(GatewayMessage::hasTimeSyncRequest).count() >= n);
  }

  /** Waits until a received message matches. */
  public GatewayMessage await(Predicate<GatewayMessage> what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      for (GatewayMessage m : received) {
        if (what.test(m)) {
          return m;
        }
      }
      if (ended.isDone()) {
        throw new AssertionError("the stream ended (" + ended.join() + ") before the message came");
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no such message within 10 s; got " + received);
  }

  public Status awaitEnd() throws Exception {
    return ended.get(15, TimeUnit.SECONDS);
  }

  long acked() {
    return received.stream().filter(GatewayMessage::hasAck).mapToLong(m -> m.getAck().getUpToSeq()).max().orElse(0);
  }
}
