package org.ezshop.identity.gallery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.LongConsumer;

/**
 * The gallery's embeddings as rows of one flat float array, each with its id, its face's slot and whether the
 * index holds it, and the exact scores over them. Not thread-safe: {@link Gallery} guards it with its lock.
 */
final class Embeddings {

  private static final int ROWS_PER_PART = 16384;
  private static final int PARTS = Runtime.getRuntime().availableProcessors();

  private final int dimensions;
  private float[] vectors;
  private long[] ids;
  private int[] faces;
  private boolean[] indexed;
  private int rows;
  private int unindexed;
  private final Map<Long, Integer> rowOf = new HashMap<>();

  /** Rows taken for the index: their vectors and ids. */
  record Batch(float[][] vectors, long[] ids) {
  }

  Embeddings(int dimensions) {
    this.dimensions = dimensions;
    clear(1024);
  }

  int size() {
    return rows;
  }

  /** Rows the index does not hold. */
  int unindexed() {
    return unindexed;
  }

  boolean has(long id) {
    return rowOf.containsKey(id);
  }

  /** Empties the rows, with room for {@code capacity} at once, so that a million are not copied at each doubling. */
  void clear(int capacity) {
    rows = 0;
    unindexed = 0;
    rowOf.clear();
    if (ids == null || capacity > ids.length) {
      vectors = null; // the old rows are garbage before the new arrays are made
      grow(capacity);
    }
  }

  private void grow(int capacity) {
    vectors = vectors == null ? new float[capacity * dimensions] : Arrays.copyOf(vectors, capacity * dimensions);
    ids = ids == null ? new long[capacity] : Arrays.copyOf(ids, capacity);
    faces = faces == null ? new int[capacity] : Arrays.copyOf(faces, capacity);
    indexed = indexed == null ? new boolean[capacity] : Arrays.copyOf(indexed, capacity);
  }

  void add(long id, int face, float[] embedding, boolean inIndex) {
    if (rows == ids.length) {
      grow(rows * 2);
    }
    System.arraycopy(embedding, 0, vectors, rows * dimensions, dimensions);
    ids[rows] = id;
    faces[rows] = face;
    indexed[rows] = inIndex;
    unindexed += inIndex ? 0 : 1;
    rowOf.put(id, rows++);
  }

  /** Removes every row of a face, handing the ids the index held to {@code fromIndex}; how many went. */
  int removeFace(int face, LongConsumer fromIndex) {
    int removed = 0;
    for (int r = rows - 1; r >= 0; r--) {
      if (faces[r] == face) {
        rowOf.remove(ids[r]);
        if (indexed[r]) {
          fromIndex.accept(ids[r]);
        } else {
          unindexed--;
        }
        int last = --rows;
        if (r != last) { // the last row fills the hole
          System.arraycopy(vectors, last * dimensions, vectors, r * dimensions, dimensions);
          ids[r] = ids[last];
          faces[r] = faces[last];
          indexed[r] = indexed[last];
          rowOf.put(ids[r], r);
        }
        removed++;
      }
    }
    return removed;
  }

  /** Marks the rows whose ids are in {@code held} (sorted) as indexed; the ids of the others, in row order. */
  long[] markHeld(long[] held) {
    long[] missing = new long[rows];
    unindexed = 0;
    for (int r = 0; r < rows; r++) {
      indexed[r] = Arrays.binarySearch(held, ids[r]) >= 0;
      if (!indexed[r]) {
        missing[unindexed++] = ids[r];
      }
    }
    return Arrays.copyOf(missing, unindexed);
  }

  /** The rows of these ids still here and not indexed, now marked as indexed. */
  Batch takeForIndex(long[] wanted, int from, int to) {
    List<Integer> taken = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      Integer r = rowOf.get(wanted[i]);
      if (r != null && !indexed[r]) {
        taken.add(r);
      }
    }
    float[][] vs = new float[taken.size()][];
    long[] batch = new long[taken.size()];
    for (int i = 0; i < vs.length; i++) {
      int r = taken.get(i);
      vs[i] = Arrays.copyOfRange(vectors, r * dimensions, (r + 1) * dimensions);
      batch[i] = ids[r];
      indexed[r] = true;
    }
    unindexed -= batch.length;
    return new Batch(vs, batch);
  }

  /** The highest id the index holds; Long.MIN_VALUE if none. */
  long lastIndexed() {
    long last = Long.MIN_VALUE;
    for (int r = 0; r < rows; r++) {
      if (indexed[r]) {
        last = Math.max(last, ids[r]);
      }
    }
    return last;
  }

  /** Merges into {@code best} (by face slot) the probe's score against the row with this id, if it is here. */
  void score(long id, float[] probe, Map<Integer, Float> best) {
    Integer r = rowOf.get(id);
    if (r != null) {
      best.merge(faces[r], dot(vectors, r * dimensions, probe), Math::max);
    }
  }

  /** Merges into {@code best} the probe's scores against every row the index does not hold. */
  void scoreUnindexed(float[] probe, Map<Integer, Float> best) {
    for (int r = 0; r < rows && unindexed > 0; r++) {
      if (!indexed[r]) {
        best.merge(faces[r], dot(vectors, r * dimensions, probe), Math::max);
      }
    }
  }

  /** The probe's best score against one face's rows; -1 when it has none. */
  float bestOf(int face, float[] probe) {
    float best = -1;
    for (int r = 0; r < rows; r++) {
      if (faces[r] == face) {
        best = Math.max(best, dot(vectors, r * dimensions, probe));
      }
    }
    return best;
  }

  // A large gallery is scanned in parts on the common pool as well as here: one core alone takes ~20 ms at 100k.
  /** Each face slot's best score against the probe, by the full scan; -infinity for a slot with no rows. */
  float[] bestPerFace(float[] probe, int slots) {
    int parts = Math.max(1, Math.min(PARTS, rows / ROWS_PER_PART));
    List<ForkJoinTask<float[]>> helpers = new ArrayList<>();
    for (int p = 1; p < parts; p++) {
      int from = rows * p / parts;
      int to = rows * (p + 1) / parts;
      helpers.add(ForkJoinPool.commonPool().submit(() -> scan(probe, slots, from, to)));
    }
    float[] best = scan(probe, slots, 0, rows / parts);
    for (ForkJoinTask<float[]> helper : helpers) {
      float[] other = helper.join();
      for (int i = 0; i < best.length; i++) {
        best[i] = Math.max(best[i], other[i]);
      }
    }
    return best;
  }

  private float[] scan(float[] probe, int slots, int from, int to) {
    float[] best = new float[slots];
    Arrays.fill(best, Float.NEGATIVE_INFINITY);
    for (int r = from; r < to; r++) {
      float s = dot(vectors, r * dimensions, probe);
      int slot = faces[r];
      if (s > best[slot]) {
        best[slot] = s;
      }
    }
    return best;
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
