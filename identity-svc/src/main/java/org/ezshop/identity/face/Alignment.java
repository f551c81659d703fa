package org.ezshop.identity.face;

/** Five landmarks to the 112x112 ArcFace template by the least-squares similarity (rotation, scale, shift). */
final class Alignment {

  static final int SIZE = 112;
  // Eyes, nose tip, mouth corners of the ArcFace template.
  private static final float[] TEMPLATE = {
      38.2946f, 51.6963f, 73.5318f, 51.5014f, 56.0252f, 71.7366f, 41.5493f, 92.3655f, 70.7299f, 92.2041f};

  private Alignment() {
  }

  /** The aligned face as model input: planar RGB, (v - 127) / 128. */
  static float[] aligned(Picture picture, float[] five) {
    float sx = 0, sy = 0, tx = 0, ty = 0;
    for (int i = 0; i < 5; i++) {
      sx += five[2 * i];
      sy += five[2 * i + 1];
      tx += TEMPLATE[2 * i];
      ty += TEMPLATE[2 * i + 1];
    }
    sx /= 5;
    sy /= 5;
    tx /= 5;
    ty /= 5;
    // Template = [a -b; b a] * face + t, fitted on centred points.
    double num1 = 0, num2 = 0, den = 0;
    for (int i = 0; i < 5; i++) {
      double px = five[2 * i] - sx, py = five[2 * i + 1] - sy;
      double qx = TEMPLATE[2 * i] - tx, qy = TEMPLATE[2 * i + 1] - ty;
      num1 += px * qx + py * qy;
      num2 += px * qy - py * qx;
      den += px * px + py * py;
    }
    double a = num1 / den;
    double b = num2 / den;
    // Inverse map, template pixel to face pixel: face = [a b; -b a] / (a²+b²) * (template - t) + face centre.
    double norm = a * a + b * b;
    double ia = a / norm;
    double ib = b / norm;
    float[] out = new float[3 * SIZE * SIZE];
    for (int v = 0; v < SIZE; v++) {
      for (int u = 0; u < SIZE; u++) {
        double du = u - tx, dv = v - ty;
        float x = (float) (ia * du + ib * dv + sx);
        float y = (float) (-ib * du + ia * dv + sy);
        int at = v * SIZE + u;
        out[at] = (picture.sample(x, y, 16) - 127f) / 128f;
        out[SIZE * SIZE + at] = (picture.sample(x, y, 8) - 127f) / 128f;
        out[2 * SIZE * SIZE + at] = (picture.sample(x, y, 0) - 127f) / 128f;
      }
    }
    return out;
  }
}
