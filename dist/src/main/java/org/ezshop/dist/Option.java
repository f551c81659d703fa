package org.ezshop.dist;

import java.nio.file.Path;
import java.util.Locale;
import org.ezshop.gateway.GatewayConfig;
import org.ezshop.gateway.fusion.FusionSettings;
import org.ezshop.gateway.link.DeviceLimits;
import org.ezshop.gateway.shop.ShopLimits;
import org.ezshop.identity.IdentityConfig;
import org.ezshop.identity.gallery.Gallery;
import org.ezshop.store.StoreConfig;

/** Every setting of the launcher: a flag, an EZSHOP_* variable, or a key in the --config file. */
enum Option {
  CONFIG("config", "", "properties file with any of these settings, keyed by flag name (e.g. store-port=7001)"),
  HOST("host", "0.0.0.0", "address the servers bind"),
  GATEWAY_PORT("gateway-port", String.valueOf(GatewayConfig.DEFAULT_PORT), "gateway gRPC port: EdgeLink for devices, ShopService for apps (0 = any free)"),
  STORE_PORT("store-port", String.valueOf(StoreConfig.DEFAULT_PORT), "store-svc gRPC port (0 = any free)"),
  IDENTITY_PORT("identity-port", String.valueOf(IdentityConfig.DEFAULT_PORT), "identity-svc gRPC port (0 = any free)"),
  STORE_TARGET("store-target", "", "host:port of store-svc; for the gateway, a comma-separated list of its replicas, "
      + "called in turn, each health-checked; a name with several addresses is a replica per address (default: "
      + "127.0.0.1 and the store port)"),
  IDENTITY_TARGET("identity-target", "", "host:port[,host:port...] of identity-svc's replicas, for the gateway "
      + "(default: 127.0.0.1 and the identity port)"),
  STORE_ID("store-id", "", "gateway: the one store of the chain it serves (its devices, rows, doors and manager "
      + "views; a device of another store is refused); setup: the store the file lays out (default: the whole "
      + "platform, one store)"),
  PG_URL("pg-url", "", "PostgreSQL URL for store-svc and identity-svc (and the gateway's state with "
      + "--gateway-state pg), postgresql://user:password@host:port/db "
      + "(default: everything in memory)"),
  TLS("tls", "auto", "auto (TLS on every listener, with a local CA and a server certificate made in --data-dir on "
      + "first start and reused; clients trust that CA) or off (plaintext, with a warning); --tls-cert and --tls-key "
      + "serve your own certificate instead"),
  TLS_CERT("tls-cert", "", "servers: certificate (PEM, with its chain) to serve instead of --tls auto's"),
  TLS_KEY("tls-key", "", "servers: the certificate's private key (PEM, PKCS#8 or PKCS#1)"),
  TLS_CA("tls-ca", "", "clients (the gateway calling the services, simulate, replay, record, chaos): CA certificate "
      + "(PEM) the servers' certificates chain to (default with --tls auto: the one in --data-dir)"),
  TLS_NAMES("tls-names", "", "--tls auto: more host names or addresses the server certificate covers, "
      + "comma-separated, beside localhost, 127.0.0.1, ::1 and this host's name and addresses"),
  DEVICE_CLIENT_CA("device-client-ca", "", "gateway, with TLS: CA certificate (PEM) whose client certificates every "
      + "device must present, its subject CN (or a URI SAN) the device id, beside its token; `ezshop device-cert` "
      + "issues them from --tls auto's CA (--data-dir/tls/ca.pem)"),
  DEVICE("device", "", "device-cert: the device id its certificate names"),
  OUT("out", ".", "device-cert: directory for DEVICE.pem (with the chain), DEVICE-key.pem and ca.pem"),
  DATA_DIR("data-dir", Option.defaultDataDir(), "where --tls auto keeps its CA and certificates (tls/)"),
  MANAGER_TOKEN("manager-token", "", "bearer token of managers and of the services calling each other (default: "
      + "a random one, printed at start)"),
  JOURNAL_RETENTION_HOURS("journal-retention-hours", String.valueOf(StoreConfig.DEFAULT_JOURNAL_RETENTION.toHours()),
      "store-svc on PostgreSQL: hourly, the event journal (store_events) drops rows older than this that this "
      + "replica has read"),
  SESSION_SECRET("session-secret", "", "key (32+ characters) that signs shopper session tokens; the same on store-svc "
      + "and the gateway (default: random, so sessions end with the process)"),
  MAX_IMAGE_BYTES("max-image-bytes", String.valueOf(IdentityConfig.DEFAULT_MAX_IMAGE_BYTES), "largest image identity-svc accepts"),
  MAX_IMAGE_SIDE("max-image-side", String.valueOf(IdentityConfig.DEFAULT_MAX_IMAGE_SIDE), "widest or tallest image identity-svc decodes, in pixels"),
  FACE_MODELS("face-models", "", "directory with fr_detect.onnx, fr_landmark.onnx and fr_feature.onnx of the same shapes "
      + "(default: the models built in; also --models)", "models"),
  FACE_THRESHOLD("face-threshold", String.valueOf(IdentityConfig.DEFAULT_THRESHOLD), "cosine similarity at which a face matches"),
  MIN_FACE_PIXELS("min-face-pixels", String.valueOf(IdentityConfig.DEFAULT_MIN_FACE_PIXELS), "narrowest face Enroll accepts"),
  FACE_WORKERS("face-workers", String.valueOf(Runtime.getRuntime().availableProcessors()), "identity-svc inference threads"),
  FACE_QUEUE("face-queue", String.valueOf(IdentityConfig.DEFAULT_QUEUE), "images waiting for an inference thread before "
      + "identity-svc answers RESOURCE_EXHAUSTED"),
  KEEP_FACE_PHOTOS("keep-face-photos", "false", "store enrolled photos in PostgreSQL too (default: embeddings only)"),
  GALLERY_INDEX_FROM("gallery-index-from", String.valueOf(Gallery.INDEX_FROM), "identity-svc: embeddings from which "
      + "Identify searches an HNSW index (built in the background) instead of scanning every embedding"),
  IDENTITY_DATA_DIR("identity-data-dir", "", "identity-svc: where the gallery's HNSW index is saved (faces.hnsw), "
      + "so that a restart reloads it and adds only the enrolments since, instead of building it again (default: "
      + "not saved)"),
  METRICS_PORT("metrics-port", String.valueOf(GatewayConfig.DEFAULT_METRICS_PORT), "gateway: HTTP port of GET /metrics "
      + "(Prometheus text format; 0 = any free)"),
  WEB_PORT("web-port", String.valueOf(GatewayConfig.DEFAULT_WEB_PORT), "gateway: HTTP port of the manager dashboard "
      + "(/dashboard.html) and the shopper page (/shop.html), HTTPS with TLS; 0 = any free"),
  WEB_REDIRECT_PORT("web-redirect-port", String.valueOf(GatewayConfig.DEFAULT_WEB_REDIRECT_PORT), "gateway, with "
      + "TLS: plain HTTP port that sends browsers on to the pages' HTTPS; 0 = any free"),
  IDENTIFY_CONCURRENCY("identify-concurrency", String.valueOf(GatewayConfig.DEFAULT_IDENTIFY_CONCURRENCY), "gateway: "
      + "camera frames being identified at once (beyond it, a camera's newest live frame waits and replaces the one "
      + "before; a backlog resent after a reconnect waits in full)"),
  DOOR_COOLDOWN_MS("door-cooldown-ms", String.valueOf(GatewayConfig.DEFAULT_DOOR_COOLDOWN_MILLIS), "gateway: after a door "
      + "acts for a shopper, how long that camera ignores them"),
  FUSION_WINDOW_MS("fusion-window-ms", String.valueOf(FusionSettings.DEFAULT_WINDOW_MILLIS), "gateway: sightings "
      + "this close in time to a shelf change are candidates"),
  REVIEW_BELOW("review-below", String.valueOf(FusionSettings.DEFAULT_REVIEW_BELOW), "gateway: a charge also goes "
      + "to the review queue when the winner holds less than this share (0..1) of the evidence it and the runner-up "
      + "share"),
  FUSION_GRACE_MS("fusion-grace-ms", String.valueOf(FusionSettings.DEFAULT_GRACE_MILLIS), "gateway: past its "
      + "decision time, how long a shelf change waits for a covering camera still offline or sending its backlog "
      + "(after a restart or a network cut) before it is decided with the frames there are"),
  GATEWAY_DATA_DIR("gateway-data-dir", "", "gateway: where shelf changes wait for their decision, so they survive a "
      + "restart (default: memory only)"),
  GATEWAY_STATE("gateway-state", "dir", "gateway: where shelf changes wait for their decision: dir (in "
      + "--gateway-data-dir) or pg (in PostgreSQL at --pg-url, so that another gateway process can take the store "
      + "over)"),
  LOGIN_THRESHOLD("login-threshold", String.valueOf(ShopLimits.Settings.DEFAULT_LOGIN_THRESHOLD), "gateway: match "
      + "score LoginWithFace needs, stricter than --face-threshold's for sightings (a login admits someone)"),
  LOGINS_PER_MINUTE("logins-per-minute", String.valueOf(ShopLimits.Settings.DEFAULT_LOGINS_PER_MINUTE), "gateway: "
      + "LoginWithFace attempts one address may make in any minute; more get RESOURCE_EXHAUSTED (HTTP 429 with "
      + "Retry-After)"),
  SESSION_CALLS_PER_SECOND("session-calls-per-second",
      String.valueOf(ShopLimits.Settings.DEFAULT_SESSION_CALLS_PER_SECOND), "gateway: calls one shopper session "
      + "may make in any second; more get RESOURCE_EXHAUSTED"),
  DEVICE_MESSAGES_PER_SECOND("device-messages-per-second", String.valueOf(DeviceLimits.DEFAULT_MESSAGES_PER_SECOND),
      "gateway: EdgeLink messages one device may send a second (ten seconds' worth at once, for a backlog); past "
      + "it, its stream ends with RESOURCE_EXHAUSTED naming the limit"),
  DEVICE_BYTES_PER_SECOND("device-bytes-per-second", String.valueOf(DeviceLimits.DEFAULT_BYTES_PER_SECOND),
      "gateway: bytes one device may send a second (ten seconds' worth at once)"),
  PUSH_CREDENTIALS("push-credentials", "", "gateway: Firebase service-account JSON for receipt notifications (else "
      + "GOOGLE_APPLICATION_CREDENTIALS; with neither, notifications are logged and recorded as such)"),
  MAX_FRAME_BYTES("max-frame-bytes", String.valueOf(GatewayConfig.DEFAULT_MAX_FRAME_BYTES), "largest camera frame the gateway accepts"),
  FACES("faces", "", "directory of the faces.md photos the build fetched (default: faces/ beside ezshop.jar)"),
  GATEWAY_TARGET("gateway-target", "", "simulate, replay, load: host:port of the gateway (default: 127.0.0.1 and the "
      + "gateway port)"),
  FILE("file", "", "record, replay: the recording (JSON Lines; see load-tests/README.md); setup: the store file "
      + "(see examples/original-rack/store.yaml)"),
  OUT_DIR("out-dir", "devices", "setup apply: directory for each newly registered device's agent config "
      + "(DEVICE.yaml, with its token) and the CA"),
  SPEED("speed", "1", "replay: how much faster than recorded to play (capture times shrink with it)"),
  RECEIPTS("receipts", "receipts.json", "replay: where to write each shopper's receipt lines and total"),
  LOAD_DEVICES("load-devices", "1000", "load: shelf devices, one EdgeLink stream each"),
  LOAD_HZ("load-hz", "20", "load: batches each device sends per second, on schedule whether acked or not"),
  LOAD_BATCH("load-batch", "10", "load: readings per batch"),
  LOAD_SECONDS("load-seconds", "60", "load: measured seconds (after a warm-up of a sixth of it, at least 2 s)"),
  VERBOSE("verbose", "false", "demo: show the services' logs in the terminal too (default: they go to "
      + Option.DEMO_LOG + ", and the terminal shows the store's story)"),
  BASELINE("baseline", "false", "load: also run the same traffic against a bare counting EdgeLink server and print "
      + "the ratio (--baseline alone means true)"),
  LOAD_NOISY("load-noisy", "0", "load: then the same load again beside one more device sending at this many times "
      + "the per-device message limit (--device-messages-per-second, enforced in this run), and the other devices' "
      + "latency against the run without it"),
  LOAD_GATEWAYS("load-gateways", "1", "load: gateways the devices are spread over; past one, each a process of its own "
      + "with 1 GB of heap on the launcher's store-svc and identity-svc, and --baseline's bare servers as many "
      + "edge-sink processes"),
  CLUSTER_STORES("cluster-stores", "3", "cluster: stores in the chain (store-1, store-2, ...), each with a gateway "
      + "and a simulated store of its own shoppers"),
  CLUSTER_REPLICAS("cluster-replicas", "2", "cluster: store-svc and identity-svc replicas, each a process"),
  LOAD_OUT("load-out", "load-out", "load: directory for load.json, load.txt and load.html"),
  SIM_SEED("sim-seed", "1", "simulate: seed of everything random, so a run can be repeated"),
  SIM_SHOPPERS("sim-shoppers", "20", "simulate: shoppers, each a real face from faces.md"),
  SIM_ROWS("sim-rows", "40", "simulate: shelf rows (ultrasonic, weight and light sensors; a camera per two rows)"),
  SIM_MINUTES("sim-minutes", "10", "simulate: store time simulated; shoppers arrive in its first half"),
  SIM_SPEED("sim-speed", "10", "simulate: store time per real time (the gaps between acts shrink; each act, a hand on "
      + "a shelf or a camera's capture, stays real time)"),
  SIM_PICK_TWO("sim-pick-two", "0.15", "simulate: chance that a pick takes two items at once"),
  SIM_PUT_BACK("sim-put-back", "0.1", "simulate: chance that a shopper puts one back after a pick"),
  SIM_TOGETHER("sim-together", "0.1", "simulate: chance that another shopper stands beside the picker"),
  SIM_PROFILE("sim-profile", "easy", "simulate: easy (a camera per row, no strangers: the store the simulator always "
      + "had) or hard (a busy store: every knob below marked 'by profile' takes its hard value unless given)"),
  SIM_MISSED_FACE("sim-missed-face", "", "simulate: chance that a shelf camera misses a face in a frame (by profile: easy "
      + "0.03, hard 0.15)"),
  SIM_HOVER("sim-hover", "0.15", "simulate: chance of a hand on a row that takes nothing"),
  SIM_CLOCK_SKEW_MS("sim-clock-skew-ms", "", "simulate: edge clocks are off by up to this much either way (by "
      + "profile: easy 5000, hard 90000)"),
  SIM_STRANGERS("sim-strangers", "", "simulate: people who are not enrolled, walk in and pick (by profile: easy 0, "
      + "hard 3)"),
  SIM_NEIGHBOURS("sim-neighbours", "", "simulate: chance that, as someone picks, another person reaches at an "
      + "adjacent row under the same camera within 1 s (by profile: easy 0, hard 0.25)"),
  SIM_SHARED_PICK("sim-shared-pick", "", "simulate: chance that a second person takes from the same row within 100 ms "
      + "(by profile: easy 0, hard 0.1)"),
  SIM_HAND_MS("sim-hand-ms", "", "simulate: longest a hand stays in a row's beam around a reach, from 350 (by "
      + "profile: easy 350, hard 1000)"),
  SIM_PRESS("sim-press", "", "simulate: chance that a reach on a load cell presses down with 1 to 3 items' weight (by "
      + "profile: easy 0, hard 0.3)"),
  SIM_ROWS_PER_CAMERA("sim-rows-per-camera", "", "simulate: most rows one shelf camera covers, people standing in "
      + "their row's band of its frame (by profile: easy 1, a camera per row; hard 3)"),
  SIM_FPS("sim-fps", "", "simulate: shelf cameras capture at up to this many frames a second while someone is at "
      + "their rows, each at its own rate from half of it, at least 1 (by profile: easy 1, hard 3)"),
  SIM_LONG_REACH("sim-long-reach", "", "simulate: chance that a reach is long (1.5 to 3 s), the reacher's face seen "
      + "only as it starts (by profile: easy 0, hard 0.15)"),
  SIM_BYSTANDER("sim-bystander", "", "simulate: chance that someone else stands at the row, farther from the "
      + "shelf, seen nearer the onset in time than the picker (by profile: easy 0, hard 0.2)"),
  FRAME_RING_SECONDS("frame-ring-seconds", "10", "simulate: seconds of recent frames each simulated camera keeps, "
      + "to send again when the gateway asks for a span it missed (android-edge: shelf.ring_seconds)"),
  SIM_OUT("sim-out", "sim-out", "simulate: directory for truth.json (ground truth and receipts)"),
  REDACT_PHOTOS("redact-photos", "false", "record: write every photo and frame as its SHA-256 only, for a recording "
      + "kept for its timing (it cannot be replayed)"),
  CHAOS_PROFILE("chaos-profile", "short", "chaos: short (every fault once over a 6-shopper store, ~5 min) or long "
      + "(a fault every 20-60 s over 30 minutes of the hard store); sets the --sim-* it names unless given"),
  CHAOS_SEED("chaos-seed", "", "chaos: seed of the fault schedule; empty: one drawn at random, printed to run it "
      + "again"),
  CHAOS_OUT("chaos-out", "chaos-out", "chaos: directory for the services' logs and chaos-report.json/.html"),
  BENCH_GALLERY("bench-gallery", "100000", "bench-identity: synthetic embeddings in the searched gallery"),
  BENCH_FACES("bench-faces", "1000000", "bench-index: synthetic faces in the indexed gallery"),
  BENCH_PROBES("bench-probes", "1000", "bench-index: probes, each searched through the index and by the exact scan"),
  BENCH_STREAMS("bench-streams", "1,64,1000", "bench-gateway: device stream counts to measure, comma-separated"),
  BENCH_CLIENTS("bench-clients", "16", "bench-store: concurrent clients"),
  BENCH_REPLICAS("bench-replicas", "1", "bench-store: store-svc replicas on the one database; with 2, each round also "
      + "measures the clients split between two"),
  BENCH_SECONDS("bench-seconds", "20", "bench-*: measured seconds per phase (after a warm-up of a third of it)"),
  SHUTDOWN_GRACE_MS("shutdown-grace-ms", "5000", "how long open streams get to finish on shutdown");

  final String flag;
  final String defaultValue;
  final String help;
  private final String alias;

  Option(String flag, String defaultValue, String help) {
    this(flag, defaultValue, help, null);
  }

  Option(String flag, String defaultValue, String help, String alias) {
    this.flag = flag;
    this.defaultValue = defaultValue;
    this.help = help;
    this.alias = alias;
  }

  static final String DEMO_LOG = "ezshop-demo.log";

  private static String defaultDataDir() {
    String xdg = System.getenv("XDG_DATA_HOME");
    return Path.of(xdg != null && !xdg.isBlank() ? xdg : System.getProperty("user.home") + "/.local/share", "ezshop")
        .toString();
  }

  /** A flag that may stand alone, meaning true. */
  boolean isSwitch() {
    return this == BASELINE || this == VERBOSE || this == REDACT_PHOTOS;
  }

  String env() {
    return "EZSHOP_" + flag.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  static java.util.stream.Stream<Option> stream() {
    return java.util.Arrays.stream(values());
  }

  static Option byFlag(String flag) {
    for (Option option : values()) {
      if (option.flag.equals(flag) || flag.equals(option.alias)) {
        return option;
      }
    }
    throw new IllegalArgumentException("unknown option --" + flag + " (see ezshop --help)");
  }
}
