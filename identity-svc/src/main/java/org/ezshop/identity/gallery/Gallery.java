package org.ezshop.identity.gallery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * floats in about 10 ms on two cores); from {@link #INDEX_FROM} embeddings an HNSW index ({@link GalleryIndex})
 * picks the candidates and the flat array scores them exactly, with the few embeddings the index does not hold yet
 * scored directly. The index is built in the background in small steps; with a saved index it is reloaded at
 * start instead, and only the embeddings it lacks are added. Thread-safe: searches share a read lock, changes take
 * the write lock briefly; {@link #change} runs changes on the gallery's own thread, so that no event loop waits
 * for a search to finish.
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
  /** Changes to the index after which it is saved again (and it is saved whenever a build or catch-up ends). */
  static final int SAVE_EVERY = 10_000;
  /** The saved index's file name in the gallery's index directory. */
  public static final String INDEX_FILE = "faces.hnsw";
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
  private final Optional<Path> indexFile;
  private GalleryIndex index;
  private boolean[] rowIndexed;
  private int unindexedRows;
  // The ids the index lacked when its build (or catch-up) began, how far it has got, and which build it is.
  private long[] unindexed;
  private int unindexedAt;
  private int build;
  private long indexStarted;
  private int changedSinceSave;
  private volatile int candidates = CANDIDATES;
  // Face slots are never reused, so a row's slot stays valid while it lives.
  private final List<Face> faces = new ArrayList<>();
  private final Map<String, Face> byId = new HashMap<>();
  private final Map<Long, Integer> rowOf = new HashMap<>();

  public Gallery(int dimensions) {
    this(dimensions, INDEX_FROM);
  }

  /** A gallery that builds its index once it holds {@code indexFrom} embeddings, and never saves it. */
  public Gallery(int dimensions, int indexFrom) {
    this(dimensions, indexFrom, Optional.empty());
  }

  /** A gallery that keeps its index in {@code indexDir}, when given: saved as it grows, reloaded at start. */
  public Gallery(int dimensions, int indexFrom, Optional<Path> indexDir) {
    if (dimensions % 8 != 0) {
      throw new IllegalArgumentException("dimensions must be a multiple of 8, not " + dimensions);
    }
    this.dimensions = dimensions;
    this.indexFrom = indexFrom;
    this.indexFile = indexDir.map(dir -> dir.resolve(INDEX_FILE));
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

  /** Saves the index, if it changed since it was last saved, and closes the gallery. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (index != null) {
        save();
        index.close();
        index = null;
      }
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
      insert(e, index != null);
      indexIfLarge();
      if (changedSinceSave >= SAVE_EVERY && unindexedRows == 0) {
        writer.execute(this::saveShared);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void insert(Enrolment e, boolean toIndex) {
    if (rowOf.containsKey(e.id())) {
      return;
    }
    Face face = byId.computeIfAbsent(e.faceId(), id -> {
      Face f = new Face(faces.size(), id, e.subjectName());
      faces.add(f);
      return f;
    });
    if (rows == rowIds.length) {
      grow(rows * 2);
    }
    System.arraycopy(e.embedding(), 0, vectors, rows * dimensions, dimensions);
    rowIds[rows] = e.id();
    rowFace[rows] = face.slot;
    rowIndexed[rows] = toIndex;
    if (toIndex) {
      index.add(new float[][] {e.embedding()}, new long[] {e.id()});
      changedSinceSave++;
    } else {
      unindexedRows++;
    }
    rowOf.put(e.id(), rows);
    rows++;
    face.photos++;
  }

  private void grow(int capacity) {
    vectors = Arrays.copyOf(vectors, capacity * dimensions);
    rowIds = Arrays.copyOf(rowIds, capacity);
    rowFace = Arrays.copyOf(rowFace, capacity);
    rowIndexed = Arrays.copyOf(rowIndexed, capacity);
  }

  private void indexIfLarge() {
    if (index != null || rows < indexFrom) {
      return;
    }
    indexStarted = System.nanoTime();
    Optional<GalleryIndex.Saved> saved = indexFile.flatMap(file -> GalleryIndex.load(file, dimensions));
    index = saved.map(GalleryIndex.Saved::index).orElseGet(() -> GalleryIndex.empty(dimensions, rows * 2));
    saved.ifPresent(s -> LOG.info("event=gallery_index_loaded file={} indexed={} last_enrolment_id={} seconds={}",
        indexFile.get(), s.index().size(), s.lastId(), seconds(indexStarted)));
    cover();
  }

  // Marks the rows the index holds, removes from it what the gallery no longer has, and queues the rest.
  private void cover() {
    long[] held = index.ids();
    List<Long> missing = new ArrayList<>();
    unindexedRows = 0;
    for (int r = 0; r < rows; r++) {
      rowIndexed[r] = Arrays.binarySearch(held, rowIds[r]) >= 0;
      if (!rowIndexed[r]) {
        missing.add(rowIds[r]);
        unindexedRows++;
      }
    }
    for (long id : held) {
      if (!rowOf.containsKey(id) && index.remove(id)) {
        changedSinceSave++;
      }
    }
    unindexed = missing.stream().mapToLong(Long::longValue).toArray();
    unindexedAt = 0;
    int current = ++build;
    LOG.info("event=gallery_index_started embeddings={} held={} to_add={}", rows, held.length, unindexed.length);
    writer.execute(() -> indexStep(current));
  }

  // One step of a build, on the writer thread between changes; a later step is queued behind any change since.
  private void indexStep(int current) {
    lock.writeLock().lock();
    try {
      if (index == null || build != current) {
        return; // closed, or a reload began another build
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
      unindexedRows -= ids.length;
      changedSinceSave += ids.length;
      unindexedAt = end;
      if (end < unindexed.length) {
        writer.execute(() -> indexStep(current));
        return;
      }
      unindexed = null;
      LOG.info("event=gallery_index_ready embeddings={} seconds={}", rows, seconds(indexStarted));
      writer.execute(this::saveShared);
    } finally {
      lock.writeLock().unlock();
    }
  }

  // Searches go on while the index is written; changes wait.
  private void saveShared() {
    lock.readLock().lock();
    try {
      if (index != null) {
        save();
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  private void save() {
    if (indexFile.isEmpty() || changedSinceSave == 0) {
      return;
    }
    long started = System.nanoTime();
    long lastId = Long.MIN_VALUE;
    for (int r = 0; r < rows; r++) {
      if (rowIndexed[r]) {
        lastId = Math.max(lastId, rowIds[r]);
      }
    }
    try {
      index.save(indexFile.get(), lastId);
      changedSinceSave = 0;
      LOG.info("event=gallery_index_saved file={} indexed={} last_enrolment_id={} seconds={}", indexFile.get(),
          index.size(), lastId, seconds(started));
    } catch (IOException | RuntimeException e) {
      LOG.warn("event=gallery_index_save_failed file={} error={}", indexFile.get(), e.getMessage());
    }
  }

  private static long seconds(long since) {
    return (System.nanoTime() - since) / 1_000_000_000L;
  }

  /** Sets {@link #CANDIDATES} for the searches after this one. */
  public void candidates(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("candidates must be at least 1, not " + n);
    }
    candidates = n;
  }

  /** Whether the index holds every embedding (false while it is built, and below {@link #INDEX_FROM}). */
  public boolean indexed() {
    lock.readLock().lock();
    try {
      return index != null && unindexedRows == 0;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Embeddings the index does not hold yet (all of them below {@link #INDEX_FROM}). */
  public int unindexed() {
    lock.readLock().lock();
    try {
      return index == null ? rows : unindexedRows;
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
            changedSinceSave++;
          } else {
            unindexedRows--;
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

  /** Replaces everything with the given enrolments (a full reload); an index keeps what it holds of them. */
  public void replaceAll(Collection<Enrolment> all) {
    lock.writeLock().lock();
    try {
      rows = 0;
      unindexedRows = 0;
      faces.clear();
      byId.clear();
      rowOf.clear();
      if (all.size() > rowIds.length) {
        grow(all.size()); // once, so that a million rows are not copied at each doubling
      }
      all.forEach(e -> insert(e, false));
      if (index != null) {
        cover();
      }
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
      return index != null && unindexedRows <= rows / 2 ? nearest(probe, k) : scanned(probe, k);
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

  // Candidates from the graph, scored exactly, and the rows it lacks; a face with several photos may fill several.
  private List<Match> nearest(float[] probe, int k) {
    Map<Integer, Float> best = new HashMap<>();
    for (long id : index.nearest(probe, Math.min(rows - unindexedRows, Math.max(candidates, 4 * k)))) {
      Integer r = rowOf.get(id);
      if (r != null) {
        best.merge(rowFace[r], dot(vectors, r * dimensions, probe), Math::max);
      }
    }
    for (int r = 0; r < rows && unindexedRows > 0; r++) {
      if (!rowIndexed[r]) {
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
