package org.ezshop.edgelink;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter (half to all of the step), so that a store's devices do not reconnect in step. */
public final class Backoff {

  private final long baseMillis;
  private final long maxMillis;
  private int attempt;

  public Backoff(long baseMillis, long maxMillis) {
    this.baseMillis = baseMillis;
    this.maxMillis = maxMillis;
  }

  /** How long to wait before the next attempt. */
  public long nextDelayMillis() {
    long ceiling = Math.min(maxMillis, baseMillis << Math.min(attempt++, 20));
    return ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
  }

  /** A connection worked: start again from the base delay. */
  public void reset() {
    attempt = 0;
  }
}
