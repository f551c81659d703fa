package org.ezshop.pi.sensor;

import java.util.Arrays;
import java.util.OptionalDouble;

/** HC-SR04 arithmetic: an echo pulse's width to a distance, and the median of several pings. */
public final class EchoTiming {

  /** Speed of sound in dry air at 20 °C, in mm per nanosecond (343 m/s). */
  static final double MM_PER_NANO = 343.0e-6;

  private EchoTiming() {
  }

  /** Distance to the reflecting object: the pulse covers the way there and back. */
  public static double distanceMm(long echoNanos) {
    if (echoNanos < 0) {
      throw new IllegalArgumentException("echo width must be >= 0, not " + echoNanos);
    }
    return echoNanos * MM_PER_NANO / 2;
  }

  /**
   * The median of the pings that returned an echo (negative widths mark timeouts), so that one stray
   * reflection cannot move the sample; empty when fewer than half the pings returned: a dropout.
   */
  public static OptionalDouble medianDistanceMm(long... echoNanos) {
    long[] echoes = Arrays.stream(echoNanos).filter(n -> n >= 0).sorted().toArray();
    if (echoes.length == 0 || echoes.length * 2 < echoNanos.length) {
      return OptionalDouble.empty();
    }
    int mid = echoes.length / 2;
    double median = echoes.length % 2 == 1 ? echoes[mid] : (echoes[mid - 1] + echoes[mid]) / 2.0;
    return OptionalDouble.of(median * MM_PER_NANO / 2);
  }
}
