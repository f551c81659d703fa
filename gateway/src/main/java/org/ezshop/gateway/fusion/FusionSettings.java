package org.ezshop.gateway.fusion;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How shelf changes are attributed.
 *
 * @param windowMillis  sightings within this of a change count (W); the decision waits until then at most
 * @param marginMillis  a runner-up this close in time to the winner makes the decision ambiguous
 * @param epsilonMillis decide at once when one shopper alone was seen this close to the change
 * @param dataDir       where pending changes are kept until decided; empty keeps them in memory only
 */
public record FusionSettings(long windowMillis, long marginMillis, long epsilonMillis, Optional<Path> dataDir) {

  public static final long DEFAULT_WINDOW_MILLIS = 2000;
  public static final long DEFAULT_MARGIN_MILLIS = 500;
  public static final long DEFAULT_EPSILON_MILLIS = 300;

  public static FusionSettings defaults(Optional<Path> dataDir) {
    return new FusionSettings(DEFAULT_WINDOW_MILLIS, DEFAULT_MARGIN_MILLIS, DEFAULT_EPSILON_MILLIS, dataDir);
  }
}
