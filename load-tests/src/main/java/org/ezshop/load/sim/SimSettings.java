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
 * @param fps             shelf cameras capture at up to this many frames a second while someone is at their rows,
 *                        each camera at its own rate from half of it (at least 1)
 * @param longReach       chance that a reach is long (1.5 to 3 s), the reacher's face seen only at its start, then
 *                        hidden by their arm and the shelf
 * @param bystander       chance that someone else stands at the row, farther from the shelf, and is seen nearer the
 *                        onset in time than the picker
 * @param frameRingSeconds how much of what it sent each camera keeps, to send again when the gateway asks
 */
public record SimSettings(long seed, int shoppers, int rows, double minutes, double speed, double pickTwo,
    double putBack, double together, double missedFace, double hover, long clockSkewMillis, int strangers,
    double neighbours, double sharedPick, long handMillis, double press, int rowsPerCamera, double fps,
    double longReach, double bystander, double frameRingSeconds, Path faces, Path out) {

  /**
   * Each profile's value of the knobs that differ: {@code easy} is the store the simulator always had (a camera
   * per row, no strangers); {@code hard} is a busy store as independent recordings showed it.
   */
  public static final Map<String, Map<String, String>> PROFILES = Map.of(
      "easy", knobs("sim-missed-face", "0.03", "sim-clock-skew-ms", "5000", "sim-strangers", "0", "sim-neighbours",
          "0", "sim-shared-pick", "0", "sim-hand-ms", "350", "sim-press", "0", "sim-rows-per-camera", "1", "sim-fps", "1", "sim-long-reach", "0",
          "sim-bystander", "0"),
      "hard", knobs("sim-missed-face", "0.15", "sim-clock-skew-ms", "90000", "sim-strangers", "3", "sim-neighbours",
          "0.25", "sim-shared-pick", "0.1", "sim-hand-ms", "1000", "sim-press", "0.3", "sim-rows-per-camera", "3", "sim-fps", "3",
          "sim-long-reach", "0.15", "sim-bystander", "0.2"));

  private static Map<String, String> knobs(String... flagThenValue) {
    Map<String, String> knobs = new java.util.HashMap<>();
    for (int i = 0; i < flagThenValue.length; i += 2) {
      knobs.put(flagThenValue[i], flagThenValue[i + 1]);
    }
    return Map.copyOf(knobs);
  }

  public SimSettings {
    if (shoppers < 1 || rows < 2 || !(minutes > 0) || !(speed > 0)) {
      throw new IllegalArgumentException("the simulation needs at least 1 shopper, 2 rows, and positive minutes and speed");
    }
    for (double p : new double[] {pickTwo, putBack, together, missedFace, hover, neighbours, sharedPick, press,
        longReach, bystander}) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("simulation chances must be from 0 to 1, not " + p);
      }
    }
    if (clockSkewMillis < 0 || strangers < 0) {
      throw new IllegalArgumentException("clock skew and strangers must not be negative");
    }
    if (handMillis < 350 || rowsPerCamera < 1 || !(fps >= 1 && fps <= 10)) {
      throw new IllegalArgumentException("--sim-hand-ms must be at least 350, --sim-rows-per-camera at least 1 and "
          + "--sim-fps from 1 to 10");
    }
  }

  /** The same store, its truth written to {@code dir}. */
  public SimSettings withOut(Path dir) {
    return new SimSettings(seed, shoppers, rows, minutes, speed, pickTwo, putBack, together, missedFace, hover,
        clockSkewMillis, strangers, neighbours, sharedPick, handMillis, press, rowsPerCamera, fps, longReach, bystander,
        frameRingSeconds, faces, dir);
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
