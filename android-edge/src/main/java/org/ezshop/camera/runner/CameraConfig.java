package org.ezshop.camera.runner;

import java.nio.file.Path;
import java.util.List;
import org.ezshop.camera.core.CapturedFrame;
import org.ezshop.rpc.Tls;

/** Everything the desktop camera runner is told by its config file (see android-edge/camera.example.yaml). */
public final class CameraConfig {

  /** What the camera watches. */
  public enum Role { ENTRANCE, EXIT, SHELF }

  /** How the runner speaks greetings. */
  public enum SpeakerKind { AUTO, LOG, ESPEAK }

  /** One image to replay, with the faces a detector would have reported on it (may be none). */
  public static final class Shot {
    public final Path image;
    public final List<CapturedFrame.FaceBox> faces;

    public Shot(Path image, List<CapturedFrame.FaceBox> faces) {
      this.image = image;
      this.faces = List.copyOf(faces);
    }
  }

  public final String deviceId;
  public final String token;
  /** host:port of the gateway's EdgeLink; with more than one, the others in turn when it is down. */
  public final List<String> gateways;
  /** TLS to the gateway: the CA to trust, and the device's own certificate if it has one; none: plaintext. */
  public final Tls tls;
  public final String cameraId;
  public final Role role;
  /** Shelf rows a SHELF camera covers. */
  public final List<String> rows;
  public final long cooldownMillis;
  public final float minFaceWidth;
  public final long shelfPeriodMillis;
  /** How much recent capture a SHELF camera keeps to send again when the gateway asks; 0: none. */
  public final long shelfRingMillis;
  public final int bufferFrames;
  public final long bufferBytes;
  public final List<Shot> shots;
  /** With {@code source.watch}: the folder whose photos, as they are now, the camera sees (instead of shots). */
  public final Path scene;
  public final double fps;
  public final boolean loop;
  public final SpeakerKind speaker;

  CameraConfig(String deviceId, String token, List<String> gateways, Tls tls, String cameraId, Role role,
      List<String> rows,
      long cooldownMillis, float minFaceWidth, long shelfPeriodMillis, long shelfRingMillis, int bufferFrames,
      long bufferBytes,
      List<Shot> shots, Path scene, double fps, boolean loop, SpeakerKind speaker) {
    this.deviceId = deviceId;
    this.token = token;
    this.gateways = List.copyOf(gateways);
    this.tls = tls;
    this.cameraId = cameraId;
    this.role = role;
    this.rows = List.copyOf(rows);
    this.cooldownMillis = cooldownMillis;
    this.minFaceWidth = minFaceWidth;
    this.shelfPeriodMillis = shelfPeriodMillis;
    this.shelfRingMillis = shelfRingMillis;
    this.bufferFrames = bufferFrames;
    this.bufferBytes = bufferBytes;
    this.shots = List.copyOf(shots);
    this.scene = scene;
    this.fps = fps;
    this.loop = loop;
    this.speaker = speaker;
  }
}
