package org.ezshop.identity.gallery;

import com.spotify.voyager.jni.Index.SpaceType;
import com.spotify.voyager.jni.Index.StorageDataType;
import com.spotify.voyager.jni.Index;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HNSW graph over a large gallery's embeddings, keyed by embedding id: Spotify's Voyager, which is hnswlib's
 * C++ core with SIMD distances. It only finds candidates; {@link Gallery} scores them against its exact float32
 * copy, so the graph keeps each vector in one byte a dimension (Float8: -1..1 in 255 steps; Voyager's E4M3 built
 * 25 times slower at 3,000 faces). Saved as a file and a properties file
 * beside it naming the settings and the last enrolment it covers. Not thread-safe for changes; {@link Gallery}
 * guards it with its lock.
 */
final class GalleryIndex implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GalleryIndex.class);
  // Denser than hnswlib's usual 16 and 100: at 100,000 synthetic faces M 32 and efConstruction 200 found the face
  // 0.998 of the time at ef 20 against 0.926, for 2.8 times the build (load-tests/RESULTS.md).
  private static final long M = 32;
  private static final long EF_CONSTRUCTION = 200;
  private static final StorageDataType STORAGE = StorageDataType.Float8;
  private static final int THREADS = Runtime.getRuntime().availableProcessors();

  private final Index index;

  private GalleryIndex(Index index) {
    this.index = index;
  }

  static GalleryIndex empty(int dimensions, int capacity) {
    return new GalleryIndex(new Index(SpaceType.InnerProduct, dimensions, M, EF_CONSTRUCTION, 42,
        Math.max(capacity, 1024), STORAGE));
  }

  /** An index and the last enrolment id it was saved with. */
  record Saved(GalleryIndex index, long lastId) {
  }

  /** The index saved at {@code file}, unless there is none or it was saved with other settings (logged). */
  static Optional<Saved> load(Path file, int dimensions) {
    Properties saved = new Properties();
    try (InputStream in = Files.newInputStream(about(file))) {
      saved.load(in);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.warn("event=gallery_index_unreadable file={} error={}", file, e.getMessage());
      return Optional.empty();
    }
    Map<String, String> now = settings(dimensions);
    for (Map.Entry<String, String> setting : now.entrySet()) {
      if (!setting.getValue().equals(saved.getProperty(setting.getKey()))) {
        LOG.info("event=gallery_index_discarded file={} reason=settings saved={} now={}", file, saved, now);
        return Optional.empty();
      }
    }
    Index index;
    try {
      index = Index.load(file.toString(), SpaceType.InnerProduct, dimensions, STORAGE);
    } catch (RuntimeException e) {
      LOG.warn("event=gallery_index_unreadable file={} error={}", file, e.getMessage());
      return Optional.empty();
    }
    long embeddings = Long.parseLong(saved.getProperty("embeddings", "-1"));
    if (index.getNumElements() != embeddings) { // a save cut short between its two files
      LOG.info("event=gallery_index_discarded file={} reason=count saved={} found={}", file, embeddings,
          index.getNumElements());
      new GalleryIndex(index).close();
      return Optional.empty();
    }
    return Optional.of(new Saved(new GalleryIndex(index), Long.parseLong(saved.getProperty("last_enrolment_id"))));
  }

  /** Writes the index and then its properties, each whole or not at all. */
  void save(Path file, long lastId) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path graph = file.resolveSibling(file.getFileName() + ".tmp");
    Path properties = about(graph);
    index.saveIndex(graph.toString());
    Properties saved = new Properties();
    saved.putAll(settings(index.getNumDimensions()));
    saved.setProperty("last_enrolment_id", String.valueOf(lastId));
    saved.setProperty("embeddings", String.valueOf(index.getNumElements()));
    try (OutputStream out = Files.newOutputStream(properties)) {
      saved.store(out, "the face index beside it: settings, and the enrolments it covers");
    }
    Files.deleteIfExists(about(file)); // a crash from here to the last move leaves no index rather than a wrong one
    Files.move(graph, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Files.move(properties, about(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static Path about(Path file) {
    return file.resolveSibling(file.getFileName() + ".properties");
  }

  private static Map<String, String> settings(int dimensions) {
    return Map.of("format", "voyager-2", "space", "inner_product", "dimensions", String.valueOf(dimensions),
        "m", String.valueOf(M), "ef_construction", String.valueOf(EF_CONSTRUCTION), "storage", STORAGE.name());
  }

  /** Every id the index holds, removed ones included, sorted. */
  long[] ids() {
    long[] ids = index.getIDs();
    Arrays.sort(ids);
    return ids;
  }

  long size() {
    return index.getNumElements();
  }

  void add(float[][] vectors, long[] ids) {
    if (ids.length == 0) {
      return;
    }
    long needed = index.getNumElements() + ids.length;
    if (needed > index.getMaxElements()) {
      index.resizeIndex(Math.max(needed, index.getMaxElements() * 2));
    }
    index.addItems(vectors, ids, THREADS);
  }

  /**
   * Removes an id, overwriting its vector first so that a saved index keeps nothing of the face; false when it
   * was removed before (its id stays among {@link #ids}, so a reload may ask again).
   */
  boolean remove(long id) {
    float[] zero = new float[index.getNumDimensions()];
    try {
      index.getVector(id);
    } catch (RuntimeException removed) { // Voyager answers "not found" for an id marked deleted
      return false;
    }
    index.addItems(new float[][] {zero}, new long[] {id}, 1);
    index.markDeleted(id);
    return true;
  }

  /** The ids of the (about) {@code k} nearest embeddings by inner product, nearest first. */
  long[] nearest(float[] probe, int k) {
    return index.query(probe, k, k).getLabels();
  }

  @Override
  public void close() {
    try {
      index.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
