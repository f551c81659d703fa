package org.ezshop.gateway.sight;

import io.vertx.core.Future;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.ezshop.gateway.state.StateArea;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last {@code keepMillis} of sightings per camera, in time order, for fusion to look up, and each camera's usual
 * near face, learnt from its frames and kept in the gateway's state (every {@link #KEEP_EVERY} frames) so that a
 * restart does not judge proximity from a handful of frames. Thread-safe.
 */
public final class SightingWindow {

  private static final Logger LOG = LoggerFactory.getLogger(SightingWindow.class);
  static final int KEEP_EVERY = 32;

  private final long keepMillis;
  private final Map<String, ArrayDeque<Sighting>> byCamera = new HashMap<>();
  private final Map<String, NearFaces> near = new HashMap<>();
  private StateArea kept;

  public SightingWindow(long keepMillis) {
    this.keepMillis = keepMillis;
  }

  /** One identified frame's faces: its largest counts towards the camera's usual near face. */
  synchronized void frame(String cameraId, List<Sighting> faces) {
    float largest = 0;
    for (Sighting s : faces) {
      largest = Math.max(largest, s.area());
    }
    if (largest > 0) {
      NearFaces camera = near.computeIfAbsent(cameraId, c -> new NearFaces());
      camera.add(largest);
      if (kept != null && camera.added % KEEP_EVERY == 0) { // one lost (PostgreSQL away) costs a few frames' worth
        kept.put(cameraId, camera.body(cameraId)).onFailure(e -> LOG.debug("event=near_faces_unkept camera={} "
            + "error={}", cameraId, e.getMessage()));
      }
    }
  }

  /** Takes back the near faces an earlier run kept in {@code area}, and keeps them there from now on. */
  public Future<Void> keepIn(StateArea area) {
    return area.all().map(bodies -> {
      synchronized (this) {
        for (byte[] body : bodies) {
          ByteBuffer b = ByteBuffer.wrap(body);
          byte[] camera = new byte[b.getInt()];
          b.get(camera);
          NearFaces faces = near.computeIfAbsent(new String(camera, StandardCharsets.UTF_8), c -> new NearFaces());
          while (b.hasRemaining()) {
            faces.add(b.getFloat());
          }
        }
        kept = area;
      }
      return null;
    });
  }

  /** A sighting kept in the gateway's state, back in the window after a restart (once, however often kept). */
  public synchronized void restore(Sighting s) {
    if (!byCamera.getOrDefault(s.cameraId(), new ArrayDeque<>()).contains(s)) {
      add(s);
    }
  }

  synchronized void add(Sighting s) {
    ArrayDeque<Sighting> seen = byCamera.computeIfAbsent(s.cameraId(), c -> new ArrayDeque<>());
    if (seen.isEmpty() || seen.peekLast().atMillis() <= s.atMillis()) {
      seen.addLast(s);
    } else { // a late frame: keep the order by time
      List<Sighting> all = new ArrayList<>(seen);
      int at = all.size();
      while (at > 0 && all.get(at - 1).atMillis() > s.atMillis()) {
        at--;
      }
      all.add(at, s);
      seen.clear();
      seen.addAll(all);
    }
    long cutoff = seen.peekLast().atMillis() - keepMillis;
    while (seen.peekFirst().atMillis() < cutoff) {
      seen.removeFirst();
    }
  }

  /** The camera's usual near face: a high quantile of its frames' largest face areas; 0 until it has seen some. */
  public synchronized float nearArea(String cameraId, double quantile) {
    NearFaces faces = near.get(cameraId);
    return faces == null ? 0 : faces.quantile(quantile);
  }

  /** The largest face area of each of a camera's last frames. */
  private static final class NearFaces {
    private static final int FRAMES = 256;
    private static final int ENOUGH = 8;
    private final float[] areas = new float[FRAMES];
    private int filled;
    private int next;
    private long added;

    void add(float area) {
      areas[next] = area;
      next = (next + 1) % FRAMES;
      filled = Math.min(filled + 1, FRAMES);
      added++;
    }

    /** The camera's name, then its areas oldest first. */
    byte[] body(String cameraId) {
      byte[] camera = cameraId.getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = ByteBuffer.allocate(4 + camera.length + 4 * filled).putInt(camera.length).put(camera);
      for (int i = 0; i < filled; i++) {
        b.putFloat(areas[Math.floorMod(next - filled + i, FRAMES)]);
      }
      return b.array();
    }

    float quantile(double q) {
      if (filled < ENOUGH) {
        return 0;
      }
      float[] sorted = java.util.Arrays.copyOf(areas, filled);
      java.util.Arrays.sort(sorted);
      return sorted[(int) Math.min(filled - 1, Math.floor(q * filled))];
    }
  }

  /** Whether the window holds a face the camera saw within {@code slackMillis} of {@code atMillis}. */
  public synchronized boolean seenNear(String cameraId, long atMillis, long slackMillis) {
    return !between(cameraId, atMillis - slackMillis, atMillis + slackMillis).isEmpty();
  }

  /** Sightings at the camera from {@code from} to {@code to} (gateway millis, inclusive), oldest first. */
  public synchronized List<Sighting> between(String cameraId, long from, long to) {
    List<Sighting> found = new ArrayList<>();
    ArrayDeque<Sighting> seen = byCamera.get(cameraId);
    if (seen != null) {
      for (Iterator<Sighting> it = seen.iterator(); it.hasNext(); ) {
        Sighting s = it.next();
        if (s.atMillis() >= from && s.atMillis() <= to) {
          found.add(s);
        }
      }
    }
    return found;
  }
}
