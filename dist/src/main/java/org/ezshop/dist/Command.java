package org.ezshop.dist;

import static org.ezshop.dist.Option.*;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.Set;

/** The launcher's commands: what `main` runs, what the platform starts and what the usage text lists. */
enum Command {
  ALL("all", "store-svc, identity-svc and the gateway in one JVM, talking gRPC over loopback",
      Ezshop::serve, Platform::all, union(Groups.STORE, Groups.IDENTITY, Groups.GATEWAY)),
  DEMO("demo", "`all` plus a simulated store at a pace a person can follow, printed as it happens",
      Ezshop::serveDemo, Platform::all, union(Groups.STORE, Groups.IDENTITY, Groups.GATEWAY, Groups.SIMULATION,
          EnumSet.of(VERBOSE))),
  SIMULATE("simulate", "a simulated store against a running platform (--gateway-target, --store-target, "
      + "--manager-token, --sim-*): real faces, noisy sensors, skewed clocks, all over EdgeLink; prints the receipts' "
      + "score against the truth and writes truth.json to --sim-out",
      Ezshop::simulate, null, union(Groups.CLIENT, Groups.SIMULATION)),
  RECORD("record", "a proxy on --gateway-port in front of a platform (--gateway-target, --store-target) that writes "
      + "its setup calls and every EdgeLink message to --file, until Ctrl-C",
      Ezshop::record, null, union(Groups.TLS, EnumSet.of(GATEWAY_PORT, GATEWAY_TARGET, STORE_TARGET, FILE,
          REDACT_PHOTOS))),
  REPLAY("replay", "plays --file into a running platform at --speed, then writes --receipts",
      Ezshop::replay, null, union(Groups.CLIENT, EnumSet.of(FILE, SPEED, RECEIPTS))),
  LOAD("load", "--load-devices shelf devices at --load-hz batches of --load-batch readings each, open loop, for "
      + "--load-seconds, through store-svc and the gateway started here; reading -> ack latency (HdrHistogram) and "
      + "rate into --load-out; --baseline adds a bare EdgeLink server",
      Benchmarks::load, null, union(Groups.IN_PROCESS, EnumSet.of(FACES, LOAD_DEVICES, LOAD_HZ, LOAD_BATCH,
          LOAD_SECONDS, BASELINE, LOAD_NOISY, DEVICE_MESSAGES_PER_SECOND, LOAD_GATEWAYS, LOAD_OUT))),
  CHAOS("chaos", "store-svc, identity-svc and the gateway as separate processes on PostgreSQL (--pg-url), a "
      + "simulated store through them once clean and once under seeded faults (kill -9 of each, a PostgreSQL restart, "
      + "network cuts and stalls, identity-svc slowed); checks the invariants and writes a report to --chaos-out",
      Ezshop::chaos, null, union(Groups.SIMULATION, Groups.TLS, EnumSet.of(CONFIG, PG_URL, CHAOS_PROFILE, CHAOS_SEED,
          CHAOS_OUT))),
  CLUSTER("cluster", "a chain on this machine, every part a process: --cluster-replicas store-svc and identity-svc "
      + "replicas on PostgreSQL (--pg-url) and --cluster-stores stores, each with a gateway (--store-id) and a "
      + "simulated store of its own shoppers; their logs and TLS CA in --data-dir/cluster; runs until Ctrl-C",
      Cluster::run, null, union(Groups.SIMULATION, EnumSet.of(CONFIG, PG_URL, MANAGER_TOKEN, SESSION_SECRET,
          DATA_DIR, CLUSTER_STORES, CLUSTER_REPLICAS))),
  STORE("store", "store-svc only", Ezshop::serve, Platform::store, Groups.STORE),
  IDENTITY("identity", "identity-svc only", Ezshop::serve, Platform::identity, Groups.IDENTITY),
  GATEWAY("gateway", "the gateway only (set --store-target and --identity-target; --store-id for one store of a "
      + "chain)", Ezshop::serve, Platform::gateway, union(Groups.GATEWAY, EnumSet.of(STORE_ID))),
  EDGE_SINK("edge-sink", "a bare EdgeLink server on the gateway port that acks and counts (a baseline for load "
      + "tests, and a peer for trying edge agents)", Ezshop::serve, Platform::edgeSink, EnumSet.of(HOST, GATEWAY_PORT)),
  BENCH_STORE("bench-store", "ApplyCartEvent throughput and p99 through store-svc on PostgreSQL (needs --pg-url), "
      + "beside a raw INSERT ... ON CONFLICT + UPDATE loop on the same database", Benchmarks::store, null,
      EnumSet.of(CONFIG, PG_URL, MANAGER_TOKEN, SESSION_SECRET, BENCH_CLIENTS, BENCH_REPLICAS, BENCH_SECONDS)),
  BENCH_GATEWAY("bench-gateway", "readings per second through EdgeLink with shelf processing, at --bench-streams "
      + "device streams, beside a bare counting EdgeLink server on the same transport", Benchmarks::gateway, null,
      union(minus(union(Groups.STORE, Groups.GATEWAY), Groups.LOOPBACK), EnumSet.of(BENCH_STREAMS, BENCH_SECONDS))),
  BENCH_FUSION("bench-fusion", "a shelf change to the cart update at the shopper's WatchMyCart, through the whole "
      + "platform (50 shoppers with real faces, 200 rows), beside ApplyCartEvent on store-svc alone",
      Benchmarks::fusion, null, union(Groups.IN_PROCESS, EnumSet.of(FACES))),
  BENCH_IDENTITY("bench-identity", "Identify latency over gRPC (1 and 4 clients) beside the in-process pipeline, and "
      + "1:N search over --bench-gallery synthetic faces beside a plain read of the same floats; with --pg-url, "
      + "how long an enrolment takes to reach a second replica",
      Benchmarks::identity, null, union(minus(Groups.IDENTITY, Groups.LOOPBACK), EnumSet.of(FACES, BENCH_GALLERY,
          BENCH_SECONDS))),
  BENCH_INDEX("bench-index", "1:N search through the gallery's HNSW index over --bench-faces synthetic faces (drawn "
      + "from the portraits' measured spread), built and saved, then reloaded by a new process with faces enrolled "
      + "since: build and restart times, peak memory of each, and recall@1, p50 and p99 of each search breadth "
      + "against the exact scan (files in --identity-data-dir if given, else a temporary directory)",
      Benchmarks::index, null, EnumSet.of(CONFIG, FACES, BENCH_FACES, BENCH_PROBES, IDENTITY_DATA_DIR)),
  DEVICE_CERT("device-cert", "a client certificate for --device from --tls auto's CA in --data-dir, into --out, for a "
      + "gateway started with --device-client-ca (the agents' tls_cert and tls_key)", Ezshop::deviceCert, null,
      EnumSet.of(CONFIG, DEVICE, OUT, DATA_DIR)),
  SETUP("setup", "`setup apply --file store.yaml`: makes the running store (--store-target) what the store file "
      + "declares and writes each new device's agent config, with its token, into --out-dir; `setup export` writes "
      + "the running store as a store file to --file (or prints it)", Ezshop::setup, null,
      union(Groups.CLIENT, EnumSet.of(FILE, OUT_DIR, STORE_ID))),
  HELP("help", "this text; `help COMMAND` (or `COMMAND --help`) lists the options that command reads",
      (settings, out) -> out.print(Usage.text(settings.topic)), null, EnumSet.noneOf(Option.class));

  /** What a command does, from its settings; it returns when the command is done. */
  interface Run {
    void run(Settings settings, PrintStream out) throws Exception;
  }

  /** The services a serving command starts. */
  interface Services {
    Future<Platform> start(Vertx vertx, Settings settings);
  }

  final String name;
  final String help;
  final Run run;
  /** Null unless the command serves until stopped. */
  final Services services;
  final Set<Option> options;

  Command(String name, String help, Run run, Services services, Set<Option> options) {
    this.name = name;
    this.help = help;
    this.run = run;
    this.services = services;
    this.options = options;
  }

  static Command named(String name) {
    for (Command command : values()) {
      if (command.name.equals(name)) {
        return command;
      }
    }
    throw new IllegalArgumentException("unknown command '" + name + "' (see ezshop --help)");
  }

  @SafeVarargs
  private static Set<Option> union(Set<Option>... groups) {
    Set<Option> all = EnumSet.noneOf(Option.class);
    for (Set<Option> group : groups) {
      all.addAll(group);
    }
    return all;
  }

  private static Set<Option> minus(Set<Option> from, Set<Option> taken) {
    Set<Option> left = EnumSet.copyOf(from);
    left.removeAll(taken);
    return left;
  }

  /** Options several commands read. */
  private static final class Groups {
    static final Set<Option> TLS = EnumSet.of(Option.TLS, TLS_CERT, TLS_KEY, TLS_CA, TLS_NAMES, DATA_DIR);
    static final Set<Option> SERVICE = union(TLS, EnumSet.of(CONFIG, HOST, MANAGER_TOKEN, SHUTDOWN_GRACE_MS));
    static final Set<Option> STORE = union(SERVICE, EnumSet.of(STORE_PORT, PG_URL, SESSION_SECRET,
        JOURNAL_RETENTION_HOURS));
    static final Set<Option> IDENTITY = union(SERVICE, EnumSet.of(IDENTITY_PORT, PG_URL, MAX_IMAGE_BYTES,
        MAX_IMAGE_SIDE, FACE_MODELS, FACE_THRESHOLD, MIN_FACE_PIXELS, FACE_WORKERS, FACE_QUEUE, KEEP_FACE_PHOTOS,
        GALLERY_INDEX_FROM, IDENTITY_DATA_DIR));
    static final Set<Option> GATEWAY = union(SERVICE, EnumSet.of(GATEWAY_PORT, STORE_TARGET, IDENTITY_TARGET,
        SESSION_SECRET, METRICS_PORT, WEB_PORT, IDENTIFY_CONCURRENCY, DOOR_COOLDOWN_MS, FUSION_WINDOW_MS,
        FUSION_GRACE_MS, REVIEW_BELOW, GATEWAY_DATA_DIR, GATEWAY_STATE, PG_URL, LOGIN_THRESHOLD, LOGINS_PER_MINUTE,
        SESSION_CALLS_PER_SECOND, DEVICE_MESSAGES_PER_SECOND, DEVICE_BYTES_PER_SECOND, PUSH_CREDENTIALS,
        MAX_FRAME_BYTES, WEB_REDIRECT_PORT, DEVICE_CLIENT_CA));
    static final Set<Option> CLIENT = EnumSet.of(CONFIG, MANAGER_TOKEN, GATEWAY_TARGET, STORE_TARGET, GATEWAY_PORT,
        STORE_PORT, Option.TLS, TLS_CA, DATA_DIR);
    /** What the benchmarks and `load` set themselves: their services run here, on loopback, in memory. */
    static final Set<Option> LOOPBACK = union(TLS, EnumSet.of(HOST, GATEWAY_PORT, STORE_PORT, IDENTITY_PORT,
        METRICS_PORT, WEB_PORT, WEB_REDIRECT_PORT, STORE_TARGET, IDENTITY_TARGET, PG_URL, PUSH_CREDENTIALS,
        KEEP_FACE_PHOTOS));
    static final Set<Option> IN_PROCESS = minus(union(STORE, IDENTITY, GATEWAY), LOOPBACK);
    static final Set<Option> SIMULATION = EnumSet.of(FACES, SIM_SEED, SIM_SHOPPERS, SIM_ROWS, SIM_MINUTES, SIM_SPEED,
        SIM_PICK_TWO, SIM_PUT_BACK, SIM_TOGETHER, SIM_PROFILE, SIM_MISSED_FACE, SIM_HOVER, SIM_CLOCK_SKEW_MS,
        SIM_STRANGERS, SIM_NEIGHBOURS, SIM_SHARED_PICK, SIM_HAND_MS, SIM_PRESS, SIM_ROWS_PER_CAMERA, SIM_FPS,
        SIM_LONG_REACH, SIM_BYSTANDER, FRAME_RING_SECONDS, SIM_OUT);
  }
}
