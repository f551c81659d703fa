package org.ezshop.camera.core;

import java.util.List;
import java.util.function.Consumer;
import org.ezshop.edge.v1.CaptureBurst;
import org.ezshop.edge.v1.FrameTrigger;
import org.ezshop.edge.v1.SendFrames;
import org.ezshop.rpc.EpochMillis;

/**
 * A SHELF camera: one frame every {@code periodMillis} of capture time, and during a burst the gateway asked
 * for (to see who is at the shelf when it changes), one every burst interval until the burst's count is sent.
 * Every frame it captures goes into its {@link FrameRing}, from which it sends a span when the gateway asks.
 */
public final class ShelfCamera implements Consumer<CapturedFrame> {

  private final long periodMillis;
  private final CameraLink link;
  private final FrameRing ring;
  private long lastSent = Long.MIN_VALUE;
  private int burstLeft;
  private long burstInterval;

  public ShelfCamera(long periodMillis, FrameRing ring, CameraLink link) {
    this.periodMillis = periodMillis;
    this.ring = ring;
    this.link = link;
  }

  /** A send_frames command: every frame of its span the ring holds, sent or not, goes (again). */
  public synchronized int send(SendFrames span) {
    List<CapturedFrame> frames = ring.between(EpochMillis.of(span.getFrom()), EpochMillis.of(span.getTo()));
    frames.forEach(frame -> link.send(frame, FrameTrigger.FRAME_TRIGGER_REQUESTED));
    return frames.size();
  }

  /** A capture_burst command: takes over from the periodic rate until its frames are sent. */
  public synchronized void burst(CaptureBurst burst) {
    burstLeft = Math.max(0, burst.getFrames());
    burstInterval = Math.max(0, burst.getInterval().getSeconds() * 1000 + burst.getInterval().getNanos() / 1_000_000);
    lastSent = Long.MIN_VALUE; // the first burst frame goes at once
  }

  /** Called by the frame source, on its thread. */
  @Override
  public synchronized void accept(CapturedFrame frame) {
    long at = frame.capturedAtMillis();
    ring.add(frame);
    if (burstLeft > 0) {
      if (lastSent == Long.MIN_VALUE || at - lastSent >= burstInterval) {
        burstLeft--;
        lastSent = at;
        link.send(frame, FrameTrigger.FRAME_TRIGGER_BURST);
      }
    } else if (lastSent == Long.MIN_VALUE || at - lastSent >= periodMillis) {
      lastSent = at;
      link.send(frame, FrameTrigger.FRAME_TRIGGER_PERIODIC);
    }
  }
}
