package org.ezshop.dist;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.ezshop.dist.setup.AgentConfigs;
import org.ezshop.dist.setup.StoreFile;
import org.ezshop.dist.setup.StoreSetup;
import org.ezshop.edgelink.YamlConfig;
import org.ezshop.load.ClientAuth;
import org.ezshop.load.chaos.Chaos;
import org.ezshop.load.chaos.ChaosReport;
import org.ezshop.load.replay.Recording;
import org.ezshop.load.replay.RecordingProxy;
import org.ezshop.load.replay.Replayer;
import org.ezshop.load.sim.StoreSimulator;
import org.ezshop.rpc.EventLoops;
import org.ezshop.rpc.Tls;
import org.ezshop.store.v1.StoreServiceGrpc;

/** The `ezshop` launcher: runs the command named by the arguments (see {@link Command}). */
public final class Ezshop {

  private final Vertx vertx;
  private final Platform platform;
  private final Duration grace;

  private Ezshop(Vertx vertx, Platform platform, Duration grace) {
    this.vertx = vertx;
    this.platform = platform;
    this.grace = grace;
  }

  public static void main(String[] args) {
    Settings settings;
    try {
      settings = Settings.parse(List.of(args), System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("ezshop: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (settings.quietDemo()) { // before the first logger exists: slf4j-simple reads this once
      System.setProperty("org.slf4j.simpleLogger.logFile", Option.DEMO_LOG);
      System.out.println("ezshop: demo: the services log to " + Option.DEMO_LOG + " (--verbose shows them here)");
    }
    settings.chaosLog().ifPresent(log -> System.setProperty("org.slf4j.simpleLogger.logFile", log.toString()));
    try {
      settings.command.run.run(settings, System.out);
    } catch (IllegalArgumentException e) {
      System.err.println("ezshop: " + settings.command.name + ": " + e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      System.err.println("ezshop: " + settings.command.name + " failed: " + e.getMessage());
      System.exit(1);
    }
    System.exit(0);
  }

  /** Serves the command's services until Ctrl-C or SIGTERM. */
  static void serve(Settings settings, PrintStream out) throws Exception {
    untilStopped(startOrExplain(settings, out)::stop);
  }

  /** `all` plus the simulated store in the background. */
  static void serveDemo(Settings settings, PrintStream out) throws Exception {
    Ezshop running = startOrExplain(settings, out);
    running.demo(settings, out);
    untilStopped(running::stop);
  }

  static void simulate(Settings settings, PrintStream out) throws Exception {
    StoreSimulator.run(settings.simulation(false), settings.gatewayTarget(), settings.storeTarget(),
        settings.clientTls(), clientToken(settings), out);
  }

  static void chaos(Settings settings, PrintStream out) throws Exception {
    ChaosReport report = Chaos.run(settings.chaos(), out);
    if (!report.held()) {
      throw new IllegalStateException("invariants broken: " + String.join("; ", report.broken()));
    }
  }

  static void replay(Settings settings, PrintStream out) throws Exception {
    Replayer.run(settings.recordingFile(), settings.speed(), settings.gatewayTarget(), settings.storeTarget(),
        settings.clientTls(), clientToken(settings), settings.receiptsFile(), out);
  }

  static void record(Settings settings, PrintStream out) throws Exception {
    RecordingProxy proxy = RecordingProxy.start(settings.recorderPort(), settings.gatewayTarget(),
        settings.storeTarget(), settings.tls(), Recording.create(settings.recordingFile(), settings.redactPhotos()));
    out.printf("ezshop: record: listening on port %d; StoreService to %s, the rest to %s; writing %s "
        + "(Ctrl-C stops)%n", proxy.port(), settings.storeTarget(), settings.gatewayTarget(), settings.recordingFile());
    untilStopped(() -> {
      try {
        proxy.close();
      } catch (Exception e) {
        System.err.println("ezshop: the recording did not close cleanly: " + e.getMessage());
      }
    });
  }

  static void deviceCert(Settings settings, PrintStream out) throws Exception {
    String device = settings.values.text(Option.DEVICE);
    if (device.isBlank()) {
      throw new IllegalArgumentException("needs --device (the device id the certificate names)");
    }
    Tls issued = settings.localCa().device(device, Path.of(settings.values.text(Option.OUT)));
    out.printf("ezshop: device-cert: %s for device '%s', from the CA %s; in the agent's YAML:%n", issued.cert().get(),
        device, settings.localCa().caFile());
    out.printf("tls_ca: %s%ntls_cert: %s%ntls_key: %s%n", issued.ca().get().toAbsolutePath(),
        issued.cert().get().toAbsolutePath(), issued.key().get().toAbsolutePath());
  }

  static void setup(Settings settings, PrintStream out) throws Exception {
    String action = settings.action.orElse("");
    if (!action.equals("apply") && !action.equals("export")) {
      throw new IllegalArgumentException("say `setup apply --file store.yaml` or `setup export [--file store.yaml]`");
    }
    String file = settings.values.text(Option.FILE);
    StoreFile declared = null;
    if (action.equals("apply")) {
      if (file.isEmpty()) {
        throw new IllegalArgumentException("needs --file (the store file)");
      }
      try {
        declared = StoreFile.read(Path.of(file), System.getenv()); // checked whole before the first call
      } catch (YamlConfig.Invalid e) {
        throw new IllegalArgumentException(e.getMessage() + "; nothing was changed");
      }
    }
    Tls tls = settings.clientTls();
    ManagedChannel channel = NettyChannelBuilder.forTarget(settings.storeTarget(), tls.credentials()).build();
    try {
      String storeId = settings.values.text(Option.STORE_ID);
      StoreSetup setup = new StoreSetup(ClientAuth.as(StoreServiceGrpc.newBlockingStub(channel),
          clientToken(settings), storeId), storeId);
      if (declared != null) {
        StoreSetup.Outcome done = setup.apply(declared, new AgentConfigs(Path.of(settings.values.text(
            Option.OUT_DIR)), settings.gatewayTarget(), tls.ca()), out);
        out.printf("setup: %d created, %d updated, %d unchanged%n", done.created(), done.updated(),
            done.unchanged());
      } else if (file.isEmpty()) {
        out.print(setup.export());
      } else {
        Files.writeString(Path.of(file), setup.export());
        out.println("setup: the running store is in " + file);
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static String clientToken(Settings settings) {
    if (settings.managerTokenGenerated()) {
      throw new IllegalArgumentException("needs the platform's manager token (--manager-token or "
          + "EZSHOP_MANAGER_TOKEN)");
    }
    return settings.managerToken();
  }

  private static Ezshop startOrExplain(Settings settings, PrintStream out) throws Exception {
    try {
      return start(settings, out);
    } catch (Exception e) {
      throw new Exception("could not start: " + e.getMessage(), e);
    }
  }

  // Ctrl-C or SIGTERM runs the hook; halting at its end makes that a clean exit (0), not 130 or 143.
  private static void untilStopped(Runnable stopping) throws InterruptedException {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping.run();
      System.out.println("ezshop: stopped");
      Runtime.getRuntime().halt(0);
    }, "ezshop-stop"));
    new CountDownLatch(1).await();
  }

  /** Starts the services of the settings' command and prints where each listens. */
  static Ezshop start(Settings settings, PrintStream out) throws Exception {
    if (settings.command.services == null) {
      throw new IllegalArgumentException(settings.command.name + " starts no services");
    }
    Vertx vertx = EventLoops.vertx();
    try {
      Platform platform = settings.command.services.start(vertx, settings).await(60, TimeUnit.SECONDS);
      for (Map.Entry<String, Integer> service : platform.ports().entrySet()) {
        out.printf("ezshop: %s listening on port %d%n", service.getKey(), service.getValue());
      }
      if (settings.managerTokenGenerated()) {
        out.println("ezshop: manager token " + settings.managerToken() + " (random; set EZSHOP_MANAGER_TOKEN to choose)");
      }
      Tls tls = settings.tls();
      if (!tls.serves()) {
        out.println("ezshop: WARNING: --tls off: device, session and manager tokens and face photos cross the "
            + "network in plaintext");
      } else if (settings.tlsAuto()) {
        out.printf("ezshop: TLS on every port; devices, apps and browsers trust the CA %s (SHA-256 %s)%n",
            settings.localCa().caFile(), settings.localCa().fingerprint());
      } else {
        out.printf("ezshop: TLS on every port, with %s%n", tls.cert().get());
      }
      Integer web = platform.ports().get("gateway-web");
      if (web != null) {
        out.printf("ezshop: manager dashboard %2$s://127.0.0.1:%1$d/dashboard.html, shopper page "
            + "%2$s://127.0.0.1:%1$d/shop.html%n", web, tls.scheme());
      }
      out.println("ezshop: ready (Ctrl-C stops)");
      return new Ezshop(vertx, platform, settings.shutdownGrace());
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
  }

  /** Runs the simulated store against this platform in the background, printing what happens. */
  void demo(Settings settings, PrintStream out) {
    out.printf("ezshop: demo: a simulated store walks in; ShopService and EdgeLink on 127.0.0.1:%d%n",
        ports().get("gateway"));
    Thread simulation = new Thread(() -> {
      try {
        String gateway = "127.0.0.1:" + ports().get("gateway");
        String store = "127.0.0.1:" + ports().get("store-svc");
        if (settings.demoLayout()) {
          StoreSimulator.runLaidOut(settings.simulation(true), applyDemoStore(settings, gateway, store, out), gateway,
              store, settings.tls(), settings.managerToken(), out);
        } else {
          StoreSimulator.run(settings.simulation(true), gateway, store, settings.tls(), settings.managerToken(), out);
        }
        out.println("ezshop: demo: the simulated store has closed; the platform keeps running (Ctrl-C stops)");
      } catch (Exception e) {
        out.println("ezshop: demo: the simulation failed: " + e.getMessage());
      }
    }, "ezshop-demo");
    simulation.setDaemon(true);
    simulation.start();
  }

  /**
   * The shipped demo store (examples/demo/store.yaml), applied as `setup apply` would: copied into the data
   * directory, its devices' configs beside it. Answers the devices' tokens.
   */
  private static Map<String, String> applyDemoStore(Settings settings, String gateway, String storeTarget,
      PrintStream out) throws Exception {
    Path dir = Path.of(settings.values.text(Option.DATA_DIR)).resolve("demo");
    Files.createDirectories(dir);
    Path file = dir.resolve("store.yaml");
    try (var demo = Ezshop.class.getResourceAsStream("demo/store.yaml")) {
      Files.write(file, demo.readAllBytes());
    }
    ManagedChannel channel = NettyChannelBuilder.forTarget(storeTarget, settings.tls().credentials()).build();
    try {
      StoreSetup.Outcome done = new StoreSetup(ClientAuth.as(StoreServiceGrpc.newBlockingStub(channel),
          settings.managerToken()), "").apply(StoreFile.read(file, Map.of()), new AgentConfigs(dir.resolve("devices"),
          gateway, settings.tls().ca()), new PrintStream(java.io.OutputStream.nullOutputStream()));
      out.printf("ezshop: demo: the store in %s applied (%d created); its devices' configs are in %s%n", file,
          done.created(), dir.resolve("devices"));
      return done.tokens();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  Map<String, Integer> ports() {
    return platform.ports();
  }

  /** The gateway running here, for in-process tools and tests. */
  org.ezshop.gateway.GatewayServer gateway() {
    return platform.gateway();
  }

  /** Stops accepting calls, lets open streams finish within the grace period, then closes everything. */
  void stop() {
    try {
      platform.close(grace).await(grace.toMillis() + 5000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      System.err.println("ezshop: services did not stop cleanly: " + e.getMessage());
    }
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("ezshop: Vert.x did not stop cleanly: " + e.getMessage());
    }
  }
}
