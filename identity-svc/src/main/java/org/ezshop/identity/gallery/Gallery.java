package org.ezshop.identity.gallery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Every enrolled embedding ({@link Embeddings}). A small gallery is searched by a full scan (100,000 × 512 floats
 * in about 10 ms on two cores); from {@link #INDEX_FROM} embeddings an HNSW index ({@link GalleryIndex}) picks
 * the candidates and the flat rows score them exactly, with the few rows the index does not hold yet scored
 * directly. The index is built in the background in small steps; with a saved index it is reloaded at start
 * instead, and only the rows it lacks are added. Thread-safe: searches share a read lock, changes take the write
 * lock briefly; {@link #change} runs changes on the gallery's own thread, so that no event loop waits for a search.
 */
public final class Gallery implements AutoCloseable {

  /** Where the index takes over from the scan: the scan's cost crosses ~4 ms here (load-tests/RESULTS.md). */
  public static final int INDEX_FROM = 50_000;
  /**
   * Candidates the index offers a search, which is also how wide it searches (hnswlib's ef). Over 1,000,000
   * synthetic faces 100 already agreed with the exact scan on 0.996 of probes (p50 3.6 ms) and 200 on all of them
   * (6.7 ms): 200 keeps a margin for faces less kind than the synthetic ones, inside 10 ms (load-tests/RESULTS.md).
   */
  public static final int CANDIDATES = 200;
  /** The saved index's file name in the gallery's index directory. */
  public static final String INDEX_FILE = "faces.hnsw";

  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "gallery-writer");
    t.setDaemon(true);
    return t;
  });
  private final int dimensions;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final Embeddings rows;
  private final int indexFrom;
  private final Optional<Path> indexFile;
  private KeptIndex index;
  // Which build (or catch-up) the queued steps belong to: a reload begins another.
  private int build;
  private volatile int candidates = CANDIDATES;
  // Face slots are never reused, so a row's slot stays valid while it lives.
  private final List<Face> faces = new ArrayList<>();
  private final Map<String, Face> byId = new HashMap<>();

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
    this.rows = new Embeddings(dimensions);
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
        index.save();
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
      if (index != null && index.dueForSave()) {
        writer.execute(this::saveShared);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void insert(Enrolment e, boolean toIndex) {
    if (rows.has(e.id())) {
      return;
    }
    Face face = byId.computeIfAbsent(e.faceId(), id -> {
      Face f = new Face(faces.size(), id, e.subjectName());
      faces.add(f);
      return f;
    });
    rows.add(e.id(), face.slot, e.embedding(), toIndex);
    if (toIndex) {
      index.add(e.id(), e.embedding());
    }
    face.photos++;
  }

  private void indexIfLarge() {
    if (index == null && rows.size() >= indexFrom) {
      index = KeptIndex.open(dimensions, rows, indexFile);
      stepsFrom();
    }
  }

  private void stepsFrom() {
    int current = ++build;
    writer.execute(() -> indexStep(current));
  }

  // One step of a build, on the writer thread between changes; a later step is queued behind any change since.
  private void indexStep(int current) {
    lock.writeLock().lock();
    try {
      if (index != null && build == current) { // else closed, or a reload began another build
        writer.execute(index.step() ? () -> indexStep(current) : this::saveShared);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  // Searches go on while the index is written; changes wait.
  private void saveShared() {
    read(() -> {
      if (index != null) {
        index.save();
      }
      return null;
    });
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
    return read(() -> index != null && rows.unindexed() == 0);
  }

  /** Embeddings the index does not hold yet (all of them below {@link #INDEX_FROM}). */
  public int unindexed() {
    return read(() -> index == null ? rows.size() : rows.unindexed());
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
      return rows.removeFace(face.slot, id -> index.remove(id));
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Replaces everything with the given enrolments (a full reload); an index keeps what it holds of them. */
  public void replaceAll(Collection<Enrolment> all) {
    lock.writeLock().lock();
    try {
      faces.clear();
      byId.clear();
      rows.clear(all.size());
      all.forEach(e -> insert(e, false));
      if (index != null) {
        index.cover();
        stepsFrom();
      }
      indexIfLarge();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The subject's name, or null for an unknown face. */
  public String name(String faceId) {
    return read(() -> byId.containsKey(faceId) ? byId.get(faceId).name : null);
  }

  public int photos(String faceId) {
    return read(() -> byId.containsKey(faceId) ? byId.get(faceId).photos : 0);
  }

  public int size() {
    return read(rows::size);
  }

  /** The {@code k} faces most like the probe (each by its best photo), best first. */
  public List<Match> top(float[] probe, int k) {
    return read(() -> index != null && rows.unindexed() <= rows.size() / 2 && rows.unindexed() < rows.size()
        ? nearest(probe, k) : scanned(probe, k));
  }

  /** What {@link #top} answers by the full scan, index or not: the exact answer, to measure the index against. */
  public List<Match> exactTop(float[] probe, int k) {
    return read(() -> scanned(probe, k));
  }

  /** The best score of the probe against one face's photos; NaN for an unknown face. */
  public float score(String faceId, float[] probe) {
    return read(() -> byId.containsKey(faceId) ? rows.bestOf(byId.get(faceId).slot, probe) : Float.NaN);
  }

  // Candidates from the graph, scored exactly, and the rows it lacks; a face with several photos may fill several.
  private List<Match> nearest(float[] probe, int k) {
    Map<Integer, Float> best = new HashMap<>();
    for (long id : index.nearest(probe, Math.max(candidates, 4 * k))) {
      rows.score(id, probe, best);
    }
    rows.scoreUnindexed(probe, best);
    List<Match> top = new ArrayList<>(k + 1);
    best.forEach((slot, score) -> offer(top, k, slot, score));
    return top;
  }

  private List<Match> scanned(float[] probe, int k) {
    float[] best = rows.bestPerFace(probe, faces.size());
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

  private <T> T read(Supplier<T> query) {
    lock.readLock().lock();
    try {
      return query.get();
    } finally {
      lock.readLock().unlock();
    }
  }
}
