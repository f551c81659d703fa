package org.ezshop.load.gen;

import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import org.HdrHistogram.Recorder;
import org.ezshop.edge.v1.EdgeLinkServiceGrpc;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Hello;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.edge.v1.TimeSyncReply;
import org.ezshop.load.ClientAuth;
import org.ezshop.load.gateway.EdgeLinkLoad;
import org.ezshop.rpc.EpochMillis;

/**
 * One device of the open-loop load: batch k is due at {@code start + k * period} whether or not the link kept up,
 * and its latency runs from that due time to the ack that covers it, so a stalled server is charged for every
 * batch it delayed (no coordinated omission).
 */
final class PacedDevice implements ClientResponseObserver<EdgeMessage, GatewayMessage> {

  private final EdgeLinkLoad.Device device;
  private final int batch;
  private final long periodNanos;
  private final Recorder latencies;
  private final LoadTimeline timeline;
  private ClientCallStreamObserver<EdgeMessage> out;
  private long startNanos = -1;
  private long sent;
  private long acked;
  private volatile boolean welcomed;
  private volatile Throwable failure;

  PacedDevice(EdgeLinkLoad.Device device, int batch, long periodNanos, Recorder latencies, LoadTimeline timeline) {
    this.device = device;
    this.batch = batch;
    this.periodNanos = periodNanos;
    this.latencies = latencies;
    this.timeline = timeline;
  }

  void connect(ManagedChannel channel) {
    ClientAuth.as(EdgeLinkServiceGrpc.newStub(channel), device.token()).connect(this);
  }

  boolean welcomed() {
    return welcomed;
  }

  Throwable failure() {
    return failure;
  }

  /** Starts the schedule: the first batch is due at {@code startNanos}. */
  synchronized void begin(long startNanos) {
    this.startNanos = startNanos;
  }

  /** Sends every batch due by {@code now}. Pacer thread. */
  synchronized void sendDue(long now) {
    if (startNanos < 0 || failure != null) {
      return;
    }
    while (startNanos + sent * periodNanos <= now) {
      long wallMillis = System.currentTimeMillis();
      ReadingBatch.Builder readings = ReadingBatch.newBuilder();
      for (int i = 0; i < batch; i++) {
        readings.addReadings(Reading.newBuilder().setSensorId(device.sensorId())
            .setCapturedAt(EpochMillis.timestamp(wallMillis - (batch - 1 - i) * 5L)).setDistanceMm(300 + (i % 7) - 3));
      }
      out.onNext(EdgeMessage.newBuilder().setSeq(++sent).setReadings(readings).build());
      timeline.sent(now, batch);
    }
  }

  /** Charges every batch still unacked as late until now. */
  synchronized void chargeUnacked(long now) {
    for (long seq = acked + 1; seq <= sent; seq++) {
      record(now, seq);
    }
    acked = sent;
  }

  // Only batches due in the measured window count; a warm-up backlog acked later is the warm-up's.
  private void record(long now, long seq) {
    long due = startNanos + (seq - 1) * periodNanos;
    if (timeline.measures(due)) {
      latencies.recordValue(Math.max(0, (now - due) / 1000));
    }
  }

  synchronized void end() {
    startNanos = -1;
    if (out != null && failure == null) {
      out.onCompleted();
    }
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<EdgeMessage> requests) {
    out = requests;
  }

  @Override
  public void onNext(GatewayMessage m) {
    long now = System.nanoTime();
    synchronized (this) {
      if (m.hasWelcome()) {
        welcomed = true;
      } else if (m.hasAck()) {
        for (long seq = acked + 1; seq <= m.getAck().getUpToSeq() && seq <= sent; seq++) {
          record(now, seq);
          timeline.acked(now, batch);
        }
        acked = Math.max(acked, Math.min(sent, m.getAck().getUpToSeq()));
      } else if (m.hasTimeSyncRequest()) {
        com.google.protobuf.Timestamp t = EpochMillis.timestamp(System.currentTimeMillis());
        out.onNext(EdgeMessage.newBuilder().setTimeSyncReply(TimeSyncReply.newBuilder()
            .setId(m.getTimeSyncRequest().getId()).setDeviceReceivedAt(t).setDeviceSentAt(t)).build());
      }
    }
  }

  void hello() {
    synchronized (this) {
      out.onNext(EdgeMessage.newBuilder().setHello(Hello.newBuilder().setDeviceId(device.id())).build());
    }
  }

  @Override
  public void onError(Throwable t) {
    failure = t;
  }

  @Override
  public void onCompleted() {
  }
}
