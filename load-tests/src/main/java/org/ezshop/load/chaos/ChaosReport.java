package org.ezshop.load.chaos;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The two passes side by side: faults, the timeline, the invariants, and the scores. */
public final class ChaosReport {

  private final ChaosSettings settings;
  final ChaosRun.Result clean;
  final ChaosRun.Result faulted;

  ChaosReport(ChaosSettings settings, ChaosRun.Result clean, ChaosRun.Result faulted) {
    this.settings = settings;
    this.clean = clean;
    this.faulted = faulted;
  }

  public double cleanF1() {
    return clean.score().f1();
  }

  public double faultedF1() {
    return faulted.score().f1();
  }

  /** The kinds of fault carried out without error, as "target: what". */
  public List<String> faultsDone() {
    return faulted.faults().stream().filter(d -> d.error() == null)
        .map(d -> d.fault().target() + ": " + d.fault().kind().what).distinct().toList();
  }

  /** Every invariant of both passes held, every fault was carried out, and the scores agree. */
  public boolean held() {
    return clean.held() && faulted.held() && scoresAgree();
  }

  /** The invariants that did not hold, "pass: name: evidence". */
  public List<String> broken() {
    List<String> broken = new ArrayList<>();
    for (ChaosRun.Result r : List.of(clean, faulted)) {
      r.checks().stream().filter(c -> !c.held()).forEach(c -> broken.add(r.name() + ": " + c.name() + ": "
          + c.detail()));
      r.faults().stream().filter(d -> d.error() != null).forEach(d -> broken.add(r.name() + ": fault " + d.fault()
          + " failed: " + d.error()));
    }
    if (!scoresAgree()) {
      broken.add(String.format("faulted F1 %.3f is more than %.2f from the clean %.3f", faultedF1(),
          Chaos.SCORE_TOLERANCE, cleanF1()));
    }
    return broken;
  }

  private boolean scoresAgree() {
    return Math.abs(faultedF1() - cleanF1()) <= Chaos.SCORE_TOLERANCE;
  }

  String summary() {
    StringBuilder s = new StringBuilder();
    s.append(String.format("chaos: clean F1 %.3f (%d of %d exact), faulted F1 %.3f (%d of %d exact), %d faults: %s%n",
        cleanF1(), clean.score().exact(), clean.score().shoppers(), faultedF1(), faulted.score().exact(),
        faulted.score().shoppers(), faulted.faults().size(), held() ? "every invariant held" : "BROKEN"));
    for (ChaosRun.Result r : List.of(clean, faulted)) {
      r.checks().forEach(c -> s.append(String.format("  %-7s %s %s (%s)%n", r.name(), c.held() ? "ok  " : "FAIL",
          c.name(), c.detail())));
    }
    broken().stream().filter(b -> b.startsWith("faulted F1")).forEach(b -> s.append("  ").append(b).append('\n'));
    return s.toString();
  }

  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("chaos-report.json"), json().encodePrettily());
    Files.writeString(dir.resolve("chaos-report.html"), ChaosPage.html(this, settings));
  }

  JsonObject json() {
    return new JsonObject().put("profile", settings.profile()).put("seed", settings.seed())
        .put("sim", new JsonObject().put("seed", settings.sim().seed()).put("shoppers", settings.sim().shoppers())
            .put("rows", settings.sim().rows()).put("minutes", settings.sim().minutes())
            .put("speed", settings.sim().speed()))
        .put("held", held()).put("broken", new JsonArray(broken()))
        .put("clean", pass(clean)).put("faulted", pass(faulted));
  }

  private static JsonObject pass(ChaosRun.Result r) {
    JsonArray faults = new JsonArray();
    r.faults().forEach(d -> faults.add(new JsonObject().put("at_ms", d.startedMillis()).put("took_ms", d.tookMillis())
        .put("kind", d.fault().kind().name().toLowerCase()).put("target", d.fault().target())
        .put("error", d.error())));
    JsonArray checks = new JsonArray();
    r.checks().forEach(c -> checks.add(new JsonObject().put("invariant", c.name()).put("held", c.held())
        .put("detail", c.detail())));
    JsonArray samples = new JsonArray();
    r.samples().forEach(s -> samples.add(new JsonArray().add(s.atMillis()).add(s.links()).add(s.waiting())
        .add(s.waitingForCameras())));
    return new JsonObject().put("f1", r.score().f1()).put("precision", r.score().precision())
        .put("recall", r.score().recall()).put("exact", r.score().exact()).put("shoppers", r.score().shoppers())
        .put("changes", r.score().changes()).put("reviews", r.score().reviews())
        .put("strangers_charged", r.score().decisions().strangersCharged())
        .put("faults", faults).put("invariants", checks)
        .put("timeline", new JsonObject().put("columns", new JsonArray().add("at_ms").add("links").add("waiting")
            .add("waiting_for_cameras")).put("samples", samples));
  }
}
