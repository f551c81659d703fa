package org.ezshop.load.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ezshop.common.v1.Calibration;
import org.ezshop.common.v1.SensorType;

/**
 * The store and every visit in it, drawn from the seed: the ground truth. Times are real milliseconds from the
 * start. Shopper i arrives, visits 2 to 5 rows (looking, sometimes hovering, picking one or two, sometimes putting
 * one back), and leaves. A row changes at most once per {@link #ROW_SETTLE} so the sensor can settle in between.
 */
final class Plan {

  static final long LEAD_IN = 3000; // devices connect, clocks sync, every row reports its first level
  static final long ROW_SETTLE = 3000;
  static final long EXIT_AFTER_CHANGE = 5000; // the last decision (window + a margin) before the exit camera
  static final long HAND_BEFORE = 250;
  static final long HAND_AFTER = 100;
  static final long PERIOD = 1000;
  private static final SensorType[] TYPES = {SensorType.SENSOR_TYPE_ULTRASONIC, SensorType.SENSOR_TYPE_WEIGHT,
      SensorType.SENSOR_TYPE_ULTRASONIC, SensorType.SENSOR_TYPE_WEIGHT, SensorType.SENSOR_TYPE_LIGHT};
  private static final String[] GOODS = {"Cola", "Crisps", "Apples", "Water", "Coffee", "Oat bar", "Yoghurt",
      "Bread", "Cheese", "Tea", "Juice", "Rice", "Pasta", "Soup", "Chocolate", "Nuts", "Milk", "Eggs", "Honey", "Jam"};

  record Row(int index, String rowId, String sku, String name, long priceMinor, SensorType type, String sensorId,
      String piId, String cameraId, Calibration calibration) {
    int capacity() {
      return calibration.getCapacity();
    }
  }

  /** Items onto (+) or off (−) a row by a shopper. */
  record Change(long at, int row, int delta, int shopper) {
  }

  /** A camera capture: who is in view; {@code nearest} is drawn largest (reaching for the shelf), or −1. */
  record Shot(long at, String cameraId, List<Integer> faces, int nearest) {
  }

  record Visit(int shopper, int row, long from, long to) {
  }

  final List<Row> rows = new ArrayList<>();
  final List<Change> changes = new ArrayList<>();
  final List<long[]> hands = new ArrayList<>(); // {row, at, shopper}: every hand on a row, with or without a change
  final List<Shot> shots = new ArrayList<>();
  final List<Visit> visits = new ArrayList<>();
  final long[] enterAt;
  final long[] exitAt;
  long end;

  private Plan(int shoppers) {
    enterAt = new long[shoppers];
    exitAt = new long[shoppers];
  }

  static String entranceCamera() {
    return "sim-entrance";
  }

  static String exitCamera() {
    return "sim-exit";
  }

  static Plan draw(SimSettings s, Random random) {
    Plan plan = new Plan(s.shoppers());
    for (int r = 0; r < s.rows(); r++) {
      SensorType type = TYPES[r % TYPES.length];
      Calibration.Builder c = Calibration.newBuilder();
      switch (type) {
        case SENSOR_TYPE_ULTRASONIC -> c.setEmptyDistanceMm(600).setItemDepthMm(60).setCapacity(8);
        case SENSOR_TYPE_WEIGHT -> c.setTareG(400).setUnitWeightG(250 + 10 * (r % 7)).setCapacity(10);
        default -> c.setCapacity(1);
      }
      String name = GOODS[r % GOODS.length] + (r < GOODS.length ? "" : " " + (r / GOODS.length + 1));
      plan.rows.add(new Row(r, "sim-row-" + r, "sim-sku-" + r, name, 99 + 50L * random.nextInt(20), type,
          "sim-row-" + r + "-" + type.name().substring(12).toLowerCase(), "sim-pi-" + r / 8, "sim-cam-" + r,
          c.build()));
    }
    int[] stock = plan.rows.stream().mapToInt(Row::capacity).toArray();
    long[] rowFree = new long[s.rows()];
    java.util.Arrays.fill(rowFree, -ROW_SETTLE);
    long span = Math.round(s.minutes() * 60_000 * 0.5);
    for (int i = 0; i < s.shoppers(); i++) {
      plan.enterAt[i] = LEAD_IN + (i == 0 ? 0 : s.real(random.nextDouble() * span)); // the first waits at the door
    }
    Integer[] byArrival = new Integer[s.shoppers()];
    for (int i = 0; i < byArrival.length; i++) {
      byArrival[i] = i;
    }
    java.util.Arrays.sort(byArrival, Comparator.comparingLong(i -> plan.enterAt[i]));
    for (int i : byArrival) {
      long t = plan.enterAt[i] + Math.max(2000, s.real(walk(random)));
      long last = t;
      List<Integer> rows = new ArrayList<>();
      for (int r = 0; r < s.rows(); r++) {
        rows.add(r);
      }
      java.util.Collections.shuffle(rows, random);
      int visiting = 2 + random.nextInt(4);
      for (int r : rows.subList(0, i == 0 ? 2 : visiting)) { // the first to arrive is in for a quick errand
        long at = t;
        plan.shots.add(new Shot(at, plan.rows.get(r).cameraId(), List.of(i), i));
        long reach = Math.max(at + Math.max(1000, s.real(2000 + random.nextInt(20_000))), rowFree[r] + ROW_SETTLE);
        if (random.nextDouble() < s.hover()) {
          long hover = Math.max(at + 300, rowFree[r] + ROW_SETTLE / 2);
          plan.hands.add(new long[] {r, hover, i});
          reach = Math.max(reach, hover + ROW_SETTLE);
        }
        if (stock[r] > 0) {
          int taken = stock[r] >= 2 && plan.rows.get(r).capacity() > 1 && random.nextDouble() < s.pickTwo() ? 2 : 1;
          plan.act(s, random, reach, r, -taken, i);
          stock[r] -= taken;
          last = reach;
          if (random.nextDouble() < s.putBack()) {
            last = reach + ROW_SETTLE + 500;
            plan.act(s, random, last, r, 1, i);
            stock[r] += 1;
          }
          rowFree[r] = last;
        } else {
          last = Math.max(last, reach); // looked at an empty row
        }
        plan.visits.add(new Visit(i, r, at, last + 1000));
        t = last + 1000 + Math.max(1500, s.real(walk(random)));
      }
      plan.exitAt[i] = Math.max(t, last + EXIT_AFTER_CHANGE);
      for (int k = 0; k < 3; k++) { // a door camera fires several times as someone walks past
        plan.shots.add(new Shot(plan.enterAt[i] + 400L * k, entranceCamera(), List.of(i), i));
        plan.shots.add(new Shot(plan.exitAt[i] + 400L * k, exitCamera(), List.of(i), i));
      }
      plan.end = Math.max(plan.end, plan.exitAt[i] + 1200);
    }
    plan.fillShots(s, random);
    return plan;
  }

  private void act(SimSettings s, Random random, long at, int row, int delta, int shopper) {
    changes.add(new Change(at, row, delta, shopper));
    hands.add(new long[] {row, at, shopper});
    List<Integer> faces = new ArrayList<>(List.of(shopper));
    if (random.nextDouble() < s.together()) {
      int other = random.nextInt(enterAt.length);
      if (other != shopper && enterAt[other] < at - 2000 && (exitAt[other] == 0 || exitAt[other] > at)) {
        faces.add(other); // standing beside the picker, a little further from the camera
      }
    }
    long jitter = Math.max(-300, Math.min(300, Math.round(random.nextGaussian() * 120)));
    shots.add(new Shot(at + jitter, rows.get(row).cameraId(), faces, shopper));
  }

  /**
   * A shelf camera also captures every {@link #PERIOD} while someone is at its row. Everyone at the row is in its
   * frames, the one with a hand on the shelf nearest (largest); a camera misses a face now and then.
   */
  private void fillShots(SimSettings s, Random random) {
    for (Visit v : visits) {
      for (long t = (v.from() / PERIOD + 1) * PERIOD; t <= v.to(); t += PERIOD) {
        long at = t;
        String camera = rows.get(v.row()).cameraId();
        if (shots.stream().noneMatch(shot -> shot.at() == at && shot.cameraId().equals(camera))) {
          shots.add(new Shot(at, camera, List.of(v.shopper()), -1));
        }
      }
    }
    List<Shot> filled = new ArrayList<>();
    for (Shot shot : shots) {
      List<Integer> inView = new ArrayList<>(shot.faces());
      for (Visit v : visits) {
        if (v.from() <= shot.at() && shot.at() <= v.to() && rows.get(v.row()).cameraId().equals(shot.cameraId())
            && !inView.contains(v.shopper())) {
          inView.add(v.shopper());
        }
      }
      int nearest = shot.nearest();
      for (long[] hand : hands) {
        if (rows.get((int) hand[0]).cameraId().equals(shot.cameraId()) && shot.at() >= hand[1] - 1000
            && shot.at() <= hand[1] + 500) {
          nearest = (int) hand[2];
        }
      }
      inView.removeIf(face -> random.nextDouble() < s.missedFace());
      if (!inView.isEmpty()) {
        filled.add(new Shot(shot.at(), shot.cameraId(), inView, inView.contains(nearest) ? nearest : -1));
      }
    }
    filled.sort(Comparator.comparingLong(Shot::at));
    shots.clear();
    shots.addAll(filled);
    changes.sort(Comparator.comparingLong(Change::at));
  }

  private static double walk(Random random) {
    return 10_000 + random.nextInt(30_000);
  }

  /** Items on the row at a time. */
  int level(int row, long at) {
    int level = rows.get(row).capacity();
    for (Change c : changes) {
      if (c.row() == row && c.at() <= at) {
        level += c.delta();
      }
    }
    return level;
  }

  /** True while a hand is on the row. */
  boolean hand(int row, long at) {
    for (long[] h : hands) {
      if (h[0] == row && at >= h[1] - HAND_BEFORE && at <= h[1] + HAND_AFTER) {
        return true;
      }
    }
    return false;
  }

  /** What each shopper really took home: SKU to quantity, by shopper. */
  List<Map<String, Integer>> truth() {
    List<Map<String, Integer>> taken = new ArrayList<>();
    for (int i = 0; i < enterAt.length; i++) {
      taken.add(new LinkedHashMap<>());
    }
    for (Change c : changes) {
      taken.get(c.shopper()).merge(rows.get(c.row()).sku(), -c.delta(), Integer::sum);
    }
    taken.forEach(m -> m.values().removeIf(q -> q == 0));
    return taken;
  }
}
