package org.ezshop.camera.runner;

import java.util.ArrayList;
import java.util.List;
import org.ezshop.camera.core.CapturedFrame;
import org.ezshop.camera.core.FaceGate;

/**
 * The desktop runner's gate: with box hints, a face is close when at least {@code minWidth} wide; an image
 * without hints counts as one close, untracked face (a replayed photo is someone standing at the camera).
 */
final class HintGate implements FaceGate {

  private final float minWidth;

  HintGate(float minWidth) {
    this.minWidth = minWidth;
  }

  @Override
  public List<CapturedFrame.FaceBox> closeFaces(CapturedFrame frame) {
    if (frame.faces().isEmpty()) {
      return List.of(new CapturedFrame.FaceBox(0, 0, minWidth, minWidth, 0));
    }
    List<CapturedFrame.FaceBox> close = new ArrayList<>();
    for (CapturedFrame.FaceBox face : frame.faces()) {
      if (face.width >= minWidth) {
        close.add(face);
      }
    }
    return close;
  }
}
