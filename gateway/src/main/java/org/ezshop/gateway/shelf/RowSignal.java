package org.ezshop.gateway.shelf;

import org.ezshop.common.v1.Calibration;
import org.ezshop.common.v1.SensorType;

/** One sensor's samples to an estimated item count, by the sensor's physics and the row's calibration. */
abstract class RowSignal {

  final LevelTracker tracker;
  /** The last sample as the filter sees it, in the sensor's unit (mm, g, or 1 dark); NaN before the first. */
  double filtered = Double.NaN;

  RowSignal(LevelTracker tracker) {
    this.tracker = tracker;
  }

  /** The estimate after this sample, NaN while it cannot be trusted. Dropouts never reach here (see LevelTracker.gap). */
  abstract double estimate(long at, double value);

  /** When what the last estimate shows happened: filters look back, so a change is dated where it began. */
  long origin(long at) {
    return at;
  }

  /** A zero point learnt from the signal since it was last asked for, when it moved enough to keep; else NaN. */
  double learntToKeep() {
    return Double.NaN;
  }

  /** Resumes from a zero point an earlier run learnt (NaN: none). */
  void resume(double learnt) {
  }

  static RowSignal of(SensorType type, Calibration c, long stableMillis) {
    LevelTracker tracker = new LevelTracker(stableMillis, 0.2, type == SensorType.SENSOR_TYPE_LIGHT ? 1 : c.getCapacity());
    switch (type) {
      case SENSOR_TYPE_ULTRASONIC:
        return new Ultrasonic(tracker, c.getEmptyDistanceMm(), c.getItemDepthMm());
      case SENSOR_TYPE_WEIGHT:
        return new Weight(tracker, c.getTareG(), c.getUnitWeightG());
      case SENSOR_TYPE_LIGHT:
        return new Light(tracker);
      default:
        throw new IllegalArgumentException("no signal processing for sensor type " + type);
    }
  }

  /** The rear rangefinder sees the nearest item: count = (empty − distance) / depth, median of the last 5. */
  static final class Ultrasonic extends RowSignal {
    private final float empty;
    private final float depth;
    private final SampleWindow window = new SampleWindow(5);
    private final double[] sorted = new double[5];

    Ultrasonic(LevelTracker tracker, float empty, float depth) {
      super(tracker);
      this.empty = empty;
      this.depth = depth;
    }

    @Override
    double estimate(long at, double distance) {
      window.add(at, distance);
      int filled = window.filled();
      for (int i = 0; i < filled; i++) { // insertion sort of at most five: no allocation per reading
        double v = window.values[i];
        int j = i;
        while (j > 0 && sorted[j - 1] > v) {
          sorted[j] = sorted[j - 1];
          j--;
        }
        sorted[j] = v;
      }
      filtered = sorted[filled / 2];
      return (empty - filtered) / depth;
    }

    // A median of five follows a step two samples late.
    @Override
    long origin(long at) {
      return window.timeBack(window.filled() / 2);
    }
  }

  /**
   * Dark while the item covers the slot: present (1) or not (0). A hand darkens the gate as an item does, so an
   * empty slot's going dark counts only once it has outlasted a reach: a hand hovering over it is no put-back.
   */
  static final class Light extends RowSignal {
    /** The longest a hand stays at a row: the hard store's reaches last 350 ms to 1 s (see RESULTS.md). */
    static final long REACH_MILLIS = 1000;
    private long darkSince = -1;

    Light(LevelTracker tracker) {
      super(tracker);
    }

    @Override
    double estimate(long at, double dark) {
      filtered = dark;
      if (dark < 0.5) {
        darkSince = -1;
        return dark;
      }
      if (darkSince < 0) {
        darkSince = at;
      }
      return tracker.level() == 1 || at - darkSince >= REACH_MILLIS ? dark : Double.NaN;
    }

    @Override
    long origin(long at) {
      return darkSince < 0 ? at : darkSince;
    }
  }

  /**
   * A load cell: count = (weight − tare) / unit, but only while the last samples are still (a pick is a burst
   * of variance between two still spells). While still at an unchanged count, the tare follows slow drift; what
   * it learnt is kept (in steps of {@link #KEEP_STEP} of a unit), so a restart does not misread a drifted cell.
   */
  static final class Weight extends RowSignal {
    static final double KEEP_STEP = 0.05;
    private final float unit;
    private double tare;
    private double keptTare;
    private long burstStart = -1;
    private boolean still;
    private final SampleWindow window = new SampleWindow(8);

    Weight(LevelTracker tracker, float tare, float unit) {
      super(tracker);
      this.tare = tare;
      this.keptTare = tare;
      this.unit = unit;
    }

    @Override
    double estimate(long at, double grams) {
      window.add(at, grams);
      int filled = window.filled();
      double mean = 0;
      for (int i = 0; i < filled; i++) {
        mean += window.values[i];
      }
      mean /= filled;
      filtered = mean;
      double var = 0;
      for (int i = 0; i < filled; i++) {
        var += (window.values[i] - mean) * (window.values[i] - mean);
      }
      double sd = Math.sqrt(var / filled);
      if (!window.full()) {
        return Double.NaN; // filling after a start: no hand yet
      }
      int level = tracker.level();
      if (sd > Math.max(2, 0.1 * unit)) {
        if (burstStart < 0 || level < 0 && still) {
          burstStart = at; // a hand on the row: the change, if any, began here (with no level yet, the latest hand)
        }
        still = false;
        return Double.NaN;
      }
      still = true;
      double estimate = (mean - tare) / unit;
      if (level >= 0 && Math.round(estimate) == level) {
        burstStart = -1;
        tare += 0.05 * (mean - (tare + level * unit)); // re-tare while still
      }
      return estimate;
    }

    @Override
    long origin(long at) {
      return burstStart < 0 ? at : burstStart;
    }

    @Override
    double learntToKeep() {
      if (Math.abs(tare - keptTare) < KEEP_STEP * unit) {
        return Double.NaN;
      }
      keptTare = tare;
      return tare;
    }

    @Override
    void resume(double learnt) {
      if (!Double.isNaN(learnt)) {
        tare = learnt;
        keptTare = learnt;
      }
    }
  }
}
