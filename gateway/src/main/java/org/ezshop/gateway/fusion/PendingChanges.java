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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.gateway.shelf.RowView;
import org.ezshop.gateway.shelf.ShelfChange;
import org.ezshop.gateway.sight.Sighting;

/**
 * Shelf changes accepted but not yet decided, one small file each with the sightings that may decide it: written
 * and synced before the readings (or frames) behind them are acked, removed once decided, so that a restart loses
 * neither. Blocking: call from a worker. Without a directory: nothing.
 */
final class PendingChanges {

  /** A change and the sightings kept with it. */
  record Kept(ShelfChange change, List<Sighting> sightings) {
  }

  private final Optional<Path> dir;
  private final Map<String, List<Sighting>> sightings = new HashMap<>();

  PendingChanges(Optional<Path> dir) {
    this.dir = dir;
  }

  /** True when changes are kept on disk. */
  boolean persistent() {
    return dir.isPresent();
  }

  /** Keeps the change with these sightings, besides any kept with it already. */
  synchronized void keep(ShelfChange c, List<Sighting> seen) {
    List<Sighting> all = sightings.computeIfAbsent(c.key(), k -> new ArrayList<>());
    all.addAll(seen);
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
        out.writeInt(all.size());
        for (Sighting s : all) {
          write(out, s);
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

  synchronized void remove(ShelfChange c) {
    sightings.remove(c.key());
    if (dir.isPresent()) {
      try {
        Files.deleteIfExists(file(c));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Every change still pending, with its sightings (after a restart: the ones the last run did not decide). */
  synchronized List<Kept> load() {
    List<Kept> all = new ArrayList<>();
    if (dir.isEmpty() || !Files.isDirectory(dir.get())) {
      return all;
    }
    try (Stream<Path> files = Files.list(dir.get())) {
      for (Path f : files.filter(p -> p.toString().endsWith(".pending")).sorted().toList()) {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(f))) {
          Kept kept = read(in);
          sightings.put(kept.change().key(), new ArrayList<>(kept.sightings()));
          all.add(kept);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  private static void write(DataOutputStream out, Sighting s) throws IOException {
    out.writeUTF(s.deviceId());
    out.writeUTF(s.cameraId());
    out.writeInt(s.role().getNumber());
    out.writeUTF(s.faceId());
    out.writeUTF(s.subjectName());
    for (float f : new float[] {s.score(), s.boxWidth(), s.boxHeight(), s.centreX(), s.centreY()}) {
      out.writeFloat(f);
    }
    out.writeLong(s.atMillis());
  }

  private static Sighting sighting(DataInputStream in) throws IOException {
    return new Sighting(in.readUTF(), in.readUTF(), CameraRole.forNumber(in.readInt()), in.readUTF(), in.readUTF(),
        in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat(), in.readLong());
  }

  private static Kept read(DataInputStream in) throws IOException {
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
    List<Sighting> seen = new ArrayList<>();
    for (int n = in.available() > 0 ? in.readInt() : 0; n > 0; n--) { // files of earlier versions stop here
      seen.add(sighting(in));
    }
    return new Kept(new ShelfChange(row, sku, sensor, delta, level, onset, settled, confidence, views), seen);
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
