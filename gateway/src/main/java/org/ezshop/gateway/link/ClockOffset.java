package org.ezshop.gateway.link;

/**
 * A device's clock offset from NTP-style probes on its stream: of the last few samples, the one with the
 * shortest round trip is trusted (queueing only ever adds delay). Before any probe, hello's rough guess.
 */
final class ClockOffset {

  private static final int SAMPLES = 8;
  private final long[] offsets = new long[SAMPLES];
  private final long[] delays = new long[SAMPLES];
  private int count;
  private int next;
  private long rough;

  /** From hello's device time: off by the one-way delay, which is fine until the first probe answers. */
  void rough(long deviceMillis, long gatewayMillis) {
    rough = deviceMillis - gatewayMillis;
  }

  /** t0 gateway send, t1 device receive, t2 device send, t3 gateway receive (all millis). */
  void sample(long t0, long t1, long t2, long t3) {
    long delay = (t3 - t0) - (t2 - t1);
    if (delay < 0) {
      return; // a device clock that jumped during the probe
    }
    offsets[next] = ((t1 - t0) + (t2 - t3)) / 2;
    delays[next] = delay;
    next = (next + 1) % SAMPLES;
    count = Math.min(count + 1, SAMPLES);
  }

  /** Probe answers kept (at most the last 8). */
  int samples() {
    return count;
  }

  /** Device clock minus gateway clock, in millis. */
  long offset() {
    if (count == 0) {
      return rough;
    }
    int best = 0;
    for (int i = 1; i < count; i++) {
      if (delays[i] < delays[best]) {
        best = i;
      }
    }
    return offsets[best];
  }
}
