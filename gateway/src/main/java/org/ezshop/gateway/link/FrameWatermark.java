package org.ezshop.gateway.link;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * How far in capture time (gateway time) a device's frames are all in and identified: the newest frame done, held
 * back by any frame still being identified; while the device is linked and says it has sent its whole backlog,
 * nearly now. Not thread-safe: its {@link DeviceLink} guards it.
 */
final class FrameWatermark {

  /**
   * What a linked, caught-up device may have captured and not yet sent: its agent thread and the store's network,
   * milliseconds each; identification is not in it (frames being identified hold the mark back themselves).
   */
  static final long SLACK_MILLIS = 250;

  private final TreeMap<Long, Integer> inFlight = new TreeMap<>();
  private final Map<Long, Long> capturedBySeq = new HashMap<>();
  private long newestDone = Long.MIN_VALUE;
  private boolean caughtUp;

  void started(long seq, long capturedAt) {
    capturedBySeq.put(seq, capturedAt);
    inFlight.merge(capturedAt, 1, Integer::sum);
  }

  void done(long seq) {
    Long capturedAt = capturedBySeq.remove(seq);
    if (capturedAt != null) {
      inFlight.computeIfPresent(capturedAt, (at, n) -> n == 1 ? null : n - 1);
      newestDone = Math.max(newestDone, capturedAt);
    }
  }

  /**
   * From the device's probe replies; false on a new or lost stream until it says otherwise. Whatever it captured
   * while caught up has been sent: that much stays in when it falls behind.
   */
  void caughtUp(boolean sentAll, long nowMillis) {
    if (caughtUp && !sentAll) {
      newestDone = Math.max(newestDone, nowMillis - SLACK_MILLIS);
    }
    caughtUp = sentAll;
  }

  long at(long nowMillis) {
    long mark = caughtUp ? Math.max(newestDone, nowMillis - SLACK_MILLIS) : newestDone;
    return inFlight.isEmpty() ? mark : Math.min(mark, inFlight.firstKey() - 1);
  }
}
