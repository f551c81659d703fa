package org.ezshop.load.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.ezshop.common.v1.Calibration;
import org.ezshop.common.v1.SensorType;

/**
 * The store and every visit in it, drawn from the seed: the ground truth. Times are real milliseconds from the
 * start. Person i (shoppers first, then strangers) arrives, visits 2 to 5 rows (looking, sometimes hovering,
 * picking one or two, sometimes putting one back), and leaves. A row changes at most once per {@link #ROW_SETTLE}
 * so the sensor can settle in between, except when two people take from it at once.
 */
final class Plan {

  static final long LEAD_IN = 3000; // devices connect, clocks sync, every row reports its first level
  static final long ROW_SETTLE = 3000;
  static final long EXIT_AFTER_CHANGE = 5000; // the last decision (window + lateness + a margin) before the exit
  private static final SensorType[] TYPES = {SensorType.SENSOR_TYPE_ULTRASONIC, SensorType.SENSOR_TYPE_WEIGHT,
      SensorType.SENSOR_TYPE_ULTRASONIC, SensorType.SENSOR_TYPE_WEIGHT, SensorType.SENSOR_TYPE_LIGHT};
  private static final String[] GOODS = {"Cola", "Crisps", "Apples", "Water", "Coffee", "Oat bar", "Yoghurt",
      "Bread", "Cheese", "Tea", "Juice", "Rice", "Pasta", "Soup", "Chocolate", "Nuts", "Milk", "Eggs", "Honey", "Jam"};

  /** A row; its camera covers {@code bands} rows, this one in band {@code band} (left to right) of its frame. */
  record Row(int index, String rowId, String sku, String name, long priceMinor, SensorType type, String sensorId,
      String piId, String cameraId, int band, int bands, Calibration calibration) {
    int capacity() {
      return calibration.getCapacity();
    }
  }

  /** Items onto (+) or off (−) a row by a person. */
  record Change(long at, int row, int delta, int person) {
  }

  /** A hand on a row from {@code from} to {@code to}; {@code press} is the load it adds, in items' weight. */
  record Hand(int row, long from, long to, int person, double press) {
  }

  /** A camera capture: who is in view; {@code near} are drawn largest (reaching for the shelf). */
  record Shot(long at, String cameraId, List<Integer> faces, Set<Integer> near) {
  }

  record Visit(int person, int row, long from, long to) {
  }

  /** A person's face hidden from a camera (an arm and the shelf in the way during a long reach). */
  record Hidden(int person, String cameraId, long from, long to) {
  }

  final List<Row> rows = new ArrayList<>();
  final List<Change> changes = new ArrayList<>();
  final List<Hand> hands = new ArrayList<>();
  final List<Shot> shots = new ArrayList<>();
  final List<Visit> visits = new ArrayList<>();
  final List<Hidden> hidden = new ArrayList<>();
  /** Each shelf camera's time between frames while someone is at its rows. */
  final Map<String, Long> framePeriod = new LinkedHashMap<>();
  final long[] enterAt;
  final long[] exitAt;
  final int shoppers;
  long end;
  /** What every id begins with: "sim", or the store's id in a chain (ids are unique across a chain). */
  final String prefix;
  private final SimSettings s;
  private final Random random;
  private int[] stock;
  private long[] rowFree;

  private Plan(SimSettings s, Random random, String prefix) {
    this.s = s;
    this.prefix = prefix;
    this.random = random;
    this.shoppers = s.shoppers();
    enterAt = new long[s.people()];
    exitAt = new long[s.people()];
  }

  String entranceCamera() {
    return prefix + "-entrance";
  }

  String exitCamera() {
    return prefix + "-exit";
  }

  boolean isDoor(String cameraId) {
    return cameraId.equals(entranceCamera()) || cameraId.equals(exitCamera());
  }

  static Plan draw(SimSettings s, Random random, String prefix) {
    Plan plan = new Plan(s, random, prefix);
    plan.layOut();
    plan.stock = plan.rows.stream().mapToInt(Row::capacity).toArray();
    plan.rowFree = new long[s.rows()];
    java.util.Arrays.fill(plan.rowFree, -ROW_SETTLE);
    long span = Math.round(s.minutes() * 60_000 * 0.5);
    for (int i = 0; i < s.people(); i++) {
      plan.enterAt[i] = LEAD_IN + (i == 0 ? 0 : s.real(random.nextDouble() * span)); // the first waits at the door
    }
    Integer[] byArrival = new Integer[s.people()];
    for (int i = 0; i < byArrival.length; i++) {
      byArrival[i] = i;
    }
    java.util.Arrays.sort(byArrival, Comparator.comparingLong(i -> plan.enterAt[i]));
    for (int i : byArrival) {
      plan.walk(i);
    }
    List<Shot> framed = Frames.fill(plan, s.missedFace(), random);
    plan.shots.clear();
    plan.shots.addAll(framed);
    plan.changes.sort(Comparator.comparingLong(Change::at));
    return plan;
  }

  private void layOut() {
    int group = 0;
    for (int r = 0; r < s.rows(); group++) {
      int size = s.rowsPerCamera() == 1 ? 1 : Math.min(s.rows() - r, 2 + group % (s.rowsPerCamera() - 1));
      for (int band = 0; band < size; band++, r++) {
        SensorType type = TYPES[r % TYPES.length];
        Calibration.Builder c = Calibration.newBuilder();
        switch (type) {
          case SENSOR_TYPE_ULTRASONIC -> c.setEmptyDistanceMm(600).setItemDepthMm(60).setCapacity(8);
          case SENSOR_TYPE_WEIGHT -> c.setTareG(400).setUnitWeightG(250 + 10 * (r % 7)).setCapacity(10);
          default -> c.setCapacity(1);
        }
        String name = GOODS[r % GOODS.length] + (r < GOODS.length ? "" : " " + (r / GOODS.length + 1));
        rows.add(new Row(r, prefix + "-row-" + r, prefix + "-sku-" + r, name, 99 + 50L * random.nextInt(20), type,
            prefix + "-row-" + r + "-" + type.name().substring(12).toLowerCase(), prefix + "-pi-" + r / 8,
            prefix + "-cam-" + (s.rowsPerCamera() == 1 ? r : group), band, size, c.build()));
        // Drawn only where the knob asks for it, so a store without it is the one the simulator always drew.
        double fps = s.fps() <= 1 ? 1 : Math.max(1, s.fps() / 2) + random.nextDouble() * (s.fps() - Math.max(1, s.fps() / 2));
        framePeriod.putIfAbsent(rows.get(r).cameraId(), Math.round(1000 / fps));
      }
    }
  }

  /** Person i's visit: rows, looks, picks, put-backs; and what their neighbours do meanwhile. */
  private void walk(int i) {
    long t = enterAt[i] + Math.max(2000, s.real(walk(random)));
    long last = t;
    List<Integer> order = new ArrayList<>();
    for (int r = 0; r < s.rows(); r++) {
      order.add(r);
    }
    java.util.Collections.shuffle(order, random);
    // A stranger is in for one or two rows (recordings A and B: 4 picks by 2 strangers); a shopper for 2 to 5.
    int visiting = i >= shoppers ? 1 + random.nextInt(2) : 2 + random.nextInt(4);
    for (int r : order.subList(0, i == 0 ? 2 : visiting)) { // the first to arrive is in for a quick errand
      long at = t;
      shots.add(new Shot(at, rows.get(r).cameraId(), List.of(i), Set.of(i)));
      long reach = Math.max(at + Math.max(1000, s.real(2000 + random.nextInt(20_000))), rowFree[r] + ROW_SETTLE);
      if (random.nextDouble() < s.hover()) {
        long hover = Math.max(at + 300, rowFree[r] + ROW_SETTLE / 2);
        hand(r, hover, i);
        reach = Math.max(reach, hover + ROW_SETTLE);
      }
      if (stock[r] > 0) {
        int taken = stock[r] >= 2 && rows.get(r).capacity() > 1 && random.nextDouble() < s.pickTwo() ? 2 : 1;
        last = Math.max(reach, act(reach, r, -taken, i)); // a long reach keeps them at the shelf past the take
        if (stock[r] > 0 && random.nextDouble() < s.sharedPick()) {
          int other = free(i, reach);
          if (other >= 0) { // someone else takes one from the same row at the same moment, seen as they step back
            act(reach + random.nextInt(101), r, -1, other, s.fps() > 1 ? 500 + random.nextInt(700) : -1);
            visits.add(new Visit(other, r, reach - 2000, reach + 1000));
          }
        }
        if (random.nextDouble() < s.neighbours()) {
          neighbour(i, r, reach);
        }
        if (random.nextDouble() < s.putBack()) {
          last = Math.max(last, reach + ROW_SETTLE + 500);
          act(last, r, 1, i);
        }
        rowFree[r] = Math.max(rowFree[r], last);
      } else {
        last = Math.max(last, reach); // looked at an empty row
      }
      visits.add(new Visit(i, r, at, last + 1000));
      t = last + 1000 + Math.max(1500, s.real(walk(random)));
    }
    exitAt[i] = Math.max(t, last + EXIT_AFTER_CHANGE);
    for (int k = 0; k < 3; k++) { // a door camera fires several times as someone walks past
      shots.add(new Shot(enterAt[i] + 400L * k, entranceCamera(), List.of(i), Set.of(i)));
      shots.add(new Shot(exitAt[i] + 400L * k, exitCamera(), List.of(i), Set.of(i)));
    }
    end = Math.max(end, exitAt[i] + 1200);
  }

  /** Someone already in store and idle reaches at a row next to {@code row}, under the same camera, within 1 s. */
  private void neighbour(int picker, int row, long at) {
    Row picked = rows.get(row);
    int next = picked.band() + 1 < picked.bands() ? row + 1 : picked.band() > 0 ? row - 1 : -1;
    int other = free(picker, at);
    long when = at + random.nextInt(2001) - 1000;
    if (next < 0 || other < 0 || rowFree[next] + ROW_SETTLE > when - 1000) {
      return;
    }
    if (stock[next] > 0) {
      act(when, next, -1, other);
      rowFree[next] = when;
    } else {
      hand(next, when, other);
    }
    visits.add(new Visit(other, next, when - 2000, when + 1000));
  }

  /** A person in store, not busy around {@code at}, and staying long enough for a decision; −1 if none. */
  private int free(int not, long at) {
    List<Integer> idle = new ArrayList<>();
    for (int person = 0; person < exitAt.length; person++) {
      int j = person;
      long around = at;
      if (j != not && exitAt[j] > at + EXIT_AFTER_CHANGE + 1000 && enterAt[j] < at - 3000 && visits.stream()
          .noneMatch(v -> v.person() == j && v.from() < around + 3000 && v.to() > around - 3000)) {
        idle.add(j);
      }
    }
    return idle.isEmpty() ? -1 : idle.get(random.nextInt(idle.size()));
  }

  private Hand hand(int row, long at, int person) {
    return hand(row, at, person, 350 + (s.handMillis() > 350 ? random.nextInt((int) (s.handMillis() - 349)) : 0));
  }

  private Hand hand(int row, long at, int person, long length) {
    return onShelf(row, at - length * 5 / 7, at + length * 2 / 7, person);
  }

  /** A reach of 1.5 to 3 s that takes the item early on, then goes on (rummaging, choosing). */
  private Hand longHand(int row, long at, int person) {
    return onShelf(row, at - 400, at - 400 + 1500 + random.nextInt(1501), person);
  }

  private Hand onShelf(int row, long from, long to, int person) {
    double press = rows.get(row).type() == SensorType.SENSOR_TYPE_WEIGHT && random.nextDouble() < s.press()
        ? 1 + 2 * random.nextDouble() : 0.3 + 0.6 * random.nextDouble();
    Hand hand = new Hand(row, from, to, person, press);
    hands.add(hand);
    return hand;
  }

  private long act(long at, int row, int delta, int person) {
    return act(at, row, delta, person, -1);
  }

  /**
   * A change by a person; {@code seenAfter} ≥ 0: their face is caught only that long after the take. Returns when
   * they are done at the shelf: the take, or the hand leaving it after a long reach.
   */
  private long act(long at, int row, int delta, int person, long seenAfter) {
    changes.add(new Change(at, row, delta, person));
    stock[row] += delta;
    String camera = rows.get(row).cameraId();
    boolean longReach = seenAfter < 0 && delta < 0 && s.longReach() > 0 && random.nextDouble() < s.longReach();
    Hand hand = longReach ? longHand(row, at, person) : hand(row, at, person);
    long hiddenFrom = longReach ? hand.to() - 700 - random.nextInt(401) : 0;
    if (longReach) { // seen reaching in, then their arm and the shelf hide the face for the last second or so
      hidden.add(new Hidden(person, camera, hiddenFrom, hand.to() + 300));
    }
    if (delta < 0 && s.bystander() > 0 && random.nextDouble() < s.bystander()) {
      bystander(row, hand.from(), person);
    }
    List<Integer> faces = new ArrayList<>(List.of(person));
    if (random.nextDouble() < s.together()) {
      int other = random.nextInt(enterAt.length);
      if (other != person && enterAt[other] < at - 2000 && (exitAt[other] == 0 || exitAt[other] > at)) {
        faces.add(other); // standing beside the picker, a little further from the camera
      }
    }
    long jitter = Math.max(-300, Math.min(300, Math.round(random.nextGaussian() * 120)));
    long seen = longReach ? hiddenFrom - 100 - random.nextInt(400) : seenAfter >= 0 ? at + seenAfter : at + jitter;
    shots.add(new Shot(seen, camera, faces, Set.of(person)));
    return longReach ? hand.to() : at;
  }

  /** Someone idle stands behind the picker at the row, seen right at the reach's onset, farther from the shelf. */
  private void bystander(int row, long onset, int picker) {
    int other = free(picker, onset);
    if (other >= 0) {
      visits.add(new Visit(other, row, onset - 1200, onset + 800));
      shots.add(new Shot(onset + random.nextInt(301) - 150, rows.get(row).cameraId(), List.of(other), Set.of()));
    }
  }

  private static double walk(Random random) {
    return 10_000 + random.nextInt(30_000);
  }

  /** The row a person stands at, at a time, under a camera; −1 if none. */
  int rowOf(int person, String cameraId, long at) {
    for (Visit v : visits) {
      if (v.person() == person && v.from() <= at && at <= v.to() && rows.get(v.row()).cameraId().equals(cameraId)) {
        return v.row();
      }
    }
    return -1;
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

  /** The hand on the row at a time, or null. */
  Hand hand(int row, long at) {
    for (Hand h : hands) {
      if (h.row() == row && at >= h.from() && at <= h.to()) {
        return h;
      }
    }
    return null;
  }

  /** What each shopper (not the strangers) really took home: SKU to quantity, by shopper. */
  List<Map<String, Integer>> truth() {
    List<Map<String, Integer>> taken = new ArrayList<>();
    for (int i = 0; i < shoppers; i++) {
      taken.add(new LinkedHashMap<>());
    }
    for (Change c : changes) {
      if (c.person() < shoppers) {
        taken.get(c.person()).merge(rows.get(c.row()).sku(), -c.delta(), Integer::sum);
      }
    }
    taken.forEach(m -> m.values().removeIf(q -> q == 0));
    return taken;
  }
}
