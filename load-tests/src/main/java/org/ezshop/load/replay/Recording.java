package org.ezshop.load.replay;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.store.v1.RegisterDeviceRequest;

/**
 * A recording, JSON Lines: setup records {@code {"rpc":"pkg.Service/Method","request":{...}}} first, then device
 * records {@code {"device":"…","at_ms":…,"message":{EdgeMessage}}}; messages in protobuf JSON. It holds no secret:
 * RegisterDevice requests are written without their token (a replay registers each device with a fresh one), and
 * no call's bearer token is kept. With photos redacted, every photo and frame is replaced by its SHA-256, for a
 * recording kept for its timing only. load-tests/README.md documents it.
 */
public final class Recording implements AutoCloseable {

  /** One setup call. */
  public record Setup(int line, String rpc, String requestJson) {
  }

  /** One message a device sent, {@code atMillis} on the recorder's clock. */
  public record DeviceRecord(int line, String device, long atMillis, EdgeMessage message) {
  }

  /** What a redacted photo or frame starts with, followed by the hex SHA-256 of the bytes it replaced. */
  public static final String REDACTED = "sha256:";
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
  private final BufferedWriter out;
  private final boolean redactPhotos;

  private Recording(BufferedWriter out, boolean redactPhotos) {
    this.out = out;
    this.redactPhotos = redactPhotos;
  }

  public static Recording create(Path file) throws IOException {
    return create(file, false);
  }

  /** @param redactPhotos every photo and frame written as its SHA-256 only */
  public static Recording create(Path file, boolean redactPhotos) throws IOException {
    return new Recording(Files.newBufferedWriter(file), redactPhotos);
  }

  synchronized void setup(String rpc, Message request) {
    Message kept = request;
    if (kept instanceof RegisterDeviceRequest r) {
      kept = r.toBuilder().clearToken().build();
    } else if (redactPhotos && kept instanceof org.ezshop.shop.v1.RegisterShopperRequest r) {
      kept = r.toBuilder().setPhoto(redacted(r.getPhoto())).build();
    }
    write("{\"rpc\":\"" + rpc + "\",\"request\":" + print(kept) + "}");
  }

  synchronized void device(String device, long atMillis, EdgeMessage message) {
    EdgeMessage kept = redactPhotos && message.hasFrame()
        ? message.toBuilder().setFrame(message.getFrame().toBuilder().setJpeg(redacted(message.getFrame().getJpeg())))
            .build() : message;
    write(new JsonObject().put("device", device).put("at_ms", atMillis).encode()
        .replaceFirst("}$", ",\"message\":" + print(kept) + "}"));
  }

  private static ByteString redacted(ByteString bytes) {
    try {
      return ByteString.copyFromUtf8(REDACTED + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(bytes.toByteArray())));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void write(String line) {
    try {
      out.write(line);
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String print(Message message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }

  /** Reads a recording: setups, then device records in time order. Errors name the line. */
  public static void read(Path file, List<Setup> setups, List<DeviceRecord> devices) throws IOException {
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String text = lines.get(i).strip();
      int line = i + 1;
      if (text.isEmpty()) {
        continue;
      }
      try {
        JsonObject record = new JsonObject(text);
        if (record.containsKey("rpc")) {
          if (!devices.isEmpty()) {
            throw new IllegalArgumentException("setup records come before device records");
          }
          setups.add(new Setup(line, record.getString("rpc"), record.getJsonObject("request", new JsonObject()).encode()));
        } else if (record.containsKey("device")) {
          EdgeMessage.Builder message = EdgeMessage.newBuilder();
          JsonFormat.parser().merge(record.getJsonObject("message").encode(), message);
          devices.add(new DeviceRecord(line, record.getString("device"), record.getLong("at_ms"), message.build()));
        } else {
          throw new IllegalArgumentException("a record has \"rpc\" (setup) or \"device\"");
        }
      } catch (DecodeException | InvalidProtocolBufferException | ClassCastException | NullPointerException e) {
        throw new IllegalArgumentException(file + ":" + line + ": " + e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ":" + line + ": " + e.getMessage(), e);
      }
    }
    devices.sort(java.util.Comparator.comparingLong(DeviceRecord::atMillis)); // stable: a device keeps its order
  }
}
