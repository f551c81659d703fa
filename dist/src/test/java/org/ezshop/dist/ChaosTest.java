package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.ezshop.load.chaos.Chaos;
import org.ezshop.load.chaos.ChaosReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * `ezshop chaos --chaos-profile short` on the suite's PostgreSQL: store-svc, identity-svc and the gateway as
 * processes of their own, each fault once, and a clean pass of the same seed to hold the score against. The
 * schedule's seed is drawn at random each run and printed first: `ezshop chaos --chaos-seed N` runs a failed one
 * again.
 */
class ChaosTest {

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void everyFaultOnceLosesNothingChargesNothingTwiceAndScoresAsTheCleanRun() throws Exception {
    Path out = Path.of("target/chaos");
    Settings settings = Settings.parse(List.of("chaos", "--chaos-profile", "short", "--chaos-out", out.toString(),
        "--data-dir", "target/ezshop-data"), System.getenv());
    ChaosReport report = Chaos.run(settings.chaos(), System.out);
    assertEquals(Set.of("gateway: kill -9 and restart", "gateway: kill -9 and restart, a pick due soon after its return",
            "gateway->store-svc: network cut",
            "gateway->store-svc: network stall", "devices->gateway: network cut", "devices->gateway: network stall",
            "identity-svc: kill -9 and restart", "identity-svc: slowed to 1 s per call",
            "postgresql: PostgreSQL restart",
            "store-svc: kill -9 and restart"),
        Set.copyOf(report.faultsDone()), "every fault carried out");
    assertTrue(report.held(), String.join("\n", report.broken()));
    assertEquals(report.cleanF1(), report.faultedF1(), 1e-9, "the faulted pass scores as the clean one");
    JsonObject json = new JsonObject(Files.readString(out.resolve("chaos-report.json")));
    assertTrue(json.getBoolean("held"));
    assertTrue(json.getJsonObject("faulted").getJsonObject("timeline").getJsonArray("samples").size() > 30);
    assertTrue(Files.readString(out.resolve("chaos-report.html")).contains("<svg"));
  }
}
