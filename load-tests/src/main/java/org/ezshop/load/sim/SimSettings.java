package org.ezshop.load.sim;

import java.nio.file.Path;

/**
 * The simulated store and how hard it is. {@code minutes} of store time run in minutes / speed of real time: the
 * gaps between what shoppers do shrink, the physics of each act (a hand on the shelf, a sensor's samples, when a
 * camera captures) stays real time, because the gateway's thresholds are real time.
 *
 * @param pickTwo      chance that a pick takes two items at once
 * @param putBack      chance that a shopper puts one back after picking
 * @param together     chance that another shopper stands beside the picker, in the same frames
 * @param missedFace   chance that a camera misses a face in a frame
 * @param hover        chance of a hand on a row that takes nothing
 * @param clockSkewMillis devices' clocks are off by up to this much either way
 */
public record SimSettings(long seed, int shoppers, int rows, double minutes, double speed, double pickTwo,
    double putBack, double together, double missedFace, double hover, long clockSkewMillis, Path faces, Path out) {

  public SimSettings {
    if (shoppers < 1 || rows < 2 || !(minutes > 0) || !(speed > 0)) {
      throw new IllegalArgumentException("the simulation needs at least 1 shopper, 2 rows, and positive minutes and speed");
    }
    for (double p : new double[] {pickTwo, putBack, together, missedFace, hover}) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("simulation chances must be from 0 to 1, not " + p);
      }
    }
    if (clockSkewMillis < 0) {
      throw new IllegalArgumentException("clock skew must not be negative");
    }
  }

  /** Store time to real time. */
  long real(double storeMillis) {
    return Math.round(storeMillis / speed);
  }
}
