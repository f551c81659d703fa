package org.ezshop.gateway.sight;

import io.vertx.core.Future;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.gateway.state.StateArea;

/**
 * The shelf cameras' sightings of the last {@code keepMillis}, kept in the gateway's state before their frames are
 * acked. A change found after a restart (its readings resent, its frames not: they were acked) still has the faces
 * seen before it. A frame older than that is not kept: no change can wait for it so long.
 */
public final class RecentSightings {

  private record Kept(String key, long atMillis) {
  }

  private final StateArea area;
  private final boolean durable;
  private final long keepMillis;
  private final ArrayDeque<Kept> kept = new ArrayDeque<>();

  /** @param durable whether the state outlives the process (else keeping is for nothing, and skipped) */
  public RecentSightings(StateArea area, boolean durable, long keepMillis) {
    this.area = area;
    this.durable = durable;
    this.keepMillis = keepMillis;
  }

  /** Keeps a frame's shelf sightings; the frame is acked once this completes. */
  public Future<Void> keep(List<Sighting> frame) {
    long now = System.currentTimeMillis();
    List<Sighting> shelf = frame.stream().filter(s -> s.role() == CameraRole.CAMERA_ROLE_SHELF).toList();
    if (!durable || shelf.isEmpty() || shelf.get(0).atMillis() < now - keepMillis) {
      return Future.succeededFuture();
    }
    List<Future<Void>> writes = new ArrayList<>();
    synchronized (this) {
      while (!kept.isEmpty() && kept.peekFirst().atMillis() < now - keepMillis) {
        writes.add(area.delete(kept.removeFirst().key()));
      }
      String key = key(shelf.get(0));
      kept.addLast(new Kept(key, shelf.get(0).atMillis()));
      writes.add(area.put(key, encode(shelf)));
    }
    return Future.all(writes).mapEmpty();
  }

  /** Puts back what an earlier run kept, still recent, into the window. */
  public Future<Void> restoreInto(SightingWindow window) {
    long now = System.currentTimeMillis();
    return area.all().compose(bodies -> {
      List<Future<Void>> stale = new ArrayList<>();
      for (byte[] body : bodies) {
        List<Sighting> frame = decode(body);
        if (frame.get(0).atMillis() < now - keepMillis) {
          stale.add(area.delete(key(frame.get(0))));
        } else {
          frame.forEach(window::restore);
          synchronized (this) {
            kept.addLast(new Kept(key(frame.get(0)), frame.get(0).atMillis()));
          }
        }
      }
      return Future.all(stale).mapEmpty();
    });
  }

  private static String key(Sighting first) {
    return first.cameraId() + "@" + first.atMillis();
  }

  private static byte[] encode(List<Sighting> frame) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(frame.size());
      for (Sighting s : frame) {
        s.writeTo(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static List<Sighting> decode(byte[] body) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
      List<Sighting> frame = new ArrayList<>();
      for (int n = in.readInt(); n > 0; n--) {
        frame.add(Sighting.readFrom(in));
      }
      return frame;
    } catch (IOException e) {
      throw new UncheckedIOException("recent sightings that cannot be read", e);
    }
  }
}
