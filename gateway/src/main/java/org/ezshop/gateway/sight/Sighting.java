package org.ezshop.gateway.sight;

import org.ezshop.common.v1.CameraRole;

/**
 * One face seen by one camera, in gateway time.
 *
 * @param faceId     the best gallery match, or empty for an unknown person (no candidate reached the threshold)
 * @param score      the best candidate's cosine similarity (0 when the gallery is empty)
 * @param boxWidth   the face box's width in pixels: larger is closer to the camera
 * @param centreX    the box centre across the frame, 0 (left) to 1 (right)
 * @param centreY    the box centre down the frame, 0 (top) to 1 (bottom)
 */
public record Sighting(String deviceId, String cameraId, CameraRole role, String faceId, String subjectName, float score,
    float boxWidth, float boxHeight, float centreX, float centreY, long atMillis) {

  public boolean known() {
    return !faceId.isEmpty();
  }

  public float area() {
    return boxWidth * boxHeight;
  }
}
