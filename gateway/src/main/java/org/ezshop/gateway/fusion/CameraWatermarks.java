package org.ezshop.gateway.fusion;

/** Where each camera's frames stand: the capture time (gateway time) up to which all are in and identified. */
public interface CameraWatermarks {

  /** A camera behind by more than the grace period is taken as gone: decisions no longer wait for it. */
  long frameWatermark(String cameraId, long nowMillis);
}
