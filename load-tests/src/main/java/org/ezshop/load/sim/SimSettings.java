package org.ezshop.load.sim;

import java.nio.file.Path;
import java.util.Map;

/**
 * The simulated store and how hard it is. {@code minutes} of store time run in minutes / speed of real time: the
 * gaps between what shoppers do shrink, the physics of each act (a hand on the shelf, a sensor's samples, when a
 * camera captures) stays real time, because the gateway's thresholds are real time.
 *
 * @param pickTwo         chance that a pick takes two items at once
 * @param putBack         chance that a shopper puts one back after picking
 * @param together        chance that another shopper stands beside the picker, in the same frames
 * @param missedFace      chance that a camera misses a face in a frame
 * @param hover           chance of a hand on a row that takes nothing
 * @param clockSkewMillis devices' clocks are off by up to this much either way
 * @param strangers       people who are not enrolled, walk in and pick
 * @param neighbours      chance that, as someone picks, another person reaches at an adjacent row of the same
 *                        camera within 1 s
 * @param sharedPick      chance that a second person takes from the same row within 100 ms
 * @param handMillis      longest a hand stays in a row's beam around a reach (from 350 ms)
 * @param press           chance that a reach on a load cell presses down hard (1 to 3 items' weight)
 * @param rowsPerCamera   most rows one shelf camera covers (groups of 2 up to this; 1: a camera per row)
 */
public record SimSettings(long seed, int shoppers, int rows, double minutes, double speed, double pickTwo,
    double putBack, double together, double missedFace, double hover, long clockSkewMillis, int strangers,
    double neighbours, double sharedPick, long handMillis, double press, int rowsPerCamera, Path faces, Path out) {

  /**
   * Each profile's value of the knobs that differ: {@code easy} is the store the simulator always had (a camera
   * per row, no strangers); {@code hard} is a busy store as independent recordings showed it.
   */
  public static final Map<String, Map<String, String>> PROFILES = Map.of(
      "easy", Map.of("sim-missed-face", "0.03", "sim-clock-skew-ms", "5000", "sim-strangers", "0", "sim-neighbours",
          "0", "sim-shared-pick", "0", "sim-hand-ms", "350", "sim-press", "0", "sim-rows-per-camera", "1"),
      "hard", Map.of("sim-missed-face", "0.15", "sim-clock-skew-ms", "90000", "sim-strangers", "3", "sim-neighbours",
          "0.25", "sim-shared-pick", "0.05", "sim-hand-ms", "1000", "sim-press", "0.3", "sim-rows-per-camera", "3"));

  public SimSettings {
    if (shoppers < 1 || rows < 2 || !(minutes > 0) || !(speed > 0)) {
      throw new IllegalArgumentException("the simulation needs at least 1 shopper, 2 rows, and positive minutes and speed");
    }
    for (double p : new double[] {pickTwo, putBack, together, missedFace, hover, neighbours, sharedPick, press}) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("simulation chances must be from 0 to 1, not " + p);
      }
    }
    if (clockSkewMillis < 0 || strangers < 0) {
      throw new IllegalArgumentException("clock skew and strangers must not be negative");
    }
    if (handMillis < 350 || rowsPerCamera < 1) {
      throw new IllegalArgumentException("--sim-hand-ms must be at least 350 and --sim-rows-per-camera at least 1");
    }
  }

  /** The same store, its truth written to {@code dir}. */
  public SimSettings withOut(Path dir) {
    return new SimSettings(seed, shoppers, rows, minutes, speed, pickTwo, putBack, together, missedFace, hover,
        clockSkewMillis, strangers, neighbours, sharedPick, handMillis, press, rowsPerCamera, faces, dir);
  }

  /** Store time to real time. */
  long real(double storeMillis) {
    return Math.round(storeMillis / speed);
  }

  /** Everyone who walks in: shoppers first, then strangers. */
  int people() {
    return shoppers + strangers;
  }
}
