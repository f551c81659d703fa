package org.ezshop.camera.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The frames a camera captured in its last {@code spanMillis} of capture time, sent or not, at most
 * {@code maxBytes} of them: what it answers when the gateway asks for a span it missed (a restart, a lost link).
 * Not thread-safe: its camera guards it.
 */
public final class FrameRing {

  private final long spanMillis;
  private final long maxBytes;
  private final Deque<CapturedFrame> frames = new ArrayDeque<>();
  private long bytes;

  public FrameRing(long spanMillis, long maxBytes) {
    this.spanMillis = spanMillis;
    this.maxBytes = maxBytes;
  }

  public void add(CapturedFrame frame) {
    if (spanMillis <= 0) {
      return;
    }
    frames.addLast(frame);
    bytes += frame.jpeg().length;
    while (!frames.isEmpty() && (frames.peekFirst().capturedAtMillis() < frame.capturedAtMillis() - spanMillis
        || bytes > maxBytes)) {
      bytes -= frames.removeFirst().jpeg().length;
    }
  }

  /** The frames captured from {@code from} to {@code to} (device time, inclusive), oldest first. */
  public List<CapturedFrame> between(long from, long to) {
    List<CapturedFrame> span = new ArrayList<>();
    for (CapturedFrame frame : frames) {
      if (frame.capturedAtMillis() >= from && frame.capturedAtMillis() <= to) {
        span.add(frame);
      }
    }
    return span;
  }
}
