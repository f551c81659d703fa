package org.ezshop.camera.runner;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.ezshop.camera.core.CapturedFrame;
import org.ezshop.camera.core.FrameSource;

/** A camera made of image files: replayed in order at a fixed rate, stamped with the time each is "captured". */
final class ImageReplay implements FrameSource {

  private final List<byte[]> jpegs = new ArrayList<>();
  private final List<CameraConfig.Shot> shots;
  private final long periodMicros;
  private final boolean loop;
  private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "image-replay");
    t.setDaemon(true);
    return t;
  });
  private int next;

  /** Reads every image now (PNGs become JPEGs), so that replay timing is not disturbed by the disk. */
  ImageReplay(List<CameraConfig.Shot> shots, double fps, boolean loop) {
    this.shots = shots;
    this.periodMicros = Math.round(1_000_000 / fps);
    this.loop = loop;
    for (CameraConfig.Shot shot : shots) {
      jpegs.add(jpeg(shot));
    }
  }

  private static byte[] jpeg(CameraConfig.Shot shot) {
    try {
      byte[] bytes = Files.readAllBytes(shot.image);
      if (bytes.length > 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8) {
        return bytes;
      }
      BufferedImage image = ImageIO.read(shot.image.toFile());
      if (image == null) {
        throw new IOException("not an image: " + shot.image);
      }
      BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
      rgb.createGraphics().drawImage(image, 0, 0, null);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(rgb, "jpeg", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void start(Consumer<CapturedFrame> consumer) {
    clock.scheduleAtFixedRate(() -> {
      if (next == shots.size()) {
        if (!loop) {
          clock.shutdown();
          return;
        }
        next = 0;
      }
      consumer.accept(new CapturedFrame(jpegs.get(next), System.currentTimeMillis(), shots.get(next).faces));
      next++;
    }, 0, periodMicros, TimeUnit.MICROSECONDS);
  }

  /** True once a non-looping replay has shown its last image. */
  boolean finished() {
    return clock.isShutdown();
  }

  @Override
  public void close() {
    clock.shutdownNow();
  }
}
