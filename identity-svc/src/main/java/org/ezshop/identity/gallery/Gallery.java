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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every enrolled embedding in one flat float array. A small gallery is searched by a full scan (100,000 × 512
 * floats in about 10 ms on two cores); from {@link #INDEX_FROM} embeddings an HNSW index ({@link GalleryIndex}),
 * built in the background in small steps, picks the candidates and the flat array scores them exactly.
 * Thread-safe: searches share a read lock, changes take the write lock briefly; {@link #change} runs changes on
 * the gallery's own thread, so that no event loop waits for a search to finish.
 */
public final class Gallery implements AutoCloseable {

  /** Where the index takes over from the scan: the scan's cost crosses ~4 ms here (load-tests/RESULTS.md). */
  public static final int INDEX_FROM = 50_000;
  // Rows added to the index per step of a build: a step holds the lock about 0.3 s at 1,000,000 on 2 cores.
  private static final int INDEX_STEP = 100;
  /**
   * Candidates the index offers a search, which is also how wide it searches (hnswlib's ef). Over 1,000,000
   * synthetic faces 100 already agreed with the exact scan on 0.996 of probes (p50 3.6 ms) and 200 on all of them
   * (6.7 ms): 200 keeps a margin for faces less kind than the synthetic ones, inside 10 ms (load-tests/RESULTS.md).
   */
  public static final int CANDIDATES = 200;
  private static final Logger LOG = LoggerFactory.getLogger(Gallery.class);

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
  private final int indexFrom;
  private GalleryIndex index;
  private boolean indexReady;
  private boolean[] rowIndexed;
  // The ids present when the index's build began, and how far the build has got through them.
  private long[] unindexed;
  private int unindexedAt;
  private long indexStarted;
  private volatile int candidates = CANDIDATES;
  // Face slots are never reused, so a row's slot stays valid while it lives.
  private final List<Face> faces = new ArrayList<>();
  private final Map<String, Face> byId = new HashMap<>();
  private final Map<Long, Integer> rowOf = new HashMap<>();

  public Gallery(int dimensions) {
    this(dimensions, INDEX_FROM);
  }

  /** A gallery that builds its index once it holds {@code indexFrom} embeddings. */
  public Gallery(int dimensions, int indexFrom) {
    if (dimensions % 8 != 0) {
      throw new IllegalArgumentException("dimensions must be a multiple of 8, not " + dimensions);
    }
    this.dimensions = dimensions;
    this.indexFrom = indexFrom;
    this.vectors = new float[dimensions * 1024];
    this.rowIds = new long[1024];
    this.rowFace = new int[1024];
    this.rowIndexed = new boolean[1024];
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
    lock.writeLock().lock();
    try {
      dropIndex();
    } finally {
      lock.writeLock().unlock();
    }
    writer.shutdown();
  }

  /** Adds an embedding; one already present (same id) is left as it is. */
  public void put(Enrolment e) {
    if (e.embedding().length != dimensions) {
      throw new IllegalArgumentException("embedding has " + e.embedding().length + " dimensions, not " + dimensions);
    }
    lock.writeLock().lock();
    try {
      insert(e);
      indexIfLarge();
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void insert(Enrolment e) {
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
      rowIndexed = Arrays.copyOf(rowIndexed, rowIndexed.length * 2);
    }
    System.arraycopy(e.embedding(), 0, vectors, rows * dimensions, dimensions);
    rowIds[rows] = e.id();
    rowFace[rows] = face.slot;
    rowIndexed[rows] = index != null;
    if (index != null) {
      index.add(new float[][] {e.embedding()}, new long[] {e.id()});
    }
    rowOf.put(e.id(), rows);
    rows++;
    face.photos++;
  }

  private void indexIfLarge() {
    if (index != null || rows < indexFrom) {
      return;
    }
    GalleryIndex building = new GalleryIndex(dimensions, rows * 2);
    index = building;
    unindexed = Arrays.copyOf(rowIds, rows);
    unindexedAt = 0;
    indexStarted = System.nanoTime();
    LOG.info("event=gallery_index_started embeddings={}", rows);
    writer.execute(() -> indexStep(building));
  }

  // One step of a build, on the writer thread between changes; a later step is queued behind any change since.
  private void indexStep(GalleryIndex building) {
    lock.writeLock().lock();
    try {
      if (index != building || indexReady) {
        return; // dropped by a reload or close
      }
      int end = Math.min(unindexed.length, unindexedAt + INDEX_STEP);
      List<Integer> step = new ArrayList<>(end - unindexedAt);
      for (int i = unindexedAt; i < end; i++) {
        Integer r = rowOf.get(unindexed[i]);
        if (r != null && !rowIndexed[r]) {
          step.add(r);
        }
      }
      float[][] vs = new float[step.size()][];
      long[] ids = new long[step.size()];
      for (int i = 0; i < vs.length; i++) {
        int r = step.get(i);
        vs[i] = Arrays.copyOfRange(vectors, r * dimensions, (r + 1) * dimensions);
        ids[i] = rowIds[r];
        rowIndexed[r] = true;
      }
      index.add(vs, ids);
      unindexedAt = end;
      if (end < unindexed.length) {
        writer.execute(() -> indexStep(building));
        return;
      }
      indexReady = true;
      unindexed = null;
      LOG.info("event=gallery_index_ready embeddings={} seconds={}", rows,
          (System.nanoTime() - indexStarted) / 1_000_000_000L);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void dropIndex() {
    if (index != null) {
      index.close();
    }
    index = null;
    indexReady = false;
    unindexed = null;
  }

  /** Sets {@link #CANDIDATES} for the searches after this one. */
  public void candidates(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("candidates must be at least 1, not " + n);
    }
    candidates = n;
  }

  /** Whether searches go through the index (false while it is built, and below {@link #INDEX_FROM}). */
  public boolean indexed() {
    lock.readLock().lock();
    try {
      return indexReady;
    } finally {
      lock.readLock().unlock();
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
          if (rowIndexed[r]) {
            index.remove(rowIds[r]);
          }
          int last = --rows;
          if (r != last) { // the last row fills the hole
            System.arraycopy(vectors, last * dimensions, vectors, r * dimensions, dimensions);
            rowIds[r] = rowIds[last];
            rowFace[r] = rowFace[last];
            rowIndexed[r] = rowIndexed[last];
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
      dropIndex();
      rows = 0;
      faces.clear();
      byId.clear();
      rowOf.clear();
      all.forEach(this::insert);
      indexIfLarge();
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
      return indexReady ? nearest(probe, k) : scanned(probe, k);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** What {@link #top} answers by the full scan, index or not: the exact answer, to measure the index against. */
  public List<Match> exactTop(float[] probe, int k) {
    lock.readLock().lock();
    try {
      return scanned(probe, k);
    } finally {
      lock.readLock().unlock();
    }
  }

  // Candidates from the graph, scored exactly; a face with several photos may fill several candidates.
  private List<Match> nearest(float[] probe, int k) {
    Map<Integer, Float> best = new HashMap<>();
    for (long id : index.nearest(probe, Math.min(rows, Math.max(candidates, 4 * k)))) {
      Integer r = rowOf.get(id);
      if (r != null) {
        best.merge(rowFace[r], dot(vectors, r * dimensions, probe), Math::max);
      }
    }
    List<Match> top = new ArrayList<>(k + 1);
    best.forEach((slot, score) -> offer(top, k, slot, score));
    return top;
  }

  private List<Match> scanned(float[] probe, int k) {
    float[] best = bestPerFace(probe);
    List<Match> top = new ArrayList<>(k + 1);
    for (int slot = 0; slot < best.length; slot++) {
      if (best[slot] != Float.NEGATIVE_INFINITY) {
        offer(top, k, slot, best[slot]);
      }
    }
    return top;
  }

  private void offer(List<Match> top, int k, int slot, float score) {
    if (top.size() == k && score <= top.get(k - 1).score()) {
      return;
    }
    Face face = faces.get(slot);
    Match m = new Match(face.id, face.name, score);
    int at = top.size();
    while (at > 0 && top.get(at - 1).score() < m.score()) {
      at--;
    }
    top.add(at, m);
    if (top.size() > k) {
      top.remove(k);
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
