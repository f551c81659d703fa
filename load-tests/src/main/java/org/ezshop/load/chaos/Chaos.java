package org.ezshop.load.chaos;

import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

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
    out.printf("chaos: %s profile, seed %d; a clean pass first%n", settings.profile(), settings.seed());
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

  /** The faults for a store open {@code open} millis: the short profile's all within the first 70%. */
  static List<Fault> schedule(ChaosSettings settings, long open) {
    List<Fault> faults = settings.everyFaultOnce()
        ? Fault.schedule(new Random(settings.seed()), true, 8_000, open * 7 / 10, 0, 0, 4_000)
        : Fault.schedule(new Random(settings.seed()), false, 20_000, open - 60_000, 20_000, 60_000, 5_000);
    List<Fault> kept = new ArrayList<>(faults);
    if (settings.pgCluster().isEmpty()) {
      kept.removeIf(f -> f.kind() == Fault.Kind.PG_RESTART);
    }
    return kept;
  }
}
