package org.ezshop.dist;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.ezshop.dist.setup.AgentConfigs;
import org.ezshop.dist.setup.StoreFile;
import org.ezshop.dist.setup.StoreSetup;
import org.ezshop.load.ClientAuth;
import org.ezshop.load.chaos.ServiceProcess;
import org.ezshop.rpc.Tls;
import org.ezshop.store.v1.StoreServiceGrpc;

/**
 * A chain of stores on one machine, every part a process of its own: {@code replicas} store-svc and identity-svc
 * replicas on one PostgreSQL, and a gateway per store (--store-id) calling every replica. `ezshop cluster` runs one,
 * and so does the chain test. TLS is --tls auto's, one CA in {@code dir}/data; each process logs to {@code dir}.
 */
final class Chain implements AutoCloseable {

  private final Path dir;
  private final String token;
  private final Map<String, ServiceProcess> processes = new LinkedHashMap<>();
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final List<String> stores;
  private ManagedChannel channel;

  private Chain(Path dir, String token, List<String> stores) {
    this.dir = dir;
    this.token = token;
    this.stores = List.copyOf(stores);
  }

  List<String> stores() {
    return stores;
  }

  /** Starts the replicas, creates the stores, then starts each store's gateway; {@link #lay} lays one out. */
  static Chain start(List<String> stores, int replicas, String pgUrl, String token, String sessionSecret, Path dir,
      PrintStream out) throws Exception {
    Files.createDirectories(dir);
    Chain chain = new Chain(dir, token, stores);
    try {
      Map<String, String> env = Map.of("EZSHOP_MANAGER_TOKEN", token, "EZSHOP_SESSION_SECRET", sessionSecret,
          "EZSHOP_PG_URL", pgUrl, "EZSHOP_DATA_DIR", dir.resolve("data").toString(), "EZSHOP_HOST", "127.0.0.1");
      for (int r = 1; r <= replicas; r++) {
        chain.start("store-" + r, env, "store", "--store-port");
        chain.start("identity-" + r, env, "identity", "--identity-port");
      }
      chain.channel = NettyChannelBuilder.forAddress("127.0.0.1", chain.port("store-1"), chain.tls().credentials())
          .build();
      for (String store : stores) {
        StoreSetup.created(ClientAuth.as(StoreServiceGrpc.newBlockingStub(chain.channel), token), store);
      }
      for (String store : stores) {
        chain.start("gateway-" + store, env, "gateway", "--gateway-port", "--store-id", store, "--store-target",
            chain.targets("store-"), "--identity-target", chain.targets("identity-"), "--metrics-port",
            chain.freePort("metrics-" + store), "--web-port", chain.freePort("web-" + store), "--web-redirect-port",
            chain.freePort("redirect-" + store), "--gateway-data-dir", dir.resolve("gateway-" + store).toString());
        out.printf("cluster: store %s: gateway 127.0.0.1:%d, dashboard https://127.0.0.1:%d/dashboard.html%n", store,
            chain.port("gateway-" + store), chain.port("web-" + store));
      }
      return chain;
    } catch (Exception | Error e) {
      chain.close();
      throw e;
    }
  }

  private void start(String name, Map<String, String> env, String command, String portFlag, String... args)
      throws Exception {
    List<String> launch = new ArrayList<>(List.of(command, portFlag, freePort(name)));
    launch.addAll(List.of(args));
    ServiceProcess process = LauncherProcess.of(name, List.of(), launch, port(name), dir, env);
    processes.put(name, process);
    process.start();
  }

  private String freePort(String name) throws IOException {
    ports.put(name, LauncherProcess.freePort());
    return String.valueOf(ports.get(name));
  }

  private String targets(String prefix) {
    return ports.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
        .map(e -> "127.0.0.1:" + e.getValue()).collect(Collectors.joining(","));
  }

  /** A process's port ("store-1", "identity-2", "gateway-STORE"), or a gateway's "web-STORE" or "metrics-STORE". */
  int port(String name) {
    return ports.get(name);
  }

  /** What a client of the chain trusts. */
  Tls tls() {
    return Tls.trusting(dir.resolve("data/tls/ca.pem"));
  }

  /** Makes the store (created when missing) what the file declares; its agents' configs go into {@code devices}. */
  StoreSetup.Outcome lay(String store, StoreFile file, Path devices, PrintStream out) throws IOException {
    return new StoreSetup(ClientAuth.as(StoreServiceGrpc.newBlockingStub(channel), token, store), store)
        .apply(file, new AgentConfigs(devices, "127.0.0.1:" + port("gateway-" + store), tls().ca()), out);
  }

  /** SIGKILL of one process, as a crash. */
  void kill(String name) {
    processes.get(name).kill();
  }

  @Override
  public void close() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    List<ServiceProcess> newestFirst = new ArrayList<>(processes.values());
    java.util.Collections.reverse(newestFirst);
    for (ServiceProcess process : newestFirst) {
      process.stop();
    }
  }
}
