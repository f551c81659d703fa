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
import org.junit.jupiter.api.Test;

/** `ezshop load --baseline`, small: both phases run, the picks reach the cart, and all three reports are written. */
class LoadCommandTest {

  @Test
  void aShortRunWritesTheReportsWithRatesLatenciesPicksAndTheRatio() throws Exception {
    Path out = Path.of("target/load-test");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Benchmarks.load(Settings.parse(List.of("load", "--load-devices", "20", "--load-hz", "10", "--load-batch", "5",
        "--load-seconds", "8", "--baseline", "--load-out", out.toString()), Map.of()),
        new PrintStream(printed, true, StandardCharsets.UTF_8));
    String text = printed.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    assertTrue(text.contains("[gateway 5/8 s]"), "progress while it runs");
    assertTrue(text.contains("ratio gateway / bare: achieved rate"), text);
    JsonObject json = new JsonObject(Files.readString(out.resolve("load.json")));
    assertEquals(2, json.getJsonArray("phases").size());
    for (int i = 0; i < 2; i++) {
      JsonObject phase = json.getJsonArray("phases").getJsonObject(i);
      assertEquals(1000.0, phase.getDouble("target_readings_per_s"));
      assertTrue(phase.getDouble("achieved_readings_per_s") > 900, phase.encode());
      assertTrue(phase.getJsonObject("latency_ms").getDouble("p99_9") >= phase.getJsonObject("latency_ms")
          .getDouble("p50"), phase.encode());
      assertEquals(8, phase.getJsonArray("per_second").size());
    }
    JsonObject picks = json.getJsonObject("picks");
    assertTrue(picks.getInteger("in_cart") >= 2, picks.encode());
    String html = Files.readString(out.resolve("load.html"));
    assertTrue(html.contains("<polyline") && html.contains("by percentile") && html.contains("per second"));
    assertTrue(Files.readString(out.resolve("load.txt")).contains("p99.9"));
  }

  @Test
  void devicesSpreadOverTwoGatewayProcessesAreMeasuredBesideTwoBareServersAndEachGatewaysHeapIsReported()
      throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Benchmarks.load(Settings.parse(List.of("load", "--load-devices", "20", "--load-hz", "10", "--load-batch", "5",
        "--load-seconds", "6", "--load-gateways", "2", "--baseline", "--load-out", "target/load-spread"), Map.of()),
        new PrintStream(printed, true, StandardCharsets.UTF_8));
    String text = printed.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    assertTrue(text.contains("over 2 gateway(s)"), text);
    for (int i = 0; i < 2; i++) {
      assertTrue(text.matches("(?s).*load: gateway-" + i + " heap in use \\d+ MB \\(of -Xmx1g\\).*"), text);
    }
    JsonObject json = new JsonObject(Files.readString(Path.of("target/load-spread/load.json")));
    for (int i = 0; i < 2; i++) {
      JsonObject phase = json.getJsonArray("phases").getJsonObject(i);
      assertTrue(phase.getDouble("achieved_readings_per_s") > 900, phase.encode()); // every device's batches acked
    }
    assertTrue(json.getJsonObject("picks").getInteger("in_cart") >= 1, "picks through the first gateway process");
  }

  @Test
  void aDeviceSendingTenTimesItsLimitIsCutWhileTheOthersAreMeasuredBesideIt() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Benchmarks.load(Settings.parse(List.of("load", "--load-devices", "10", "--load-hz", "10", "--load-batch", "5",
        "--load-seconds", "6", "--load-noisy", "10", "--device-messages-per-second", "20", "--load-out",
        "target/load-noisy"), Map.of()), new PrintStream(printed, true, StandardCharsets.UTF_8));
    String text = printed.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    assertTrue(text.contains("one device at 10x its limit (200 messages/s against 20)"), text);
    assertTrue(text.matches("(?s).*, [1-9][0-9]* streams ended by the gateway, the last: "
        + "Status\\{code=RESOURCE_EXHAUSTED, description=device '[^']+': at most 20 messages a second per device.*"),
        text);
    assertTrue(text.contains("ratio noisy / quiet for the other devices: p50 "), text);
    JsonObject json = new JsonObject(Files.readString(Path.of("target/load-noisy/load.json")));
    assertEquals(List.of("gateway", "noisy"), json.getJsonArray("phases").stream()
        .map(p -> ((JsonObject) p).getString("name")).toList());
  }
}
