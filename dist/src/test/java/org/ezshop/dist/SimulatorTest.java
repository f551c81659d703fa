package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ezshop.load.sim.Score;
import org.ezshop.load.sim.StoreSimulator;
import org.junit.jupiter.api.Test;

/**
 * The acceptance run of the store simulator: 20 shoppers with real faces, 40 rows, 10 store minutes at 10x, seed
 * fixed, against `ezshop all` on the in-memory store. The thresholds are the ones load-tests/RESULTS.md agrees.
 */
class SimulatorTest {

  @Test
  void twentyShoppersFortyRowsTenMinutesScoreAtLeastTheAgreedThresholds() throws Exception {
    Path out = Path.of("target/sim-acceptance");
    Settings settings = Settings.parse(List.of("all", "--host", "127.0.0.1", "--gateway-port", "0", "--store-port",
        "0", "--identity-port", "0", "--metrics-port", "0", "--web-port", "0", "--manager-token", "sim-test-manager-token",
        "--sim-seed", "42", "--sim-shoppers", "20", "--sim-rows", "40", "--sim-minutes", "10", "--sim-speed", "10",
        "--sim-out", out.toString()), Map.of());
    Ezshop ezshop = Ezshop.start(settings, System.out);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try {
      long start = System.nanoTime();
      Score score = StoreSimulator.run(settings.simulation(false), "127.0.0.1:" + ezshop.ports().get("gateway"),
          "127.0.0.1:" + ezshop.ports().get("store-svc"), settings.managerToken(),
          new PrintStream(new TeeStream(log, System.out), true, StandardCharsets.UTF_8));
      System.out.printf("simulation took %.1f s%n", (System.nanoTime() - start) / 1e9);
      assertTrue(score.f1() >= 0.98, score.toString());
      assertTrue(score.exactRate() >= 0.85, score.toString());
      assertTrue(score.reviewFraction() <= 0.35, score.toString());
      assertTrue(log.toString(StandardCharsets.UTF_8).contains("score: line items precision"));
      JsonObject truth = new JsonObject(Files.readString(out.resolve("truth.json")));
      assertEquals(20, truth.getJsonArray("shoppers").size());
      assertEquals(score.changes(), truth.getJsonArray("changes").size());
    } finally {
      ezshop.stop();
    }
  }

  /** Keeps what the simulator prints and shows it in the test log too. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }
  }
}
