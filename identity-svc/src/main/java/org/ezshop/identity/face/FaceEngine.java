package org.ezshop.identity.face;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * detect → 68 landmarks → 5-point alignment → 512-d embedding, L2-normalised. Thread-safe; blocking (inference):
 * call it from workers only.
 */
public final class FaceEngine {

  public static final int DIMENSIONS = 512;
  private static final int W = 320;
  private static final int H = 240;
  private static final float NMS_IOU = 0.4f;

  private final FaceModels models;
  private final float minScore;

  public FaceEngine(FaceModels models, float minScore) {
    this.models = models;
    this.minScore = minScore;
  }

  /** Every face, largest first. Nothing found: the picture padded by half its size is tried once more. */
  public List<Box> detect(Picture picture) {
    List<Box> faces = detectOnce(picture);
    if (faces.isEmpty()) {
      // A face that fills the frame is larger than the detector's biggest anchors: give it room.
      int border = Math.max(picture.width(), picture.height()) / 2;
      for (Box box : detectOnce(picture.padded(border))) {
        faces.add(box.shifted(-border, -border).within(picture.width(), picture.height()));
      }
    }
    faces.sort(Comparator.comparingDouble(Box::area).reversed());
    return faces;
  }

  private List<Box> detectOnce(Picture picture) {
    float[] input = new float[3 * W * H];
    float sx = picture.width() / (float) W;
    float sy = picture.height() / (float) H;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        float px = (x + 0.5f) * sx - 0.5f;
        float py = (y + 0.5f) * sy - 0.5f;
        int at = y * W + x;
        input[at] = (picture.sample(px, py, 16) - 127f) / 128f;
        input[W * H + at] = (picture.sample(px, py, 8) - 127f) / 128f;
        input[2 * W * H + at] = (picture.sample(px, py, 0) - 127f) / 128f;
      }
    }
    float[][] out = run(models.detect, input, "scores", "boxes");
    float[] scores = out[0];
    float[] boxes = out[1];
    List<Box> candidates = new ArrayList<>();
    for (int i = 0; i < scores.length / 2; i++) {
      float score = scores[2 * i + 1];
      if (score >= minScore) {
        candidates.add(new Box(clamp(boxes[4 * i]) * picture.width(), clamp(boxes[4 * i + 1]) * picture.height(),
            clamp(boxes[4 * i + 2]) * picture.width(), clamp(boxes[4 * i + 3]) * picture.height(), score));
      }
    }
    candidates.sort(Comparator.comparingDouble(Box::score).reversed());
    List<Box> kept = new ArrayList<>();
    for (Box c : candidates) {
      if (kept.stream().noneMatch(k -> k.iou(c) > NMS_IOU)) {
        kept.add(c);
      }
    }
    return kept;
  }

  /** The face's embedding, unit length. */
  public float[] embed(Picture picture, Box face) {
    float[] e = run(models.feature, Alignment.aligned(picture, fivePoints(picture, face)))[0];
    double norm = 0;
    for (float v : e) {
      norm += v * v;
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < e.length; i++) {
      e[i] *= scale;
    }
    return e;
  }

  /** Eyes, nose tip and mouth corners, from the 68 landmarks found in a grey 64x64 crop of the squared box. */
  float[] fivePoints(Picture picture, Box face) {
    float side = face.height();
    float left = (face.x1() + face.x2()) / 2 - side / 2;
    float top = face.y1();
    float[] grey = new float[64 * 64];
    float step = side / 64;
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        float px = left + (x + 0.5f) * step - 0.5f;
        float py = top + (y + 0.5f) * step - 0.5f;
        grey[y * 64 + x] = (0.299f * picture.sample(px, py, 16) + 0.587f * picture.sample(px, py, 8)
            + 0.114f * picture.sample(px, py, 0)) / 256f;
      }
    }
    float[] p = run(models.landmark, grey)[0];
    float[] pts = new float[p.length];
    for (int i = 0; i < p.length; i += 2) {
      pts[i] = left + p[i] * side;
      pts[i + 1] = top + p[i + 1] * side;
    }
    return new float[] {
        mean(pts, 37, 38, 40, 41, 0), mean(pts, 37, 38, 40, 41, 1),
        mean(pts, 43, 44, 46, 47, 0), mean(pts, 43, 44, 46, 47, 1),
        pts[60], pts[61],
        (pts[96] + pts[120]) / 2, (pts[97] + pts[121]) / 2,
        (pts[108] + pts[128]) / 2, (pts[109] + pts[129]) / 2};
  }

  private static float mean(float[] pts, int a, int b, int c, int d, int axis) {
    return (pts[2 * a + axis] + pts[2 * b + axis] + pts[2 * c + axis] + pts[2 * d + axis]) / 4;
  }

  private static float clamp(float v) {
    return Math.max(0, Math.min(1, v));
  }

  private static float[][] run(FaceModels.Model model, float[] input, String... outputs) {
    try {
      return model.run(input, outputs);
    } catch (OrtException e) {
      throw new IllegalStateException("inference failed: " + e.getMessage(), e);
    }
  }
}
