package org.ezshop.pi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.ezshop.edge.v1.Reading;
import org.ezshop.pi.config.ConfigFile;
import org.ezshop.pi.config.ShelfConfig;
import org.ezshop.pi.link.TestGatewayAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole agent in --simulate: real drivers on mock pins, sampler, outbox and EdgeLink to a test gateway. */
class PiEdgeSimulateTest {

  @Test
  void theSimulatedShelfStreamsEverySensorToTheGateway(@TempDir Path dir) throws Exception {
    try (TestGatewayAccess gateway = new TestGatewayAccess("a-device-token-0123456789")) {
      String yaml = Files.readString(Path.of("shelf.example.yaml"))
          .replace("192.168.1.10:7000", "127.0.0.1:" + gateway.port())
          .replace("/var/lib/ezshop/outbox", dir.resolve("outbox").toString());
      Path file = dir.resolve("shelf.yaml");
      Files.writeString(file, yaml);
      ShelfConfig config = ConfigFile.read(file, Map.of("EZSHOP_DEVICE_TOKEN", "a-device-token-0123456789"));
      CountDownLatch stop = new CountDownLatch(1);
      Future<?> running = Executors.newSingleThreadExecutor().submit(() -> {
        PiEdge.run(config, true, stop);
        return null;
      });
      Thread.sleep(2500);
      stop.countDown();
      running.get();

      Set<String> sensors = gateway.readings().stream().map(Reading::getSensorId).collect(Collectors.toSet());
      assertEquals(Set.of("aisle1-row1-us", "aisle1-row2-light", "aisle1-row3-scale"), sensors);
      for (Reading r : gateway.readings()) {
        if (r.getSensorId().equals("aisle1-row1-us")) {
          assertTrue(r.hasDistanceMm() && r.getDistanceMm() > 30 && r.getDistanceMm() < 410, r.toString());
        }
        if (r.getSensorId().equals("aisle1-row3-scale")) {
          assertEquals(6 * 355, r.getWeightG(), 5, "six cans on the scale");
        }
      }
      long us = gateway.readings().stream().filter(r -> r.getSensorId().equals("aisle1-row1-us")).count();
      assertTrue(us >= 30, "about 20 Hz for 2.5 s, got " + us);
    }
  }
}
