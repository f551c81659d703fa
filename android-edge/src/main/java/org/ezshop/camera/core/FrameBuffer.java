package org.ezshop.camera.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * What a camera has to send and the gateway has not acked, in memory: a phone has no business writing camera
 * frames to flash. Bounded by frame count and bytes; when full, the oldest frames go first. Losses are reported
 * in band: the next item after a loss is a notice carrying the exact count, with its own sequence number, kept
 * and resent like a frame until acked (notices never count against the bound and never get dropped).
 * Not thread-safe: the agent's one thread owns it.
 */
public final class FrameBuffer {

  /** A buffered frame or loss notice, with its sequence number. */
  public static final class Entry {
    public final long seq;
    /** The frame; null for a notice. */
    public final CapturedFrame frame;
    /** For a notice: how many frames were dropped. */
    public final long droppedFrames;

    Entry(long seq, CapturedFrame frame, long droppedFrames) {
      this.seq = seq;
      this.frame = frame;
      this.droppedFrames = droppedFrames;
    }

    long bytes() {
      return frame == null ? 0 : frame.jpeg().length;
    }
  }

  private final int maxFrames;
  private final long maxBytes;
  private final Deque<Entry> entries = new ArrayDeque<>();
  private int frames;
  private long bytes;
  private long nextSeq;
  private long acked;

  /** @param firstSeq the sequence number the first item gets (one past what the gateway acked before) */
  public FrameBuffer(int maxFrames, long maxBytes, long firstSeq) {
    if (maxFrames < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("the buffer must hold at least one frame");
    }
    this.maxFrames = maxFrames;
    this.maxBytes = maxBytes;
    this.nextSeq = firstSeq;
    this.acked = firstSeq - 1;
  }

  /** Adds a frame, dropping the oldest frames if it would not fit; returns its sequence number. */
  public long add(CapturedFrame frame) {
    long size = frame.jpeg().length;
    if (size > maxBytes) {
      throw new IllegalArgumentException("a frame of " + size + " bytes is larger than the whole buffer");
    }
    long dropped = 0;
    while (frames >= maxFrames || bytes + size > maxBytes) {
      dropped += dropOldestFrame();
    }
    if (dropped > 0) {
      entries.addLast(new Entry(nextSeq++, null, dropped));
    }
    long seq = nextSeq++;
    entries.addLast(new Entry(seq, frame, 0));
    frames++;
    bytes += size;
    return seq;
  }

  // The oldest frame goes; notices stay where they are, with their own numbers, until acked.
  private long dropOldestFrame() {
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      Entry entry = it.next();
      if (entry.frame != null) {
        it.remove();
        frames--;
        bytes -= entry.bytes();
        return 1;
      }
    }
    throw new IllegalStateException("no frame to drop");
  }

  /** The gateway holds every item up to {@code seq}. */
  public void ack(long seq) {
    acked = Math.max(acked, Math.min(seq, nextSeq - 1));
    while (!entries.isEmpty() && entries.peekFirst().seq <= acked) {
      Entry done = entries.removeFirst();
      if (done.frame != null) {
        frames--;
        bytes -= done.bytes();
      }
    }
  }

  /** Items after {@code seq} not yet acked, oldest first: what to (re)send. */
  public List<Entry> after(long seq) {
    List<Entry> next = new ArrayList<>();
    for (Entry entry : entries) {
      if (entry.seq > seq && entry.seq > acked) {
        next.add(entry);
      }
    }
    return next;
  }

  public long acked() {
    return acked;
  }

  /** Frames held (notices not counted). */
  public int frames() {
    return frames;
  }
}
