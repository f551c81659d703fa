package org.ezshop.gateway.sight;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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

  /** As kept in the gateway's state (with pending changes, and as recent sightings). */
  public void writeTo(DataOutputStream out) throws IOException {
    out.writeUTF(deviceId);
    out.writeUTF(cameraId);
    out.writeInt(role.getNumber());
    out.writeUTF(faceId);
    out.writeUTF(subjectName);
    for (float f : new float[] {score, boxWidth, boxHeight, centreX, centreY}) {
      out.writeFloat(f);
    }
    out.writeLong(atMillis);
  }

  public static Sighting readFrom(DataInputStream in) throws IOException {
    return new Sighting(in.readUTF(), in.readUTF(), CameraRole.forNumber(in.readInt()), in.readUTF(), in.readUTF(),
        in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat(), in.readLong());
  }
}
