package org.ezshop.camera.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Frames waiting for the gateway's ack, in memory: a phone has no business writing camera frames to flash.
 * Bounded by count and bytes; when full, the oldest frames go first and are counted, so that the agent can
 * report exactly how many were lost. Each frame gets the next sequence number when it is added.
 * Not thread-safe: the agent's one thread owns it.
 */
public final class FrameBuffer {

  /** A buffered frame and its sequence number. */
  public static final class Entry {
    public final long seq;
    public final CapturedFrame frame;

    Entry(long seq, CapturedFrame frame) {
      this.seq = seq;
      this.frame = frame;
    }
  }

  private final int maxFrames;
  private final long maxBytes;
  private final Deque<Entry> frames = new ArrayDeque<>();
  private long bytes;
  private long nextSeq;
  private long acked;
  private long dropped;

  /** @param firstSeq the sequence number the first frame gets (one past what the gateway acked before) */
  public FrameBuffer(int maxFrames, long maxBytes, long firstSeq) {
    if (maxFrames < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("the buffer must hold at least one frame");
    }
    this.maxFrames = maxFrames;
    this.maxBytes = maxBytes;
    this.nextSeq = firstSeq;
    this.acked = firstSeq - 1;
  }

  /** Adds a frame, dropping the oldest ones if it would not fit; returns its sequence number. */
  public long add(CapturedFrame frame) {
    long size = frame.jpeg().length;
    if (size > maxBytes) {
      throw new IllegalArgumentException("a frame of " + size + " bytes is larger than the whole buffer");
    }
    while (frames.size() >= maxFrames || bytes + size > maxBytes) {
      Entry oldest = frames.removeFirst();
      bytes -= oldest.frame.jpeg().length;
      acked = Math.max(acked, oldest.seq); // gone: never wait for its ack
      dropped++;
    }
    long seq = nextSeq++;
    frames.addLast(new Entry(seq, frame));
    bytes += size;
    return seq;
  }

  /** The gateway holds every frame up to {@code seq}. */
  public void ack(long seq) {
    acked = Math.max(acked, Math.min(seq, nextSeq - 1));
    while (!frames.isEmpty() && frames.peekFirst().seq <= acked) {
      bytes -= frames.removeFirst().frame.jpeg().length;
    }
  }

  /** Frames after {@code seq} not yet acked, oldest first: what to (re)send. */
  public List<Entry> after(long seq) {
    List<Entry> entries = new ArrayList<>();
    for (Entry entry : frames) {
      if (entry.seq > seq && entry.seq > acked) {
        entries.add(entry);
      }
    }
    return entries;
  }

  public long acked() {
    return acked;
  }

  /** Frames dropped since the last call; reset to 0. */
  public long takeDropped() {
    long count = dropped;
    dropped = 0;
    return count;
  }

  public int size() {
    return frames.size();
  }
}
