package org.ezshop.camera.core;

import java.util.function.Consumer;
import org.ezshop.edge.v1.FrameTrigger;

/** An ENTRANCE or EXIT camera: one frame per newly close person, then quiet for that person until the cooldown. */
public final class DoorCamera implements Consumer<CapturedFrame> {

  private final DoorTrigger trigger;
  private final CameraLink link;

  public DoorCamera(FaceGate gate, long cooldownMillis, CameraLink link) {
    this.trigger = new DoorTrigger(gate, cooldownMillis);
    this.link = link;
  }

  /** Called by the frame source, on its thread. */
  @Override
  public synchronized void accept(CapturedFrame frame) {
    if (trigger.shouldSend(frame)) {
      link.send(frame, FrameTrigger.FRAME_TRIGGER_FACE_CLOSE);
    }
  }
}
