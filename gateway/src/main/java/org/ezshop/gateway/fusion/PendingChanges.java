package org.ezshop.gateway.fusion;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.ezshop.gateway.shelf.RowView;
import org.ezshop.gateway.shelf.ShelfChange;

/**
 * Shelf changes accepted but not yet decided, one small file each, written and synced before the readings
 * behind them are acked, removed once decided. Blocking: call from a worker. Without a directory: nothing.
 */
final class PendingChanges {

  private final Optional<Path> dir;

  PendingChanges(Optional<Path> dir) {
    this.dir = dir;
  }

  void add(ShelfChange c) {
    if (dir.isEmpty()) {
      return;
    }
    try {
      Files.createDirectories(dir.get());
      Path file = file(c);
      Path partial = file.resolveSibling(file.getFileName() + ".tmp");
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeUTF(c.rowId());
        out.writeUTF(c.sku());
        out.writeUTF(c.sensorId());
        out.writeInt(c.delta());
        out.writeInt(c.level());
        out.writeLong(c.onsetMillis());
        out.writeLong(c.settledMillis());
        out.writeDouble(c.confidence());
        out.writeInt(c.views().size());
        for (RowView v : c.views()) {
          out.writeUTF(v.cameraId());
          out.writeFloat(v.xMin());
          out.writeFloat(v.xMax());
          out.writeFloat(v.yMin());
          out.writeFloat(v.yMax());
        }
      }
      try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        channel.write(ByteBuffer.wrap(bytes.toByteArray()));
        channel.force(true);
      }
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep a pending shelf change in " + dir.get(), e);
    }
  }

  void remove(ShelfChange c) {
    if (dir.isPresent()) {
      try {
        Files.deleteIfExists(file(c));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Every change still pending (after a restart: the ones the last run did not decide). */
  List<ShelfChange> load() {
    List<ShelfChange> all = new ArrayList<>();
    if (dir.isEmpty() || !Files.isDirectory(dir.get())) {
      return all;
    }
    try (Stream<Path> files = Files.list(dir.get())) {
      for (Path f : files.filter(p -> p.toString().endsWith(".pending")).sorted().toList()) {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(f))) {
          all.add(read(in));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  private static ShelfChange read(DataInputStream in) throws IOException {
    String row = in.readUTF();
    String sku = in.readUTF();
    String sensor = in.readUTF();
    int delta = in.readInt();
    int level = in.readInt();
    long onset = in.readLong();
    long settled = in.readLong();
    double confidence = in.readDouble();
    List<RowView> views = new ArrayList<>();
    for (int n = in.readInt(); n > 0; n--) {
      views.add(new RowView(in.readUTF(), in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat()));
    }
    return new ShelfChange(row, sku, sensor, delta, level, onset, settled, confidence, views);
  }

  private Path file(ShelfChange c) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(c.key().getBytes(StandardCharsets.UTF_8));
      return dir.get().resolve(HexFormat.of().formatHex(digest, 0, 16) + ".pending");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
