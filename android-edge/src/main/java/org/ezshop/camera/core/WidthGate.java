package org.ezshop.camera.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The simple gate: a face is close when its box is at least {@code minWidth} pixels wide (the original door
 * phones used 200). Uses the detector's boxes that came with the frame; a frame without any has no close face.
 */
public final class WidthGate implements FaceGate {

  private final float minWidth;

  public WidthGate(float minWidth) {
    this.minWidth = minWidth;
  }

  @Override
  public List<CapturedFrame.FaceBox> closeFaces(CapturedFrame frame) {
    List<CapturedFrame.FaceBox> close = new ArrayList<>();
    for (CapturedFrame.FaceBox face : frame.faces()) {
      if (face.width >= minWidth) {
        close.add(face);
      }
    }
    return close;
  }
}
