package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** `ezshop demo`: the platform and the simulated store, from start to the first receipt, within 60 s. */
class DemoTest {

  @Test
  void theDemoReachesItsFirstReceiptWithinSixtySecondsOfStart() throws Exception {
    CountDownLatch receipt = new CountDownLatch(1);
    StringBuilder seen = new StringBuilder();
    PrintStream out = new PrintStream(new OutputStream() {
      @Override
      public synchronized void write(int b) {
        System.out.write(b);
        seen.append((char) b);
        if (b == '\n' && seen.indexOf("walks out; receipt: ") >= 0) {
          receipt.countDown();
        }
      }
    }, true, StandardCharsets.UTF_8);
    long start = System.nanoTime();
    Settings settings = Settings.parse(List.of("demo", "--host", "127.0.0.1", "--gateway-port", "0", "--store-port",
        "0", "--identity-port", "0", "--metrics-port", "0", "--web-port", "0", "--sim-out", "target/demo"), Map.of());
    Ezshop demo = Ezshop.start(settings, out);
    try {
      demo.demo(settings, out);
      boolean reached = receipt.await(60_000_000_000L - (System.nanoTime() - start), TimeUnit.NANOSECONDS);
      System.out.printf("demo: first receipt %s after %.1f s%n", reached ? "printed" : "NOT printed",
          (System.nanoTime() - start) / 1e9);
      assertTrue(reached, seen.toString());
    } finally {
      demo.stop();
    }
  }
}
