package org.ezshop.gateway.fusion;

import java.util.Map;

/** Where each camera's frames stand: the capture time (gateway time) up to which all are in and identified. */
public interface CameraWatermarks {

  /** A camera behind by more than the grace period is taken as gone: decisions no longer wait for it. */
  long frameWatermark(String cameraId, long nowMillis);

  /**
   * The same for each entrance camera's device, by device id: who was in the store at a change is known only once
   * the entrances' frames up to it have opened their doors.
   */
  Map<String, Long> entranceWatermarks(long nowMillis);

  /**
   * Whether the camera's frames captured since {@code fromMillis} may not all have reached this gateway, or their
   * faces may not all be in its memory: its stream was not open all along, or the gateway itself was not up.
   */
  boolean missedSince(String cameraId, long fromMillis);

  /** Asks the camera for every frame its ring holds from {@code fromMillis} to {@code toMillis}; false if unlinked. */
  boolean requestFrames(String cameraId, long fromMillis, long toMillis);
}
