package org.ezshop.camera.core;

import java.util.List;

/** Decides which faces in a frame are close enough to act on (ML Kit's face width and tracking id on Android). */
public interface FaceGate {

  /** The faces of the frame that pass the gate; empty when none does. */
  List<CapturedFrame.FaceBox> closeFaces(CapturedFrame frame);
}
