package org.ezshop.gateway.shelf;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ezshop.store.v1.ShelfRow;

/**
 * Every row's state: readings in, {@link ShelfChange}s out. Rows outlive device links, so a change made while
 * a device was away shows up when its first stable level after the reconnect differs ("level, not edge"); at
 * the first level after a gateway start, the row is compared with its level as the gateway's state last kept it
 * ({@link RowLevels}), or else with the stock store-svc recorded. Thread-safe:
 * each sensor has its own lock (one device feeds it), and a new layout swaps the whole table at once.
 */
public final class Shelves {

  /** What a sensor's row shows now: its level (-1 until a first), the filtered value and when it was sampled. */
  public record State(int level, double filtered, long atMillis) {
  }

  /** One sensor's place and signal state. */
  public final class Slot {
    private final ShelfLayout.Placement placement;
    private final RowSignal signal;
    private final long recorded;
    private final boolean recalibrated;
    private long lastAt;

    private final List<RowView> views;

    private Slot(ShelfLayout.Placement placement, long recorded, boolean recalibrated) {
      this.recalibrated = recalibrated;
      this.placement = placement;
      this.views = List.copyOf(RowView.of(placement.row()));
      this.signal = RowSignal.of(placement.sensor().getType(), placement.row().getCalibration(), stableMillis);
      this.signal.resume(levels.learnt(placement.sensor().getSensorId(), tare()));
      this.recorded = recorded;
    }

    public ShelfLayout.Placement placement() {
      return placement;
    }

    private double tare() {
      return placement.row().getCalibration().getTareG();
    }

    /** A sample the sensor could not take, in gateway time: no level counts as held across it. */
    public synchronized void dropout() {
      signal.tracker.gap();
    }

    public synchronized State state() {
      return new State(signal.tracker.level(), signal.filtered, lastAt);
    }

    /** One valid sample, in gateway time; the change it completes, or null. */
    public synchronized ShelfChange offer(long at, double value) {
      int before = signal.tracker.level();
      lastAt = at;
      double estimate = signal.estimate(at, value);
      double learnt = signal.learntToKeep();
      if (!Double.isNaN(learnt)) {
        levels.learnt(placement.sensor().getSensorId(), tare(), learnt);
      }
      int level = signal.tracker.offer(at, signal.origin(at), estimate);
      if (level < 0) {
        return null;
      }
      long onset = signal.tracker.onset();
      signal.tracker.settled();
      if (before < 0 && recalibrated) {
        levels.baseline(placement.sensor().getSensorId(), level);
        return null; // what the manager did to calibrate the row is no sale, and the count before was mis-measured
      }
      if (before < 0) {
        int kept = levels.last(placement.sensor().getSensorId());
        before = kept >= 0 ? kept : (int) recorded;
        if (before < 0 || before == level) {
          return null; // the first level is the baseline
        }
      }
      ShelfRow row = placement.row();
      return new ShelfChange(row.getRowId(), row.getSku(), placement.sensor().getSensorId(), level - before, level,
          onset, at, signal.tracker.confidence(), views);
    }
  }

  private final long stableMillis;
  private final RowLevels levels;
  private volatile ShelfLayout layout = ShelfLayout.empty();
  private volatile Map<String, Slot> slots = Map.of();

  public Shelves(long stableMillis, RowLevels levels) {
    this.stableMillis = stableMillis;
    this.levels = levels;
  }

  /**
   * A new layout: sensors whose row changed start afresh, and the others keep their state. A row calibrated anew
   * takes its first level under the new calibration as its baseline.
   *
   * @return the devices whose sensors were added, moved, changed or removed: those whose config may differ
   */
  public synchronized Set<String> layout(ShelfLayout next) {
    Map<String, Slot> table = new HashMap<>();
    Set<String> changed = new HashSet<>();
    for (ShelfLayout.Placement placement : next.placements()) {
      String id = placement.sensor().getSensorId();
      Slot before = slots.get(id);
      boolean recalibrated = before != null && before.placement.row().getRowId().equals(placement.row().getRowId())
          && !before.placement.row().getCalibration().equals(placement.row().getCalibration());
      boolean same = before != null && before.placement.equals(placement);
      table.put(id, same ? before : new Slot(placement, next.recordedLevel(placement.row()), recalibrated));
      if (!same) {
        changed.add(placement.sensor().getDeviceId());
      }
    }
    slots.forEach((id, before) -> {
      if (table.get(id) != before) {
        changed.add(before.placement.sensor().getDeviceId());
      }
    });
    slots = table;
    layout = next;
    return changed;
  }

  public ShelfLayout layout() {
    return layout;
  }

  /** Every sensor's slot in the current layout. */
  public java.util.Collection<Slot> slots() {
    return slots.values();
  }

  /** The sensor's slot; null for a sensor not in the layout. */
  public Slot slot(String sensorId) {
    return slots.get(sensorId);
  }
}
