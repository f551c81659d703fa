package org.ezshop.identity.gallery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Every enrolled embedding in one flat float array, searched by a full scan (100,000 × 512 floats in about
 * 10 ms on two cores). Thread-safe: searches share a read lock, changes take the write lock briefly; {@link #change}
 * runs changes on the gallery's own thread, so that no event loop waits for a search to finish.
 */
public final class Gallery implements AutoCloseable {

  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "gallery-writer");
    t.setDaemon(true);
    return t;
  });

  private static final int ROWS_PER_PART = 16384;
  private static final int PARTS = Runtime.getRuntime().availableProcessors();

  private final int dimensions;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private float[] vectors;
  private long[] rowIds;
  private int[] rowFace;
  private int rows;
  // Face slots are never reused, so a row's slot stays valid while it lives.
  private final List<Face> faces = new ArrayList<>();
  private final Map<String, Face> byId = new HashMap<>();
  private final Map<Long, Integer> rowOf = new HashMap<>();

  public Gallery(int dimensions) {
    if (dimensions % 8 != 0) {
      throw new IllegalArgumentException("dimensions must be a multiple of 8, not " + dimensions);
    }
    this.dimensions = dimensions;
    this.vectors = new float[dimensions * 1024];
    this.rowIds = new long[1024];
    this.rowFace = new int[1024];
  }

  private static final class Face {
    final int slot;
    final String id;
    final String name;
    int photos;

    Face(int slot, String id, String name) {
      this.slot = slot;
      this.id = id;
      this.name = name;
    }
  }

  /** Runs a change on the gallery's writer thread, after every change asked for before it. */
  public <T> Future<T> change(Callable<T> change) {
    Promise<T> done = Promise.promise();
    writer.execute(() -> {
      try {
        done.complete(change.call());
      } catch (Exception e) {
        done.fail(e);
      }
    });
    return done.future();
  }

  @Override
  public void close() {
    writer.shutdown();
  }

  /** Adds an embedding; one already present (same id) is left as it is. */
  public void put(Enrolment e) {
    if (e.embedding().length != dimensions) {
      throw new IllegalArgumentException("embedding has " + e.embedding().length + " dimensions, not " + dimensions);
    }
    lock.writeLock().lock();
    try {
      if (rowOf.containsKey(e.id())) {
        return;
      }
      Face face = byId.computeIfAbsent(e.faceId(), id -> {
        Face f = new Face(faces.size(), id, e.subjectName());
        faces.add(f);
        return f;
      });
      if (rows == rowIds.length) {
        vectors = Arrays.copyOf(vectors, vectors.length * 2);
        rowIds = Arrays.copyOf(rowIds, rowIds.length * 2);
        rowFace = Arrays.copyOf(rowFace, rowFace.length * 2);
      }
      System.arraycopy(e.embedding(), 0, vectors, rows * dimensions, dimensions);
      rowIds[rows] = e.id();
      rowFace[rows] = face.slot;
      rowOf.put(e.id(), rows);
      rows++;
      face.photos++;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Removes a face and all its embeddings; how many embeddings went. */
  public int remove(String faceId) {
    lock.writeLock().lock();
    try {
      Face face = byId.remove(faceId);
      if (face == null) {
        return 0;
      }
      faces.set(face.slot, null);
      int removed = 0;
      for (int r = rows - 1; r >= 0; r--) {
        if (rowFace[r] == face.slot) {
          rowOf.remove(rowIds[r]);
          int last = --rows;
          if (r != last) { // the last row fills the hole
            System.arraycopy(vectors, last * dimensions, vectors, r * dimensions, dimensions);
            rowIds[r] = rowIds[last];
            rowFace[r] = rowFace[last];
            rowOf.put(rowIds[r], r);
          }
          removed++;
        }
      }
      return removed;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Replaces everything with the given enrolments (a full reload). */
  public void replaceAll(List<Enrolment> all) {
    lock.writeLock().lock();
    try {
      rows = 0;
      faces.clear();
      byId.clear();
      rowOf.clear();
      all.forEach(this::put);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The subject's name, or null for an unknown face. */
  public String name(String faceId) {
    lock.readLock().lock();
    try {
      Face face = byId.get(faceId);
      return face == null ? null : face.name;
    } finally {
      lock.readLock().unlock();
    }
  }

  public int photos(String faceId) {
    lock.readLock().lock();
    try {
      Face face = byId.get(faceId);
      return face == null ? 0 : face.photos;
    } finally {
      lock.readLock().unlock();
    }
  }

  public int size() {
    lock.readLock().lock();
    try {
      return rows;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The {@code k} faces most like the probe (each by its best photo), best first. */
  public List<Match> top(float[] probe, int k) {
    lock.readLock().lock();
    try {
      float[] best = bestPerFace(probe);
      List<Match> top = new ArrayList<>(k + 1);
      for (int slot = 0; slot < best.length; slot++) {
        if (best[slot] == Float.NEGATIVE_INFINITY || (top.size() == k && best[slot] <= top.get(k - 1).score())) {
          continue;
        }
        Face face = faces.get(slot);
        Match m = new Match(face.id, face.name, best[slot]);
        int at = top.size();
        while (at > 0 && top.get(at - 1).score() < m.score()) {
          at--;
        }
        top.add(at, m);
        if (top.size() > k) {
          top.remove(k);
        }
      }
      return top;
    } finally {
      lock.readLock().unlock();
    }
  }

  // A large gallery is scanned in parts on the common pool as well as here: one core alone takes ~20 ms at 100k.
  private float[] bestPerFace(float[] probe) {
    int parts = Math.max(1, Math.min(PARTS, rows / ROWS_PER_PART));
    List<ForkJoinTask<float[]>> helpers = new ArrayList<>();
    for (int p = 1; p < parts; p++) {
      int from = rows * p / parts;
      int to = rows * (p + 1) / parts;
      helpers.add(ForkJoinPool.commonPool().submit(() -> scan(probe, from, to)));
    }
    float[] best = scan(probe, 0, rows / parts);
    for (ForkJoinTask<float[]> helper : helpers) {
      float[] other = helper.join();
      for (int i = 0; i < best.length; i++) {
        best[i] = Math.max(best[i], other[i]);
      }
    }
    return best;
  }

  private float[] scan(float[] probe, int from, int to) {
    float[] best = new float[faces.size()];
    Arrays.fill(best, Float.NEGATIVE_INFINITY);
    for (int r = from; r < to; r++) {
      float s = dot(vectors, r * dimensions, probe);
      int slot = rowFace[r];
      if (s > best[slot]) {
        best[slot] = s;
      }
    }
    return best;
  }

  /** The best score of the probe against one face's photos; NaN for an unknown face. */
  public float score(String faceId, float[] probe) {
    lock.readLock().lock();
    try {
      Face face = byId.get(faceId);
      if (face == null) {
        return Float.NaN;
      }
      float best = -1;
      for (int r = 0; r < rows; r++) {
        if (rowFace[r] == face.slot) {
          best = Math.max(best, dot(vectors, r * dimensions, probe));
        }
      }
      return best;
    } finally {
      lock.readLock().unlock();
    }
  }

  // Eight independent sums let the CPU overlap the multiply-adds (C2 does not vectorise a float reduction).
  private static float dot(float[] v, int base, float[] q) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (int j = 0; j < q.length; j += 8) {
      s0 += v[base + j] * q[j];
      s1 += v[base + j + 1] * q[j + 1];
      s2 += v[base + j + 2] * q[j + 2];
      s3 += v[base + j + 3] * q[j + 3];
      s4 += v[base + j + 4] * q[j + 4];
      s5 += v[base + j + 5] * q[j + 5];
      s6 += v[base + j + 6] * q[j + 6];
      s7 += v[base + j + 7] * q[j + 7];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }
}
