package org.ezshop.camera.runner;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.ezshop.camera.core.CapturedFrame;
import org.ezshop.camera.core.FrameSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A camera made of image files: replayed in order at a fixed rate, stamped with the time each is "captured". Or a
 * scene: a folder whose photos, as they are at each tick, are what the camera sees in turn (none: nobody there).
 */
final class ImageReplay implements FrameSource {

  private static final Logger LOG = LoggerFactory.getLogger(ImageReplay.class);

  private static final class Seen {
    final FileTime modified;
    final byte[] jpeg;

    Seen(FileTime modified, byte[] jpeg) {
      this.modified = modified;
      this.jpeg = jpeg;
    }
  }

  private final List<byte[]> jpegs = new ArrayList<>();
  private final List<CameraConfig.Shot> shots;
  private final Path scene;
  private final Map<Path, Seen> sceneJpegs = new HashMap<>();
  private final long periodMicros;
  private final boolean loop;
  private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "image-replay");
    t.setDaemon(true);
    return t;
  });
  private int next;

  /** Reads every image now (PNGs become JPEGs), so that replay timing is not disturbed by the disk. */
  ImageReplay(List<CameraConfig.Shot> shots, Path scene, double fps, boolean loop) {
    this.shots = shots;
    this.scene = scene;
    this.periodMicros = Math.round(1_000_000 / fps);
    this.loop = loop;
    for (CameraConfig.Shot shot : shots) {
      jpegs.add(jpeg(shot.image));
    }
  }

  private static byte[] jpeg(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length > 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8) {
        return bytes;
      }
      BufferedImage image = ImageIO.read(file.toFile());
      if (image == null) {
        throw new IOException("not an image: " + file);
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
      if (scene != null) {
        sceneFrame(consumer);
        return;
      }
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

  private void sceneFrame(Consumer<CapturedFrame> consumer) {
    try (Stream<Path> files = Files.list(scene)) {
      List<Path> photos = files.filter(CameraConfigFile::isImage).sorted().collect(Collectors.toList());
      sceneJpegs.keySet().retainAll(photos);
      if (photos.isEmpty()) {
        return;
      }
      Path photo = photos.get(next++ % photos.size());
      FileTime modified = Files.getLastModifiedTime(photo);
      Seen seen = sceneJpegs.get(photo);
      if (seen == null || !seen.modified.equals(modified)) {
        seen = new Seen(modified, jpeg(photo));
        sceneJpegs.put(photo, seen);
      }
      consumer.accept(new CapturedFrame(seen.jpeg, System.currentTimeMillis(), List.of()));
    } catch (IOException | UncheckedIOException e) {
      Throwable cause = e instanceof UncheckedIOException ? e.getCause() : e;
      if (!(cause instanceof NoSuchFileException)) { // one taken out between the listing and the read: nobody there
        LOG.warn("event=scene_unreadable dir={} error={}", scene, e.getMessage()); // half copied in: next tick
      }
    }
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
