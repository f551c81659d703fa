package org.ezshop.gateway.link;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashSet;
import java.util.Set;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.EdgeNotice;
import org.ezshop.edge.v1.EdgeNoticeKind;
import org.ezshop.edge.v1.Hello;
import org.ezshop.edge.v1.TimeSyncReply;
import org.ezshop.rpc.EpochMillis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the gateway knows of one device across its streams: acks, clock, and whether it is linked now. */
public final class DeviceLink {

  private static final Logger LOG = LoggerFactory.getLogger(DeviceLink.class);

  final String deviceId;
  final ClockOffset clock = new ClockOffset();
  private final FrameWatermark watermark = new FrameWatermark();
  private final Promise<Void> clocked = Promise.promise();
  private final Set<Long> failed = new HashSet<>();
  // Data messages per second of the last minute: one slot per second.
  private final long[] perSecond = new long[60];
  private long slotSecond;
  DeviceKind kind = DeviceKind.DEVICE_KIND_UNSPECIFIED;
  String softwareVersion = "";
  long acked;
  /** Highest seq taken into processing by any of the device's streams (acked or not yet). */
  long accepted;
  boolean connected;
  /** When its open stream said hello. */
  long linkedAtMillis = Long.MAX_VALUE;
  long lastSeenMillis;
  long readings;
  long frames;
  long deviceDropped;
  EdgeSession session;

  DeviceLink(String deviceId) {
    this.deviceId = deviceId;
  }

  public String deviceId() {
    return deviceId;
  }

  /** A stream's hello at {@code nowMillis}: the seq its welcome acks. */
  synchronized long hello(Hello hello, DeviceKind deviceKind, long nowMillis) {
    acked = Math.max(acked, hello.getLastAckedSeq());
    lastSeenMillis = nowMillis;
    kind = deviceKind;
    softwareVersion = hello.getSoftwareVersion();
    if (hello.hasDeviceTime()) {
      clock.rough(EpochMillis.of(hello.getDeviceTime()), nowMillis);
    }
    accepted = Math.max(accepted, acked);
    watermark.caughtUp(false, nowMillis); // a new stream: its backlog comes first
    linkedAtMillis = nowMillis;
    return acked;
  }

  /**
   * Takes data message {@code seq} into processing unless a stream of this device already took it: per device, not
   * per stream, since a replaced stream may still be finishing a message. The highest seq taken before it.
   */
  synchronized long accept(long seq, long nowMillis) {
    lastSeenMillis = nowMillis;
    counted(nowMillis);
    if (failed.remove(seq)) {
      return seq - 1; // its effect failed: the resend is taken afresh
    }
    long before = accepted;
    accepted = Math.max(accepted, seq);
    return before;
  }

  /** Data message {@code seq} was taken but its effect failed (its stream ended unacked): take its resend again. */
  synchronized void failed(long seq) {
    failed.add(seq);
  }

  /**
   * Counts what a data message carries (a frame goes to identification, until {@link #frameDone}); the clock
   * offset to put its times in gateway time.
   */
  synchronized long took(EdgeMessage m) {
    readings += m.getReadings().getReadingsCount();
    if (m.hasFrame()) {
      frames++;
      watermark.started(m.getSeq(), EpochMillis.of(m.getFrame().getCapturedAt()) - clock.offset());
    }
    if (m.hasNotice()) {
      EdgeNotice n = m.getNotice();
      LOG.warn("event=device_notice device={} kind={} count={} source={} message=\"{}\"", deviceId, n.getKind(),
          n.getCount(), n.getSourceId(), n.getMessage());
      if (n.getKind() == EdgeNoticeKind.EDGE_NOTICE_KIND_READINGS_DROPPED
          || n.getKind() == EdgeNoticeKind.EDGE_NOTICE_KIND_FRAMES_DROPPED) {
        deviceDropped += n.getCount();
      }
    }
    return clock.offset();
  }

  synchronized void acked(long seq) {
    acked = Math.max(acked, seq);
  }

  synchronized void answered(ClockProbes probes, TimeSyncReply reply, long nowMillis) {
    probes.answered(reply, clock, nowMillis);
    watermark.caughtUp(!reply.hasBacklogSent() || reply.getBacklogSent(), nowMillis);
  }

  /** Completes once the device's clock is measured by a probe answer, or is taken as hello guessed it. */
  Future<Void> clocked() {
    return clocked.future();
  }

  /** Completes {@link #clocked} if a probe has been answered; outside the lock, since waiting data runs on. */
  void clockMeasured() {
    if (clockSamples() > 0) {
      clocked.tryComplete();
    }
  }

  /** No probe answer in time: hello's guess it is. True if the clock was not known until now. */
  boolean clockGuessed() {
    return clocked.tryComplete();
  }

  /** The frame of data message {@code seq} is identified (or refused). */
  synchronized void frameDone(long seq) {
    watermark.done(seq);
  }

  /** The stream ended: until a new one says it has sent its backlog, only the frames that arrive count. */
  synchronized void streamEnded(long nowMillis) {
    watermark.caughtUp(false, nowMillis);
  }

  /** Whether its stream has been open since {@code fromMillis}, without a break. */
  synchronized boolean linkedSince(long fromMillis) {
    return connected && linkedAtMillis <= fromMillis;
  }

  /** Capture time (gateway time) up to which this device's frames are all in and identified. */
  public synchronized long frameWatermark(long nowMillis) {
    return watermark.at(nowMillis);
  }

  private void counted(long nowMillis) {
    long second = nowMillis / 1000;
    advance(second);
    perSecond[(int) (second % 60)]++;
  }

  private void advance(long second) {
    for (long s = Math.max(slotSecond + 1, second - 59); s <= second; s++) {
      perSecond[(int) (s % 60)] = 0;
    }
    slotSecond = Math.max(slotSecond, second);
  }

  /** Data messages per second over the last minute. */
  public synchronized double messagesPerSecond(long nowMillis) {
    advance(nowMillis / 1000);
    long sum = 0;
    for (long n : perSecond) {
      sum += n;
    }
    return sum / 60.0;
  }

  public synchronized DeviceKind kind() {
    return kind;
  }

  public synchronized String softwareVersion() {
    return softwareVersion;
  }

  public synchronized boolean connected() {
    return connected;
  }

  public synchronized long acked() {
    return acked;
  }

  public synchronized long lastSeenMillis() {
    return lastSeenMillis;
  }

  /** Device clock minus gateway clock, in millis. */
  public synchronized long clockOffsetMillis() {
    return clock.offset();
  }

  /** Clock probes the device has answered on its streams (the last 8 count); 0 means the offset is hello's guess. */
  public synchronized int clockSamples() {
    return clock.samples();
  }

  public synchronized long readings() {
    return readings;
  }

  public synchronized long frames() {
    return frames;
  }

  /** Readings or frames the device reported lost (its outbox or frame buffer overflowed). */
  public synchronized long deviceDropped() {
    return deviceDropped;
  }
}
