package org.ezshop.load.replay;

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
import java.util.List;
import org.ezshop.edge.v1.EdgeMessage;

/**
 * A recording, JSON Lines: setup records {@code {"rpc":"pkg.Service/Method","request":{...}}} first, then device
 * records {@code {"device":"…","token":"…","at_ms":…,"message":{EdgeMessage}}}; messages in protobuf JSON.
 * load-tests/README.md documents it.
 */
public final class Recording implements AutoCloseable {

  /** One setup call. */
  public record Setup(int line, String rpc, String requestJson) {
  }

  /** One message a device sent, {@code atMillis} on the recorder's clock. */
  public record DeviceRecord(int line, String device, String token, long atMillis, EdgeMessage message) {
  }

  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
  private final BufferedWriter out;

  private Recording(BufferedWriter out) {
    this.out = out;
  }

  public static Recording create(Path file) throws IOException {
    return new Recording(Files.newBufferedWriter(file));
  }

  synchronized void setup(String rpc, Message request) {
    write("{\"rpc\":\"" + rpc + "\",\"request\":" + print(request) + "}");
  }

  synchronized void device(String device, String token, long atMillis, EdgeMessage message) {
    write(new JsonObject().put("device", device).put("token", token).put("at_ms", atMillis).encode()
        .replaceFirst("}$", ",\"message\":" + print(message) + "}"));
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
          devices.add(new DeviceRecord(line, record.getString("device"), record.getString("token"),
              record.getLong("at_ms"), message.build()));
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
