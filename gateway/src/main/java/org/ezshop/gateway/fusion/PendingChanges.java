package org.ezshop.gateway.fusion;

import io.vertx.core.Future;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ezshop.gateway.shelf.RowView;
import org.ezshop.gateway.shelf.ShelfChange;
import org.ezshop.gateway.sight.Sighting;
import org.ezshop.gateway.state.StateArea;

/**
 * Shelf changes accepted but not yet decided, each kept with the sightings that may decide it in the gateway's
 * state ("pending"): written before the readings (or frames) behind them are acked, removed once decided, so
 * that a restart loses neither. Each write holds everything kept for the change so far.
 */
final class PendingChanges {

  /** A change and the sightings kept with it. */
  record Kept(ShelfChange change, List<Sighting> sightings) {
  }

  private final StateArea area;
  private final boolean durable;
  private final Map<String, Kept> kept = new HashMap<>();

  PendingChanges(StateArea area, boolean durable) {
    this.area = area;
    this.durable = durable;
  }

  /** True when changes outlive this process. */
  boolean persistent() {
    return durable;
  }

  /** Every change still pending in the state, with its sightings. */
  Future<List<Kept>> load() {
    return area.all().map(bodies -> {
      List<Kept> all = new ArrayList<>();
      synchronized (this) {
        for (byte[] body : bodies) {
          Kept k = decode(body);
          kept.put(k.change().key(), new Kept(k.change(), new ArrayList<>(k.sightings())));
          all.add(k);
        }
      }
      return all;
    });
  }

  /** Keeps a new change with the sightings seen so far. */
  synchronized Future<Void> add(ShelfChange c, List<Sighting> seen) {
    Kept k = kept.computeIfAbsent(c.key(), key -> new Kept(c, new ArrayList<>()));
    k.sightings().addAll(seen);
    return area.put(c.key(), encode(k));
  }

  /** Adds sightings to a change still pending; nothing once it is decided. */
  synchronized Future<Void> keep(ShelfChange c, List<Sighting> seen) {
    Kept k = kept.get(c.key());
    if (k == null) {
      return Future.succeededFuture();
    }
    k.sightings().addAll(seen);
    return area.put(c.key(), encode(k));
  }

  /** True while a change of the same item that began earlier is not yet carried out. */
  synchronized boolean earlierOfItem(ShelfChange c) {
    return kept.values().stream().anyMatch(k -> k.change().sku().equals(c.sku())
        && k.change().onsetMillis() < c.onsetMillis());
  }

  /** Whether a change with its onset at or before {@code atMillis} is not carried out yet. */
  synchronized int countFrom(long atMillis) {
    return (int) kept.values().stream().filter(k -> k.change().onsetMillis() <= atMillis).count();
  }

  synchronized Future<Void> remove(ShelfChange c) {
    kept.remove(c.key());
    return area.delete(c.key());
  }

  private static byte[] encode(Kept k) {
    ShelfChange c = k.change();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
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
      out.writeInt(k.sightings().size());
      for (Sighting s : k.sightings()) {
        s.writeTo(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static Kept decode(byte[] body) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("a pending shelf change that cannot be read", e);
    }
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
      seen.add(Sighting.readFrom(in));
    }
    return new Kept(new ShelfChange(row, sku, sensor, delta, level, onset, settled, confidence, views), seen);
  }
}
