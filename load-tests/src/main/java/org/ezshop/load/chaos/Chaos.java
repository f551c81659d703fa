package org.ezshop.load.chaos;

import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ezshop.load.sim.StoreSimulator;

/**
 * `ezshop chaos`: the same simulated store twice through the platform as separate processes on PostgreSQL, once
 * clean and once under a seeded schedule of faults (kill -9 of each process, a PostgreSQL restart, cuts and stalls
 * between gateway and store-svc and between devices and gateway, identity-svc slowed), then the invariants of
 * each pass and the faulted score against the clean one, in a JSON and an HTML report.
 */
public final class Chaos {

  /** The faulted pass may score at most this much below or above the clean one. */
  static final double SCORE_TOLERANCE = 0.01;

  private Chaos() {
  }

  public static ChaosReport run(ChaosSettings settings, PrintStream out) throws Exception {
    if (settings.pgCluster().isEmpty()) {
      out.println("chaos: no local PostgreSQL cluster (EZSHOP_PG_CLUSTER): PostgreSQL restarts are left out");
    }
    out.printf("chaos: %s profile, seed %d (--chaos-seed %d runs this schedule again); a clean pass first%n",
        settings.profile(), settings.seed(), settings.seed());
    Vertx vertx = Vertx.vertx();
    try {
      ChaosRun.Result clean = new ChaosRun(settings, vertx, "clean").run(false, out);
      out.printf("chaos: clean: F1 %.3f%n", clean.score().f1());
      ChaosRun.Result faulted = new ChaosRun(settings, vertx, "faulted").run(true, out);
      ChaosReport report = new ChaosReport(settings, clean, faulted);
      report.write(settings.out());
      out.print(report.summary());
      out.println("chaos: report in " + settings.out().resolve("chaos-report.html") + " and chaos-report.json");
      return report;
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * The faults for a store as it opens: the short profile's every kind once, evenly to 65% (each over before the
   * next begins), then the gateway killed {@code leadMillis} before a pick; the long one's a kind drawn every
   * 20-60 s, the kill before a pick among them.
   */
  static List<Fault> schedule(ChaosSettings settings, StoreSimulator.Opened opened, long leadMillis) {
    Random random = new Random(settings.seed());
    long open = opened.millis();
    List<Fault> faults = new ArrayList<>();
    if (settings.everyFaultOnce()) {
      faults.addAll(Fault.schedule(random, true, 8_000, open * 65 / 100, 0, 0, 4_000));
      faults.addAll(Fault.gatewayKilledBeforeAPick(random, opened.picks(), open * 65 / 100 + 10_000, open - 2_000,
          leadMillis));
    } else {
      for (Fault f : Fault.schedule(random, false, 20_000, open - 60_000, 20_000, 60_000, 5_000)) {
        long after = faults.isEmpty() ? 0 : faults.get(faults.size() - 1).atMillis() + 15_000;
        if (f.atMillis() < after) {
          continue; // the kill before a pick before it moved on past this one
        }
        faults.addAll(f.kind() == Fault.Kind.KILL && f.target().equals(Fault.GATEWAY) && random.nextBoolean()
            ? Fault.gatewayKilledBeforeAPick(random, opened.picks(), f.atMillis(), open - 60_000, leadMillis)
            : List.of(f));
      }
    }
    if (settings.pgCluster().isEmpty()) {
      faults.removeIf(f -> f.kind() == Fault.Kind.PG_RESTART);
    }
    return faults;
  }
}
