package org.ezshop.gateway.shelf;

/**
 * A noisy estimate of how many items sit on a row, to a stable whole count: a new level counts only after it
 * has held for {@code stableMillis} of capture time, and only when the estimate is clearly past the rounding
 * boundary (hysteresis), so jitter, single spikes and a hovering hand change nothing. It also keeps the onset:
 * when the signal last left the level it holds (a hand reaching in), which is when a change really began.
 */
final class LevelTracker {

  /** More than a full row by this much is something in front of the items (a hand in the beam), not a count. */
  private static final double OVERFULL = 0.25;
  /** Samples in a row back at the old level that end a departure (one alone is noise within a reach). */
  private static final int BACK_AT_LEVEL = 2;
  /** A departure longer than this before the new level is an obstruction, not a reach: date from the level. */
  static final long MAX_REACH_MILLIS = 5000;

  private final long stableMillis;
  private final double hysteresis;
  private final int capacity;
  private int level = -1;
  private int candidate = -1;
  private long candidateSince;
  private long candidateOrigin;
  private long leftAt = -1;
  private int atLevelRun;
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

  /**
   * Takes one estimate (NaN while the signal is unsettled or obstructed) of the sample taken at {@code at};
   * {@code origin} is when the signal's filter places what the estimate shows. Returns the new stable level
   * when this sample establishes one that differs from the last, else -1.
   */
  int offer(long at, long origin, double estimate) {
    boolean valid = !Double.isNaN(estimate) && estimate >= -0.5 && (capacity <= 0 || estimate <= capacity + OVERFULL);
    if (level >= 0) { // with no level yet, nothing is departed from: a first level dates from its own start
      trackOnset(origin, valid && Math.abs(estimate - level) < 0.5 + hysteresis);
    }
    if (!valid) {
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

  /**
   * The sensor could not take a sample: a new level must hold anew after it. Without this, samples of a hand on
   * either side of a run of dropouts would count as a level held all along.
   */
  void gap() {
    candidate = -1;
  }

  private void trackOnset(long origin, boolean atLevel) {
    if (atLevel) {
      if (++atLevelRun >= BACK_AT_LEVEL) {
        leftAt = -1;
      }
    } else {
      atLevelRun = 0;
      if (leftAt < 0) {
        leftAt = origin;
      }
    }
  }

  /** When the change to the current level began: the signal leaving the old level, or the new level's start. */
  long onset() {
    long onset = leftAt >= 0 && leftAt <= candidateOrigin ? leftAt : candidateOrigin;
    return Math.max(onset, candidateOrigin - MAX_REACH_MILLIS);
  }

  /** After a change is taken: the new level is the one departures are measured from. */
  void settled() {
    leftAt = -1;
    atLevelRun = BACK_AT_LEVEL;
  }

  /** 1 when the estimate sits on a whole count, down to 0.5 halfway between two. */
  double confidence() {
    return Math.max(0.5, 1 - Math.abs(lastEstimate - Math.round(lastEstimate)));
  }
}
