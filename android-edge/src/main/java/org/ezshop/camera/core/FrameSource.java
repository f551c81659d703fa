package org.ezshop.camera.core;

import java.util.function.Consumer;

/** Where frames come from: CameraX ImageAnalysis on Android, a folder of images on a desktop. */
public interface FrameSource extends AutoCloseable {

  /** Starts delivering frames to the consumer, on the source's own thread. */
  void start(Consumer<CapturedFrame> consumer);

  @Override
  void close();
}
