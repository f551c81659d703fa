package org.ezshop.gateway.shelf;

/** The last few samples of one sensor, with their times, oldest overwritten first. */
final class SampleWindow {

  final double[] values;
  private final long[] times;
  private int filled;
  private int next;

  SampleWindow(int size) {
    values = new double[size];
    times = new long[size];
  }

  void add(long at, double value) {
    values[next] = value;
    times[next] = at;
    next = (next + 1) % values.length;
    filled = Math.min(filled + 1, values.length);
  }

  /** Samples held: the first {@code filled()} of {@link #values}, in no particular order. */
  int filled() {
    return filled;
  }

  boolean full() {
    return filled == values.length;
  }

  /** The time of the sample {@code back} places before the newest. */
  long timeBack(int back) {
    return times[Math.floorMod(next - 1 - back, values.length)];
  }
}
