package org.ezshop.load.gen;

import java.util.concurrent.atomic.AtomicLongArray;

/** Readings sent and acked in each second of a run. */
final class LoadTimeline {

  private volatile long startNanos = Long.MAX_VALUE;
  private final AtomicLongArray sent;
  private final AtomicLongArray acked;

  LoadTimeline(int seconds) {
    this.sent = new AtomicLongArray(seconds + 30);
    this.acked = new AtomicLongArray(seconds + 30);
  }

  /** Second 0 begins at {@code nanos}; nothing before it counts. */
  void startAt(long nanos) {
    startNanos = nanos;
  }

  /** True for what was due in the measured run (not in the warm-up). */
  boolean measures(long dueNanos) {
    return dueNanos - startNanos >= 0;
  }

  void sent(long now, int readings) {
    add(sent, now, readings);
  }

  void acked(long now, int readings) {
    add(acked, now, readings);
  }

  private void add(AtomicLongArray to, long now, int readings) {
    long since = now - startNanos;
    int second = (int) (since / 1_000_000_000L);
    if (since >= 0 && second < to.length()) {
      to.addAndGet(second, readings);
    }
  }

  long sentIn(int second) {
    return sent.get(second);
  }

  long ackedIn(int second) {
    return acked.get(second);
  }
}
