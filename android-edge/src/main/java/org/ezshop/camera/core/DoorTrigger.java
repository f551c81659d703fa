package org.ezshop.camera.core;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Decides which frames a door camera sends: one per person who has just come close, then nothing for that
 * person until the cooldown has passed. People are told apart by the detector's tracking id; faces without
 * one (id 0) share a single cooldown, so an untracked crowd cannot flood the link.
 */
public final class DoorTrigger {

  private final FaceGate gate;
  private final long cooldownMillis;
  private final Map<Long, Long> lastSent = new HashMap<>();

  public DoorTrigger(FaceGate gate, long cooldownMillis) {
    this.gate = gate;
    this.cooldownMillis = cooldownMillis;
  }

  /** True when the frame shows a close face not sent within the cooldown; the frame's time is the clock. */
  public boolean shouldSend(CapturedFrame frame) {
    long now = frame.capturedAtMillis();
    forgetBefore(now - cooldownMillis);
    List<CapturedFrame.FaceBox> close = gate.closeFaces(frame);
    boolean send = false;
    for (CapturedFrame.FaceBox face : close) {
      Long last = lastSent.get(face.trackingId);
      if (last == null || now - last >= cooldownMillis) {
        send = true;
      }
    }
    if (send) {
      close.forEach(face -> lastSent.put(face.trackingId, now)); // everyone in this frame has been sent
    }
    return send;
  }

  private void forgetBefore(long cutoff) {
    for (Iterator<Long> it = lastSent.values().iterator(); it.hasNext(); ) {
      if (it.next() < cutoff) {
        it.remove();
      }
    }
  }
}
