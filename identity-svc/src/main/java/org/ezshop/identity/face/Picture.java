package org.ezshop.identity.face;

/** A decoded image: packed 0xRRGGBB pixels, row by row. */
public record Picture(int width, int height, int[] rgb) {

  /** Bilinear sample of channel {@code shift} (16 red, 8 green, 0 blue) at (x, y); edges extend outwards. */
  float sample(float x, float y, int shift) {
    float fx = Math.max(0, Math.min(width - 1, x));
    float fy = Math.max(0, Math.min(height - 1, y));
    int x0 = (int) fx;
    int y0 = (int) fy;
    int x1 = Math.min(x0 + 1, width - 1);
    int y1 = Math.min(y0 + 1, height - 1);
    float ax = fx - x0;
    float ay = fy - y0;
    float top = channel(x0, y0, shift) * (1 - ax) + channel(x1, y0, shift) * ax;
    float bottom = channel(x0, y1, shift) * (1 - ax) + channel(x1, y1, shift) * ax;
    return top * (1 - ay) + bottom * ay;
  }

  private int channel(int x, int y, int shift) {
    return (rgb[y * width + x] >> shift) & 0xFF;
  }

  /** This picture in the middle of a larger one of the given border, filled with mid grey. */
  Picture padded(int border) {
    int w = width + 2 * border;
    int h = height + 2 * border;
    int[] out = new int[w * h];
    java.util.Arrays.fill(out, 0x7F7F7F);
    for (int y = 0; y < height; y++) {
      System.arraycopy(rgb, y * width, out, (y + border) * w + border, width);
    }
    return new Picture(w, h, out);
  }
}
