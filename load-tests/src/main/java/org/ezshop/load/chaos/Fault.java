package org.ezshop.load.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * One fault, {@code atMillis} after the store opens, lasting {@code millis} (a kill is restarted at once; its
 * duration is how long the process takes to come back). A kill before a pick has a pick due {@code millis} after
 * it, soon after the process is back.
 */
record Fault(long atMillis, Kind kind, String target, long millis) {

  enum Kind {
    KILL("kill -9 and restart"),
    KILL_BEFORE_PICK("kill -9 and restart, a pick due soon after its return"),
    PG_RESTART("PostgreSQL restart"),
    CUT("network cut"),
    STALL("network stall"),
    SLOW("slowed to 1 s per call");

    final String what;

    Kind(String what) {
      this.what = what;
    }
  }

  static final String STORE = "store-svc";
  static final String IDENTITY = "identity-svc";
  static final String GATEWAY = "gateway";
  static final String POSTGRES = "postgresql";
  static final String GATEWAY_TO_STORE = "gateway->store-svc";
  static final String DEVICES_TO_GATEWAY = "devices->gateway";

  /** Every fault the suite knows, once each. */
  static List<Fault> everyKind(long cutMillis) {
    return List.of(new Fault(0, Kind.KILL, STORE, 0), new Fault(0, Kind.KILL, IDENTITY, 0),
        new Fault(0, Kind.KILL, GATEWAY, 0), new Fault(0, Kind.PG_RESTART, POSTGRES, 0),
        new Fault(0, Kind.CUT, GATEWAY_TO_STORE, cutMillis), new Fault(0, Kind.STALL, GATEWAY_TO_STORE, cutMillis),
        new Fault(0, Kind.CUT, DEVICES_TO_GATEWAY, cutMillis), new Fault(0, Kind.STALL, DEVICES_TO_GATEWAY, cutMillis),
        new Fault(0, Kind.SLOW, IDENTITY, 2 * cutMillis));
  }

  /**
   * The short schedule: every kind once, in a seeded order, evenly from {@code fromMillis} to {@code toMillis}.
   * The long one: kinds drawn at random, one every {@code minGap}–{@code maxGap}, until {@code toMillis}.
   */
  static List<Fault> schedule(Random random, boolean everyOnce, long fromMillis, long toMillis, long minGap,
      long maxGap, long cutMillis) {
    if (toMillis < fromMillis) {
      return List.of();
    }
    List<Fault> kinds = new ArrayList<>(everyKind(cutMillis));
    List<Fault> faults = new ArrayList<>();
    if (everyOnce) {
      Collections.shuffle(kinds, random);
      long step = (toMillis - fromMillis) / Math.max(1, kinds.size() - 1);
      for (int i = 0; i < kinds.size(); i++) {
        faults.add(kinds.get(i).at(fromMillis + i * step));
      }
      return faults;
    }
    for (long at = fromMillis; at <= toMillis; at += minGap + (long) (random.nextDouble() * (maxGap - minGap))) {
      faults.add(kinds.get(random.nextInt(kinds.size())).at(at));
    }
    return faults;
  }

  private Fault at(long millis) {
    return new Fault(millis, kind, target, this.millis);
  }

  /**
   * The gateway killed {@code leadMillis} before a pick (from {@code picks}, in order) due at or after
   * {@code fromMillis + leadMillis}, drawn among the first few such; none when no pick is due by {@code toMillis}.
   */
  static List<Fault> gatewayKilledBeforeAPick(Random random, List<Long> picks, long fromMillis, long toMillis,
      long leadMillis) {
    List<Long> due = picks.stream().filter(p -> p >= fromMillis + leadMillis && p <= toMillis).limit(5).toList();
    if (due.isEmpty()) {
      return List.of();
    }
    long pick = due.get(random.nextInt(due.size()));
    return List.of(new Fault(pick - leadMillis, Kind.KILL_BEFORE_PICK, GATEWAY, leadMillis));
  }

  @Override
  public String toString() {
    if (kind == Kind.KILL_BEFORE_PICK) {
      return target + ": " + kind.what;
    }
    return target + ": " + kind.what + (millis > 0 && kind != Kind.KILL ? " for " + millis / 1000.0 + " s" : "");
  }
}
