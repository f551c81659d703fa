package org.ezshop.load.chaos;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ezshop.load.sim.Score;
import org.ezshop.load.sim.SimSettings;
import org.ezshop.load.sim.StoreSimulator;
import org.ezshop.rpc.Tls;

/**
 * One pass of the simulated store through store-svc, identity-svc and the gateway as separate processes on a fresh
 * PostgreSQL database, each link between them through a {@link FaultProxy}, with these faults injected as it runs.
 */
final class ChaosRun {

  /** A fault as it was carried out: when it began and how long it took, both from the store's opening. */
  record Done(Fault fault, long startedMillis, long tookMillis, String error) {
  }

  /** A pass's outcome. */
  record Result(String name, Score score, List<Invariants.Check> checks, List<Done> faults,
      List<Timeline.Sample> samples) {
    boolean held() {
      return checks.stream().allMatch(Invariants.Check::held) && faults.stream().allMatch(d -> d.error() == null);
    }
  }

  private final ChaosSettings settings;
  private final Vertx vertx;
  private final String name;
  private final Path dir;
  private final String token;
  private final String secret;

  ChaosRun(ChaosSettings settings, Vertx vertx, String name) {
    this.settings = settings;
    this.vertx = vertx;
    this.name = name;
    this.dir = settings.out().resolve(name);
    Random random = new Random(settings.seed());
    this.token = "chaos-" + HexFormat.of().formatHex(bytes(random, 12));
    this.secret = HexFormat.of().formatHex(bytes(random, 24));
  }

  /** Runs the store; with {@code faults}, under the settings' schedule over as long as the store is open. */
  Result run(boolean faults, PrintStream out) throws Exception {
    if (Files.isDirectory(dir)) { // the logs are appended to across restarts: an earlier run's must not be read
      try (var old = Files.walk(dir)) {
        for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
    String db = Databases.create(vertx, settings.pgUrl(), "ezshop_chaos_" + name);
    int[] ports = freePorts(7);
    int store = ports[0], identity = ports[1], gateway = ports[2], metrics = ports[3];
    ServiceProcess storeSvc = service("store-svc", store, "store", "--store-port", store, "--pg-url", db,
        "--session-secret", secret);
    ServiceProcess identitySvc = service("identity-svc", identity, "identity", "--identity-port", identity,
        "--pg-url", db);
    ServiceProcess gatewayProcess = service("gateway", gateway, "gateway", "--gateway-port", gateway,
        "--store-target", "127.0.0.1:" + ports[4], "--identity-target", "127.0.0.1:" + ports[5], "--metrics-port",
        metrics, "--web-port", 0, "--session-secret", secret, "--gateway-state", "pg", "--pg-url", db);
    FaultProxy toStore = FaultProxy.start(vertx, ports[4], store).await(10, TimeUnit.SECONDS);
    FaultProxy toIdentity = FaultProxy.start(vertx, ports[5], identity).await(10, TimeUnit.SECONDS);
    FaultProxy devices = FaultProxy.start(vertx, ports[6], gateway).await(10, TimeUnit.SECONDS);
    Faults injector = new Faults(storeSvc, identitySvc, gatewayProcess, toStore, toIdentity, devices,
        settings.pgCluster());
    Timeline timeline = new Timeline(metrics, settings.tls());
    Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(db)).using(vertx).build();
    Result result = null;
    Thread interrupted = new Thread(() -> List.of(gatewayProcess, identitySvc, storeSvc).forEach(ServiceProcess::kill));
    Runtime.getRuntime().addShutdownHook(interrupted); // Ctrl-C leaves no service running
    try {
      storeSvc.start();
      identitySvc.start();
      long starting = System.currentTimeMillis();
      gatewayProcess.start();
      // The kill before a pick leaves the pick a few seconds after the gateway is back, if it starts as fast again.
      long lead = Math.min(Faults.PICK_AFTER_RETURN_MILLIS, (System.currentTimeMillis() - starting) * 3 / 2 + 3_000);
      out.printf("chaos: %s: store-svc :%d, identity-svc :%d, gateway :%d (devices through :%d); simulating%n", name,
          store, identity, gateway, ports[6]);
      CompletableFuture<StoreSimulator.Opened> openFor = new CompletableFuture<>();
      SimSettings sim = settings.sim().withOut(dir);
      try (PrintStream simLog = new PrintStream(Files.newOutputStream(dir.resolve("simulate.log")), true,
          StandardCharsets.UTF_8)) {
        CompletableFuture<Score> score = CompletableFuture.supplyAsync(() -> {
          try {
            return StoreSimulator.run(sim, "127.0.0.1:" + ports[6], "127.0.0.1:" + store, settings.tls(), token, simLog,
                openFor::complete);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        CompletableFuture.anyOf(openFor, score).get(10, TimeUnit.MINUTES);
        if (!openFor.isDone()) {
          score.join(); // the simulator stopped before the store opened: its error
        }
        StoreSimulator.Opened opened = openFor.get();
        long open = opened.millis();
        long start = System.currentTimeMillis();
        timeline.start(start);
        List<Fault> schedule = faults ? Chaos.schedule(settings, opened, lead) : List.of();
        if (faults) {
          out.printf("chaos: %s: %d faults over %.0f s of store%n", name, schedule.size(), open / 1000.0);
        }
        List<Done> done = injector.play(schedule, start, out);
        Score scored = score.get(open + 10 * 60_000, TimeUnit.MILLISECONDS);
        timeline.stop();
        JsonObject truth = new JsonObject(Files.readString(sim.out().resolve("truth.json")));
        List<Invariants.Check> checks = Invariants.check(truth, Ledger.read(pool),
            Files.readAllLines(dir.resolve("gateway.log")));
        result = new Result(name, scored, checks, done, timeline.samples());
        return result;
      }
    } finally {
      Runtime.getRuntime().removeShutdownHook(interrupted);
      timeline.stop();
      for (ServiceProcess p : List.of(gatewayProcess, identitySvc, storeSvc)) {
        p.stop();
      }
      for (FaultProxy p : List.of(toStore, toIdentity, devices)) {
        p.close().await(10, TimeUnit.SECONDS);
      }
      pool.close().await(10, TimeUnit.SECONDS);
      if (result != null && !result.held()) {
        out.printf("chaos: %s: database %s kept for inspection%n", name, db.substring(db.lastIndexOf('/') + 1));
      } else {
        Databases.drop(vertx, settings.pgUrl(), db);
      }
    }
  }

  private ServiceProcess service(String service, int port, Object... args) {
    List<String> command = new ArrayList<>(settings.launcher());
    for (Object a : args) {
      command.add(String.valueOf(a));
    }
    command.addAll(List.of("--host", "127.0.0.1", "--manager-token", token, "--shutdown-grace-ms", "500"));
    Tls tls = settings.tls();
    command.addAll(tls.serves() ? List.of("--tls-cert", tls.cert().get().toString(), "--tls-key",
        tls.key().get().toString(), "--tls-ca", tls.ca().get().toString()) : List.of("--tls", "off"));
    return new ServiceProcess(service, command, port, dir.resolve(service + ".log"));
  }

  private static int[] freePorts(int n) throws IOException {
    int[] ports = new int[n];
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0);
        held.add(s);
        ports[i] = s.getLocalPort();
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    return ports;
  }

  private static byte[] bytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
