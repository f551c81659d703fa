package org.ezshop.identity.face;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/** JPEG and PNG bytes to pictures, refusing oversized ones from their header, before any pixel is decoded. */
public final class Pictures {

  private final int maxBytes;
  private final int maxDimension;

  public Pictures(int maxBytes, int maxDimension) {
    ImageIO.setUseCache(false); // the bytes are in memory already: no temporary file behind the stream
    this.maxBytes = maxBytes;
    this.maxDimension = maxDimension;
  }

  /** The picture, or {@link BadImage} saying why not. */
  public Picture decode(byte[] bytes) {
    if (bytes.length == 0) {
      throw new BadImage("image is empty");
    }
    if (bytes.length > maxBytes) {
      throw new BadImage("image is " + bytes.length + " bytes, over the limit of " + maxBytes);
    }
    String format = format(bytes);
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
    ImageReader reader = readers.next();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      if (width > maxDimension || height > maxDimension) {
        throw new BadImage("image is " + width + "x" + height + ", over the limit of " + maxDimension
            + " pixels a side");
      }
      // A truncated JPEG decodes with a warning and grey where data is missing: refuse it instead.
      IIOReadWarningListener truncated = (source, warning) -> {
        throw new BadImage("image is truncated or corrupt (" + warning + ")");
      };
      reader.addIIOReadWarningListener(truncated);
      return new Picture(width, height, pixels(reader.read(0)));
    } catch (IOException | RuntimeException e) {
      if (e instanceof BadImage) {
        throw (BadImage) e;
      }
      throw new BadImage("image is not a readable " + format.toUpperCase() + " (" + e.getMessage() + ")");
    } finally {
      reader.dispose();
    }
  }

  // BufferedImage.getRGB converts pixel by pixel through the colour model: several ms for one VGA frame.
  private static int[] pixels(BufferedImage image) {
    int n = image.getWidth() * image.getHeight();
    if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
      byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
      int[] rgb = new int[n];
      for (int i = 0, j = 0; i < n; i++, j += 3) {
        rgb[i] = (bgr[j + 2] & 0xFF) << 16 | (bgr[j + 1] & 0xFF) << 8 | (bgr[j] & 0xFF);
      }
      return rgb;
    }
    if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      byte[] grey = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
      int[] rgb = new int[n];
      for (int i = 0; i < n; i++) {
        int v = grey[i] & 0xFF;
        rgb[i] = v << 16 | v << 8 | v;
      }
      return rgb;
    }
    return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
  }

  private static String format(byte[] b) {
    if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
      return "jpeg";
    }
    if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
      return "png";
    }
    throw new BadImage("image is neither JPEG nor PNG");
  }

  /** Why an image was refused. */
  public static final class BadImage extends RuntimeException {

    public BadImage(String message) {
      super(message, null, false, false);
    }
  }
}
