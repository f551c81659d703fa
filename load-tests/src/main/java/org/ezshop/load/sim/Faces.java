package org.ezshop.load.sim;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.RescaleOp;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;

/**
 * The faces.md portraits as people: one photo to enrol, the others for the cameras, or, for someone with a single
 * photo, altered copies of it (mirrored, scaled, lighter or darker, coarser JPEG). Frames with several people put
 * their faces side by side, the one reaching for the shelf twice as large as the others.
 */
public final class Faces {

  /** Photos of one person, as faces.md groups them; every other portrait is a person of its own. */
  private static final List<List<String>> SAME_PERSON = List.of(List.of("women/0", "women/2", "women/19"),
      List.of("women/1", "women/12"), List.of("women/13", "women/28"), List.of("women/45", "women/46"),
      List.of("men/46", "men/69"), List.of("men/2", "men/17"));
  private static final Set<String> SEVERAL_FACES = Set.of("women/22");
  private static final int SIDE = 512;

  record Person(String photoName, byte[] enrolPhoto, List<byte[]> otherPhotos) {
  }

  private Faces() {
  }

  /** Everyone in the portraits, people with several photos first, each group in a seeded order. */
  static List<Person> people(Path portraits, Random random) throws IOException {
    List<Person> several = new ArrayList<>();
    Set<String> grouped = new HashSet<>();
    for (List<String> group : SAME_PERSON) {
      List<byte[]> photos = new ArrayList<>();
      for (String name : group) {
        photos.add(Files.readAllBytes(portraits.resolve(name + ".jpg")));
        grouped.add(name);
      }
      several.add(new Person(group.get(0), photos.get(0), photos.subList(1, photos.size())));
    }
    List<Person> single = new ArrayList<>();
    try (Stream<Path> files = Stream.concat(Files.list(portraits.resolve("men")), Files.list(portraits.resolve("women")))) {
      for (Path file : files.sorted().toList()) {
        String name = file.getParent().getFileName() + "/" + file.getFileName().toString().replace(".jpg", "");
        if (!grouped.contains(name) && !SEVERAL_FACES.contains(name)) {
          single.add(new Person(name, Files.readAllBytes(file), List.of()));
        }
      }
    }
    java.util.Collections.shuffle(several, random);
    java.util.Collections.shuffle(single, random);
    several.addAll(single);
    return several;
  }

  /** How a camera sees the person this time. */
  static BufferedImage seen(Person person, Random random) {
    if (!person.otherPhotos().isEmpty()) {
      return decode(person.otherPhotos().get(random.nextInt(person.otherPhotos().size())));
    }
    BufferedImage photo = decode(person.enrolPhoto());
    BufferedImage copy = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = copy.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setColor(java.awt.Color.GRAY);
    g.fillRect(0, 0, SIDE, SIDE);
    int size = (int) (SIDE * (0.85 + 0.15 * random.nextDouble()));
    int x = (SIDE - size) / 2;
    int y = (SIDE - size) / 2;
    if (random.nextBoolean()) {
      g.drawImage(photo, x + size, y, -size, size, null); // mirrored
    } else {
      g.drawImage(photo, x, y, size, size, null);
    }
    g.dispose();
    float light = (float) (0.8 + 0.4 * random.nextDouble());
    return new RescaleOp(light, 0, null).filter(copy, null);
  }

  /** One frame with the faces side by side; {@code nearest} (an index into faces, or −1) is full size. */
  public static byte[] frame(List<BufferedImage> faces, int nearest, Random random) {
    int width = 0;
    for (int i = 0; i < faces.size(); i++) {
      width += i == nearest ? SIDE : SIDE / 2;
    }
    BufferedImage frame = new BufferedImage(width, SIDE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = frame.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    int x = 0;
    for (int i = 0; i < faces.size(); i++) {
      int size = i == nearest ? SIDE : SIDE / 2;
      g.drawImage(faces.get(i), x, SIDE - size, size, size, null);
      x += size;
    }
    g.dispose();
    return jpeg(frame, (float) (0.6 + 0.3 * random.nextDouble()));
  }

  /**
   * One frame of a camera over {@code bands} rows: each face in its row's band (left to right), the near ones
   * (reaching) twice the size of the others; those further back shrink (or overlap) when a band is crowded.
   */
  static byte[] bandFrame(List<BufferedImage> faces, int[] band, boolean[] near, int bands, Random random) {
    int bandWidth = SIDE;
    int width = bands * bandWidth;
    int height = Math.max(SIDE, width / 2); // no wider than 2:1, so the detector's resize keeps faces whole
    BufferedImage frame = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = frame.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setColor(java.awt.Color.GRAY);
    g.fillRect(0, 0, width, height);
    int nearSide = SIDE * 3 / 4;
    for (int b = 0; b < bands; b++) {
      int nearCount = 0;
      int farCount = 0;
      for (int i = 0; i < faces.size(); i++) {
        nearCount += band[i] == b && near[i] ? 1 : 0;
        farCount += band[i] == b && !near[i] ? 1 : 0;
      }
      // Someone reaching stays their size however many stand behind them; two reaching share the band.
      int nearFit = nearCount == 0 ? 0 : Math.min(nearSide, bandWidth / nearCount);
      int farFit = farCount == 0 ? 0 : Math.max(SIDE / 8, Math.min(nearSide / 2,
          (bandWidth - nearFit * nearCount) / farCount));
      int nearX = b * bandWidth;
      int farX = nearX + nearFit * nearCount;
      for (boolean drawingNear : new boolean[] {false, true}) { // the near last, whole, over anyone crowded behind
        for (int i = 0; i < faces.size(); i++) {
          if (band[i] == b && near[i] == drawingNear) {
            int size = near[i] ? nearFit : farFit;
            int x = near[i] ? nearX : Math.min(farX, (b + 1) * bandWidth - size);
            g.drawImage(faces.get(i), x, height - size, size, size, null);
            nearX += near[i] ? size : 0;
            farX += near[i] ? 0 : size;
          }
        }
      }
    }
    g.dispose();
    return jpeg(frame, (float) (0.6 + 0.3 * random.nextDouble()));
  }

  private static BufferedImage decode(byte[] jpeg) {
    try {
      return ImageIO.read(new ByteArrayInputStream(jpeg));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] jpeg(BufferedImage image, float quality) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var stream = ImageIO.createImageOutputStream(out)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.setOutput(stream);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }
}
