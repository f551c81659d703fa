package org.ezshop.pi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import org.ezshop.edge.v1.DeviceConfig;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Reading;
import org.ezshop.pi.config.ConfigFile;
import org.ezshop.pi.config.ShelfConfig;
import org.ezshop.pi.link.TestGatewayAccess;
import org.ezshop.rpc.EpochMillis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole agent in --simulate: real drivers on mock pins, sampler, outbox and EdgeLink to a test gateway. */
class PiEdgeSimulateTest {

  @Test
  void streamsOverTlsToAGatewayItTrusts(@TempDir Path dir) throws Exception {
    Path keystore = dir.resolve("gateway.p12");
    Path ca = dir.resolve("gateway.pem");
    run("keytool", "-genkeypair", "-alias", "gateway", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
        "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", keystore.toString(),
        "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
    run("keytool", "-exportcert", "-rfc", "-alias", "gateway", "-keystore", keystore.toString(), "-storepass",
        "changeit", "-file", ca.toString());
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(keystore)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, "changeit".toCharArray());
    try (TestGatewayAccess gateway = new TestGatewayAccess("a-device-token-0123456789",
        GrpcSslContexts.configure(SslContextBuilder.forServer(keys)).build())) {
      CountDownLatch stop = new CountDownLatch(1);
      Future<?> running = startAgent(dir, gateway, "# tls_ca: /etc/ezshop/gateway-ca.pem", "tls_ca: " + ca, stop);
      awaitReadings(gateway, () -> countOf(gateway, "aisle1-row1-us") > 5);
      stop.countDown();
      running.get();
      assertTrue(countOf(gateway, "aisle1-row1-us") > 5, "readings arrived over TLS");
    }
  }

  /** The example config aimed at the test gateway (with one more edit), run with --simulate until stop opens. */
  private static Future<?> startAgent(Path dir, TestGatewayAccess gateway, String from, String to, CountDownLatch stop)
      throws Exception {
    return startAgent(dir, gateway, from, to, new SimulatedShelf(30), stop);
  }

  private static Future<?> startAgent(Path dir, TestGatewayAccess gateway, String from, String to,
      SimulatedShelf shelf, CountDownLatch stop) throws Exception {
    String yaml = Files.readString(Path.of("shelf.example.yaml"))
        .replace("192.168.1.10:7000", "127.0.0.1:" + gateway.port())
        .replace("/var/lib/ezshop/outbox", dir.resolve("outbox").toString())
        .replace(from, to);
    Path file = dir.resolve("shelf.yaml");
    Files.writeString(file, yaml);
    ShelfConfig config = ConfigFile.read(file, Map.of("EZSHOP_DEVICE_TOKEN", "a-device-token-0123456789"));
    return Executors.newSingleThreadExecutor().submit(() -> {
      PiEdge.run(config, shelf, stop);
      return null;
    });
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertEquals(0, process.waitFor(), output);
  }

  private static List<Long> capturedAfter(TestGatewayAccess gateway, long millis) {
    return gateway.readings().stream().filter(r -> r.getSensorId().equals("aisle1-row1-us"))
        .map(r -> EpochMillis.of(r.getCapturedAt())).filter(t -> t > millis).sorted().toList();
  }

  private static void awaitReadings(TestGatewayAccess gateway, java.util.function.BooleanSupplier enough)
      throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!enough.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not within 20 s; readings so far: " + gateway.readings().size());
      Thread.sleep(50);
    }
  }

  private static long countOf(TestGatewayAccess gateway, String sensor) {
    return gateway.readings().stream().filter(r -> r.getSensorId().equals(sensor)).count();
  }

  @Test
  void linesOnStdinTakeOverTheSimulatedShelfRowByRow(@TempDir Path dir) throws Exception {
    try (TestGatewayAccess gateway = new TestGatewayAccess("a-device-token-0123456789")) {
      SimulatedShelf shelf = new SimulatedShelf(3600); // scripted, its first pick an hour away
      CountDownLatch stop = new CountDownLatch(1);
      Future<?> running = startAgent(dir, gateway, "", "", shelf, stop);
      awaitReadings(gateway, () -> gateway.readings().stream().map(Reading::getSensorId).distinct().count() == 4);
      assertEquals("aisle1-row1-us: 4 items", shelf.command("take aisle1-row1-us 2"));
      assertEquals("aisle1-row2-light: 0 items", shelf.command("empty aisle1-row2-light"));
      assertEquals("aisle1-row1-us: 5 items", shelf.command(" put  aisle1-row1-us "));
      assertTrue(shelf.command("take no-such-sensor").startsWith("say take|put|empty|fill SENSOR [N], one of ["));
      assertTrue(shelf.command("take aisle1-row1-us many").startsWith("say take"));
      long told = System.currentTimeMillis();
      awaitReadings(gateway, () -> gateway.readings().stream().anyMatch(r -> EpochMillis.of(r.getCapturedAt()) > told
          + 200 && r.getSensorId().equals("aisle1-row1-us")) && gateway.readings().stream().anyMatch(r ->
          EpochMillis.of(r.getCapturedAt()) > told + 200 && r.getSensorId().equals("aisle1-row2-light")));
      stop.countDown();
      running.get();
      for (Reading r : gateway.readings()) {
        if (EpochMillis.of(r.getCapturedAt()) > told + 200 && r.getSensorId().equals("aisle1-row1-us")) {
          assertEquals(SimulatedShelf.EMPTY_MM - 5 * SimulatedShelf.ITEM_DEPTH_MM, r.getDistanceMm(), 5, r.toString());
        }
        if (EpochMillis.of(r.getCapturedAt()) > told + 200 && r.getSensorId().equals("aisle1-row2-light")) {
          assertTrue(!r.getDark(), "the emptied slot is uncovered: " + r);
        }
        if (r.getSensorId().equals("aisle1-row3-scale")) {
          assertEquals(6 * 355, r.getWeightG(), 5, "a row not told keeps what it held");
        }
      }
    }
  }

  @Test
  void theSimulatedShelfStreamsEverySensorToTheGateway(@TempDir Path dir) throws Exception {
    try (TestGatewayAccess gateway = new TestGatewayAccess("a-device-token-0123456789")) {
      CountDownLatch stop = new CountDownLatch(1);
      Future<?> running = startAgent(dir, gateway, "", "", stop);
      awaitReadings(gateway, () -> countOf(gateway, "aisle1-row1-us") >= 30 && gateway.readings().stream()
          .map(Reading::getSensorId).distinct().count() == 4);
      // The gateway slows sampling to 2 Hz: the samples taken once it applies carry capture times 500 ms apart.
      long pushedAt = System.currentTimeMillis();
      gateway.push(GatewayMessage.newBuilder().setConfig(DeviceConfig.newBuilder()
          .setSampleInterval(com.google.protobuf.Duration.newBuilder().setNanos(500_000_000))).build());
      awaitReadings(gateway, () -> capturedAfter(gateway, pushedAt + 300).size() >= 4);
      stop.countDown();
      running.get();
      List<Long> slowed = capturedAfter(gateway, pushedAt + 300);
      double interval = (double) (slowed.get(slowed.size() - 1) - slowed.get(0)) / (slowed.size() - 1);
      assertTrue(interval >= 400 && interval <= 650, "sampling follows the pushed config: " + slowed);

      Set<String> sensors = gateway.readings().stream().map(Reading::getSensorId).collect(Collectors.toSet());
      assertEquals(Set.of("aisle1-row1-us", "aisle1-row2-light", "aisle1-row4-rc", "aisle1-row3-scale"), sensors);
      for (Reading r : gateway.readings()) {
        if (r.getSensorId().equals("aisle1-row1-us")) {
          assertTrue(r.hasDistanceMm() && r.getDistanceMm() > 30 && r.getDistanceMm() < SimulatedShelf.EMPTY_MM + 10, r.toString());
        }
        if (r.getSensorId().equals("aisle1-row4-rc") || r.getSensorId().equals("aisle1-row2-light")) {
          assertTrue(r.getDark(), "the simulated rows are stocked, so the slots are covered: " + r);
        }
        if (r.getSensorId().equals("aisle1-row3-scale")) {
          assertEquals(6 * 355, r.getWeightG(), 5, "six cans on the scale");
        }
      }
    }
  }
}
