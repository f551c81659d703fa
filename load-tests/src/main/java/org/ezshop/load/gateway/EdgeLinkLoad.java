package org.ezshop.load.gateway;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.ezshop.edge.v1.EdgeLinkServiceGrpc;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Hello;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.edge.v1.TimeSyncReply;
import org.ezshop.load.ClientAuth;
import org.ezshop.load.Phase;
import org.ezshop.rpc.EpochMillis;

/**
 * Shelf devices streaming readings over EdgeLink as fast as the server acks them: each stream keeps up to
 * {@code window} batches unacked, answers clock probes, and counts the readings acked. Streams share one
 * connection per {@link #STREAMS_PER_CONNECTION}, as devices behind one NAT would.
 */
public final class EdgeLinkLoad {

  static final int STREAMS_PER_CONNECTION = 64;

  /** One device: its id, token and the sensor it reports. */
  public record Device(String id, String token, String sensorId) {
  }

  private EdgeLinkLoad() {
  }

  /** Streams for {@code seconds} after a warm-up of a third of that; readings acked per second. */
  public static Phase run(String name, String host, int port, List<Device> devices, int batchSize, int window,
      int seconds) throws Exception {
    List<ManagedChannel> channels = new ArrayList<>();
    LongAdder acked = new LongAdder();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Stream> streams = new ArrayList<>();
    for (int i = 0; i < devices.size(); i++) {
      if (i % STREAMS_PER_CONNECTION == 0) {
        channels.add(NettyChannelBuilder.forAddress(host, port).usePlaintext().directExecutor()
            .flowControlWindow(1 << 20).build());
      }
      streams.add(new Stream(channels.get(channels.size() - 1), devices.get(i), batchSize, window, acked, running));
    }
    try {
      streams.forEach(Stream::start);
      Thread.sleep(Math.max(1000, seconds * 1000L / 3));
      long before = acked.sum();
      long start = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      double elapsed = (System.nanoTime() - start) / 1e9;
      long readings = acked.sum() - before;
      long failed = streams.stream().filter(s -> s.failure != null).count();
      if (failed > 0) {
        throw new IllegalStateException(failed + " streams failed, e.g. " + streams.stream()
            .filter(s -> s.failure != null).findFirst().get().failure);
      }
      return new Phase(name, readings, elapsed, 0, 0, 0);
    } finally {
      running.set(false);
      streams.forEach(Stream::stop);
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static final class Stream implements ClientResponseObserver<EdgeMessage, GatewayMessage> {
    private final ManagedChannel channel;
    private final Device device;
    private final int batchSize;
    private final int window;
    private final LongAdder acked;
    private final AtomicBoolean running;
    private ClientCallStreamObserver<EdgeMessage> out;
    private long sent;
    private long ackedSeq;
    private long clock = System.currentTimeMillis();
    private boolean welcomed;
    private boolean helloSent;
    private volatile Throwable failure;

    Stream(ManagedChannel channel, Device device, int batchSize, int window, LongAdder acked, AtomicBoolean running) {
      this.channel = channel;
      this.device = device;
      this.batchSize = batchSize;
      this.window = window;
      this.acked = acked;
      this.running = running;
    }

    void start() {
      ClientAuth.as(EdgeLinkServiceGrpc.newStub(channel), device.token()).connect(this);
    }

    void stop() {
      synchronized (this) {
        if (out != null && failure == null) {
          out.onCompleted();
        }
      }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<EdgeMessage> requestStream) {
      out = requestStream;
      out.setOnReadyHandler(this::pump);
    }

    private synchronized void pump() {
      if (!helloSent) { // messages may go only once the call has started, i.e. from the first onReady
        helloSent = true;
        out.onNext(EdgeMessage.newBuilder().setHello(Hello.newBuilder().setDeviceId(device.id())).build());
      }
      while (welcomed && running.get() && out.isReady() && sent - ackedSeq < window) {
        ReadingBatch.Builder batch = ReadingBatch.newBuilder();
        for (int i = 0; i < batchSize; i++) {
          clock += 50;
          batch.addReadings(Reading.newBuilder().setSensorId(device.sensorId())
              .setCapturedAt(EpochMillis.timestamp(clock))
              .setDistanceMm(300 + (i % 7) - 3));
        }
        out.onNext(EdgeMessage.newBuilder().setSeq(++sent).setReadings(batch).build());
      }
    }

    @Override
    public void onNext(GatewayMessage m) {
      if (m.hasWelcome()) {
        synchronized (this) {
          welcomed = true;
          sent = m.getWelcome().getAckedSeq();
          ackedSeq = sent;
        }
        pump();
      } else if (m.hasAck()) {
        synchronized (this) {
          long upTo = m.getAck().getUpToSeq();
          if (upTo > ackedSeq) {
            acked.add((upTo - ackedSeq) * batchSize);
            ackedSeq = upTo;
          }
        }
        pump();
      } else if (m.hasTimeSyncRequest()) {
        com.google.protobuf.Timestamp t = EpochMillis.timestamp(System.currentTimeMillis());
        synchronized (this) {
          out.onNext(EdgeMessage.newBuilder().setTimeSyncReply(TimeSyncReply.newBuilder()
              .setId(m.getTimeSyncRequest().getId()).setDeviceReceivedAt(t).setDeviceSentAt(t)).build());
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      if (running.get()) {
        failure = t;
      }
    }

    @Override
    public void onCompleted() {
    }
  }
}
