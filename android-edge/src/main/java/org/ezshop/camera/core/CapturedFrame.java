package org.ezshop.camera.core;

import java.util.List;

/** One camera frame as the agent sends it. (A class, not a record: the core stays at Java 11 for Android.) */
public final class CapturedFrame {

  private final byte[] jpeg;
  private final long capturedAtMillis;
  private final List<FaceBox> faces;

  /**
   * @param jpeg             JPEG-encoded image
   * @param capturedAtMillis capture time on the device's wall clock, in milliseconds since the epoch
   * @param faces            faces the device's detector found (may be empty)
   */
  public CapturedFrame(byte[] jpeg, long capturedAtMillis, List<FaceBox> faces) {
    this.jpeg = jpeg;
    this.capturedAtMillis = capturedAtMillis;
    this.faces = List.copyOf(faces);
  }

  public byte[] jpeg() {
    return jpeg;
  }

  public long capturedAtMillis() {
    return capturedAtMillis;
  }

  public List<FaceBox> faces() {
    return faces;
  }

  /** A detected face, in pixels, with the detector's tracking id (0 if none). */
  public static final class FaceBox {
    public final float x;
    public final float y;
    public final float width;
    public final float height;
    public final long trackingId;

    public FaceBox(float x, float y, float width, float height, long trackingId) {
      this.x = x;
      this.y = y;
      this.width = width;
      this.height = height;
      this.trackingId = trackingId;
    }
  }
}
