package org.ezshop.identity.gallery;

import com.spotify.voyager.jni.Index.SpaceType;
import com.spotify.voyager.jni.Index.StorageDataType;
import com.spotify.voyager.jni.Index;

/**
 * An HNSW graph over a large gallery's embeddings, keyed by embedding id: Spotify's Voyager, which is hnswlib's
 * C++ core with SIMD distances. Not thread-safe for changes; {@link Gallery} guards it with its lock.
 */
final class GalleryIndex implements AutoCloseable {

  // Denser than hnswlib's usual 16 and 100: at 100,000 synthetic faces M 32 and efConstruction 200 found the face
  // 0.998 of the time at ef 20 against 0.926, for 2.8 times the build (load-tests/RESULTS.md).
  private static final long M = 32;
  private static final long EF_CONSTRUCTION = 200;
  private static final int THREADS = Runtime.getRuntime().availableProcessors();

  private final Index index;

  GalleryIndex(int dimensions, int capacity) {
    index = new Index(SpaceType.InnerProduct, dimensions, M, EF_CONSTRUCTION, 42, Math.max(capacity, 1024),
        StorageDataType.Float32);
  }

  void add(float[][] vectors, long[] ids) {
    long needed = index.getNumElements() + ids.length;
    if (needed > index.getMaxElements()) {
      index.resizeIndex(Math.max(needed, index.getMaxElements() * 2));
    }
    index.addItems(vectors, ids, THREADS);
  }

  void remove(long id) {
    index.markDeleted(id);
  }

  /** The ids of the (about) {@code k} nearest embeddings by inner product, nearest first. */
  long[] nearest(float[] probe, int k) {
    return index.query(probe, k, k).getLabels();
  }

  @Override
  public void close() {
    try {
      index.close();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
