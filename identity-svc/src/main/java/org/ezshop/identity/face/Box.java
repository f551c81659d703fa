package org.ezshop.identity.face;

/** A face's box in picture pixels, with the detector's confidence. */
public record Box(float x1, float y1, float x2, float y2, float score) {

  public float width() {
    return x2 - x1;
  }

  public float height() {
    return y2 - y1;
  }

  float area() {
    return Math.max(0, width()) * Math.max(0, height());
  }

  float iou(Box o) {
    float w = Math.min(x2, o.x2) - Math.max(x1, o.x1);
    float h = Math.min(y2, o.y2) - Math.max(y1, o.y1);
    if (w <= 0 || h <= 0) {
      return 0;
    }
    float inter = w * h;
    return inter / (area() + o.area() - inter);
  }

  Box within(int width, int height) {
    return new Box(Math.max(0, x1), Math.max(0, y1), Math.min(width, x2), Math.min(height, y2), score);
  }

  Box shifted(float dx, float dy) {
    return new Box(x1 + dx, y1 + dy, x2 + dx, y2 + dy, score);
  }
}
