package org.ezshop.identity.gallery;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gallery's index as it is kept: reloaded from its saved file when there is one that fits, the rows it lacks
 * added in steps, and saved again as it changes. Not thread-safe: {@link Gallery} calls it under its write lock,
 * or its read lock to save.
 */
final class KeptIndex implements AutoCloseable {

  // Rows added per step: a step holds the gallery's lock about 0.3 s at 1,000,000 on 2 cores.
  private static final int STEP = 100;
  /** Changes to the index after which it is saved again (and it is saved whenever a build or catch-up ends). */
  static final int SAVE_EVERY = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(KeptIndex.class);

  private final GalleryIndex index;
  private final Optional<Path> file;
  private final Embeddings rows;
  private long started;
  // The ids the index lacked when its build (or catch-up) began, and how far it has got.
  private long[] missing = new long[0];
  private int at;
  private int changed;

  private KeptIndex(GalleryIndex index, Optional<Path> file, Embeddings rows) {
    this.index = index;
    this.file = file;
    this.rows = rows;
  }

  /** The index saved in {@code file} if it fits these settings, or an empty one; then {@link #cover}ed. */
  static KeptIndex open(int dimensions, Embeddings rows, Optional<Path> file) {
    long started = System.nanoTime();
    Optional<GalleryIndex.Saved> saved = file.flatMap(f -> GalleryIndex.load(f, dimensions));
    saved.ifPresent(s -> LOG.info("event=gallery_index_loaded file={} indexed={} last_enrolment_id={} seconds={}",
        file.get(), s.index().size(), s.lastId(), seconds(started)));
    KeptIndex kept = new KeptIndex(saved.map(GalleryIndex.Saved::index)
        .orElseGet(() -> GalleryIndex.empty(dimensions, rows.size() * 2)), file, rows);
    kept.cover();
    return kept;
  }

  /** Marks the rows the index holds, removes from it what the rows no longer have, and queues the rest. */
  void cover() {
    started = System.nanoTime();
    long[] held = index.ids();
    missing = rows.markHeld(held);
    at = 0;
    for (long id : held) {
      if (!rows.has(id) && index.remove(id)) {
        changed++;
      }
    }
    LOG.info("event=gallery_index_started embeddings={} held={} to_add={}", rows.size(), held.length, missing.length);
  }

  /** Adds the next rows it lacks; whether any remain queued. */
  boolean step() {
    int end = Math.min(missing.length, at + STEP);
    Embeddings.Batch batch = rows.takeForIndex(missing, at, end);
    index.add(batch.vectors(), batch.ids());
    changed += batch.ids().length;
    at = end;
    if (at < missing.length) {
      return true;
    }
    LOG.info("event=gallery_index_ready embeddings={} seconds={}", rows.size(), seconds(started));
    return false;
  }

  void add(long id, float[] embedding) {
    index.add(new float[][] {embedding}, new long[] {id});
    changed++;
  }

  void remove(long id) {
    index.remove(id);
    changed++;
  }

  /** Whether enough changed since the last save, with every row in, to save again. */
  boolean dueForSave() {
    return changed >= SAVE_EVERY && rows.unindexed() == 0;
  }

  /** Saves the index, if it has a file and changed since it was last saved. */
  void save() {
    if (file.isEmpty() || changed == 0) {
      return;
    }
    long saving = System.nanoTime();
    long lastId = rows.lastIndexed();
    try {
      index.save(file.get(), lastId);
      changed = 0;
      LOG.info("event=gallery_index_saved file={} indexed={} last_enrolment_id={} seconds={}", file.get(),
          index.size(), lastId, seconds(saving));
    } catch (IOException | RuntimeException e) {
      LOG.warn("event=gallery_index_save_failed file={} error={}", file.get(), e.getMessage());
    }
  }

  /** The ids of the (about) {@code k} nearest embeddings the index holds, nearest first. */
  long[] nearest(float[] probe, int k) {
    return index.nearest(probe, Math.min(rows.size() - rows.unindexed(), k));
  }

  private static long seconds(long since) {
    return (System.nanoTime() - since) / 1_000_000_000L;
  }

  @Override
  public void close() {
    index.close();
  }
}
