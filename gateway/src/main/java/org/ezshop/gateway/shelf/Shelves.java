package org.ezshop.gateway.shelf;

import java.util.HashMap;
import java.util.Map;
import org.ezshop.store.v1.ShelfRow;

/**
 * Every row's state: readings in, {@link ShelfChange}s out. Rows outlive device links, so a change made while
 * a device was away shows up when its first stable level after the reconnect differs ("level, not edge"); at
 * the first level after a gateway start, the row is compared with the stock store-svc recorded. Thread-safe:
 * links on every event loop feed it.
 */
public final class Shelves {

  private final long stableMillis;
  private final Map<String, RowSignal> signals = new HashMap<>();
  private ShelfLayout layout = ShelfLayout.empty();

  public Shelves(long stableMillis) {
    this.stableMillis = stableMillis;
  }

  /** A new layout: sensors whose row or calibration changed start afresh; the others keep their state. */
  public synchronized void layout(ShelfLayout next) {
    signals.keySet().removeIf(sensor -> {
      ShelfLayout.Placement before = layout.placement(sensor);
      ShelfLayout.Placement after = next.placement(sensor);
      return after == null || !after.equals(before);
    });
    layout = next;
  }

  public synchronized ShelfLayout layout() {
    return layout;
  }

  public synchronized ShelfLayout.Placement placement(String sensorId) {
    return layout.placement(sensorId);
  }

  /** One valid sample of a known sensor, in gateway time; the change it completes, or null. */
  public synchronized ShelfChange offer(String sensorId, long at, double value) {
    ShelfLayout.Placement placement = layout.placement(sensorId);
    RowSignal signal = signals.computeIfAbsent(sensorId, id -> RowSignal.of(placement.sensor().getType(),
        placement.row().getCalibration(), stableMillis));
    int before = signal.tracker.level();
    double estimate = signal.estimate(at, value);
    int level = signal.tracker.offer(at, signal.origin(at), estimate);
    if (level < 0) {
      return null;
    }
    ShelfRow row = placement.row();
    if (before < 0) {
      before = (int) layout.recordedLevel(row);
      if (before < 0 || before == level) {
        return null; // the first level is the baseline
      }
    }
    return new ShelfChange(row.getRowId(), row.getSku(), sensorId, level - before, level, signal.tracker.changedAt(),
        signal.tracker.confidence());
  }
}
