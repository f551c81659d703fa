package org.ezshop.gateway.shelf;

/**
 * A noisy estimate of how many items sit on a row, to a stable whole count: a new level counts only after it
 * has held for {@code stableMillis} of capture time, and only when the estimate is clearly past the rounding
 * boundary (hysteresis), so jitter, single spikes and a hovering hand change nothing.
 */
final class LevelTracker {

  private final long stableMillis;
  private final double hysteresis;
  private final int capacity;
  private int level = -1;
  private int candidate = -1;
  private long candidateSince;
  private long candidateOrigin;
  private double lastEstimate;

  /** @param capacity most items the row holds; 0 for unknown */
  LevelTracker(long stableMillis, double hysteresis, int capacity) {
    this.stableMillis = stableMillis;
    this.hysteresis = hysteresis;
    this.capacity = capacity;
  }

  /** The stable level so far; -1 before the first. */
  int level() {
    return level;
  }

  /** Starts from a level known from elsewhere (the stock recorded before a restart). */
  void assume(int known) {
    level = known;
  }

  /**
   * Takes one estimate (NaN while the signal is unsettled or obstructed) of the sample taken at {@code at};
   * {@code origin} is when the signal's filter places what the estimate shows. Returns the new stable level
   * when this sample establishes one that differs from the last, else -1.
   */
  int offer(long at, long origin, double estimate) {
    if (Double.isNaN(estimate) || estimate < -0.5 || (capacity > 0 && estimate > capacity + 0.5)) {
      candidate = -1;
      return -1;
    }
    lastEstimate = estimate;
    int rounded = (int) Math.round(estimate);
    if (level >= 0 && rounded != level && Math.abs(estimate - level) < 0.5 + hysteresis) {
      rounded = level; // not far enough past the boundary to leave the current level
    }
    if (rounded != candidate) {
      candidate = rounded;
      candidateSince = at;
      candidateOrigin = origin;
      return -1;
    }
    if (candidate != level && at - candidateSince >= stableMillis) {
      level = candidate;
      return level;
    }
    return -1;
  }

  /** When the current level began: the time the change happened. */
  long changedAt() {
    return candidateOrigin;
  }

  /** 1 when the estimate sits on a whole count, down to 0.5 halfway between two. */
  double confidence() {
    return Math.max(0.5, 1 - Math.abs(lastEstimate - Math.round(lastEstimate)));
  }
}
