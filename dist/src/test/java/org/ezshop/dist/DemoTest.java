package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** `ezshop demo`: the platform and the simulated store, from start to its score, as the terminal shows it. */
class DemoTest {

  private static final Pattern RECEIPT = Pattern.compile("\\] (.+?) walks out; receipt: (.*) = (\\d+\\.\\d\\d) \\w+\\n");
  private static final Pattern LINE = Pattern.compile("(\\d+) x ([^,]+)");
  private static final Pattern F1 = Pattern.compile("score: line items precision [\\d.]+, recall [\\d.]+, F1 ([\\d.]+)");

  @Test
  void theDemoTellsTheStoryOfRightReceiptsFirstWithinSixtySecondsThenItsScore() throws Exception {
    CountDownLatch receipt = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    StringBuilder seen = new StringBuilder();
    PrintStream out = new PrintStream(new OutputStream() {
      @Override
      public synchronized void write(int b) {
        System.out.write(b);
        seen.append((char) b);
        if (b == '\n' && seen.indexOf("walks out; receipt: ") >= 0) {
          receipt.countDown();
        }
        if (b == '\n' && seen.indexOf("simulate: ground truth and receipts in ") >= 0) {
          closed.countDown();
        }
      }
    }, true, StandardCharsets.UTF_8);
    long start = System.nanoTime();
    Settings settings = Settings.parse(List.of("demo", "--host", "127.0.0.1", "--gateway-port", "0", "--store-port",
        "0", "--identity-port", "0", "--metrics-port", "0", "--web-port", "0", "--web-redirect-port", "0", "--data-dir",
        "target/ezshop-data", "--sim-out", "target/demo"), Map.of());
    Ezshop demo = Ezshop.start(settings, out);
    try {
      demo.demo(settings, out);
      boolean reached = receipt.await(60_000_000_000L - (System.nanoTime() - start), TimeUnit.NANOSECONDS);
      System.out.printf("demo: first receipt %s after %.1f s%n", reached ? "printed" : "NOT printed",
          (System.nanoTime() - start) / 1e9);
      assertTrue(reached, seen.toString());
      assertTrue(closed.await(120, TimeUnit.SECONDS), "the demo store closes with its score: " + seen);
    } finally {
      demo.stop();
    }
    String story;
    synchronized (out) {
      story = seen.toString();
    }
    assertTrue(story.matches("(?s).*ezshop: demo: the store in \\S+store\\.yaml applied \\(52 created\\).*"),
        "the shipped examples/demo/store.yaml is the store the simulated shoppers walk into: " + story);
    Matcher f1 = F1.matcher(story);
    assertTrue(f1.find(), story);
    assertTrue(Double.parseDouble(f1.group(1)) >= 0.95, "the demo's easy store is charged right: " + f1.group());

    // Each receipt printed is the shopper's receipt in the store, and its lines add up to its total.
    JsonObject truth = new JsonObject(Files.readString(Path.of("target/demo/truth.json")));
    Map<String, JsonObject> byName = new HashMap<>();
    truth.getJsonArray("shoppers").forEach(s -> byName.put(((JsonObject) s).getString("name"), (JsonObject) s));
    Matcher printed = RECEIPT.matcher(story);
    int receipts = 0;
    int withItems = 0;
    while (printed.find()) {
      receipts++;
      JsonObject shopper = byName.get(printed.group(1));
      assertTrue(shopper != null, "a shopper the demo enrolled: " + printed.group());
      int quantity = 0;
      Matcher line = LINE.matcher(printed.group(2));
      while (line.find()) {
        quantity += Integer.parseInt(line.group(1));
      }
      int stored = shopper.getJsonObject("receipt").getMap().values().stream().mapToInt(q -> (Integer) q).sum();
      assertEquals(stored, quantity, printed.group());
      withItems += quantity > 0 ? 1 : 0;
      assertEquals(quantity == 0, printed.group(3).equals("0.00"), printed.group());
    }
    assertEquals(truth.getJsonArray("shoppers").size(), receipts, "every shopper walks out with a receipt");
    assertTrue(withItems > 0, story);
  }
}
