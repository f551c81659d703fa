package org.ezshop.dist;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ezshop.load.chaos.ServiceProcess;

/**
 * `ezshop load --load-gateways K`: the K gateways the devices are spread over, each a process of its own with
 * {@value #HEAP} of heap on the launcher's store-svc and identity-svc; and the baseline's K bare servers
 * (`edge-sink` processes), the same spread. Their logs (and the gateways' state) go into {@code dir}.
 */
final class LoadProcesses implements AutoCloseable {

  static final String HEAP = "1g";
  private static final Pattern HEAP_USED = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"[^}]*} (\\S+)$");

  private final Settings settings;
  private final Platform platform;
  private final Path dir;
  private final List<ServiceProcess> running = new ArrayList<>();
  private final List<Integer> metricsPorts = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  LoadProcesses(Settings settings, Platform platform, Path dir) {
    this.settings = settings;
    this.platform = platform;
    this.dir = dir;
  }

  List<InetSocketAddress> gateways(int k) throws Exception {
    List<InetSocketAddress> gateways = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      int port = LauncherProcess.freePort();
      int metrics = LauncherProcess.freePort();
      Path state = dir.resolve("gateway-" + i);
      if (Files.exists(state)) { // an earlier run's pending changes and levels are not this run's
        try (Stream<Path> old = Files.walk(state)) {
          for (Path file : old.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(file);
          }
        }
      }
      metricsPorts.add(metrics);
      start("gateway-" + i, port, List.of("gateway", "--host", "127.0.0.1", "--gateway-port", String.valueOf(port),
          "--store-target", "127.0.0.1:" + platform.ports().get("store-svc"), "--identity-target", "127.0.0.1:"
              + platform.ports().get("identity-svc"), "--manager-token", settings.managerToken(), "--tls", "off",
          "--metrics-port", String.valueOf(metrics), "--web-port", "0", "--web-redirect-port", "0",
          "--gateway-data-dir", state.toString(), "--device-messages-per-second",
          String.valueOf(Integer.MAX_VALUE), "--device-bytes-per-second", String.valueOf(Long.MAX_VALUE / 100)));
      gateways.add(new InetSocketAddress("127.0.0.1", port));
    }
    return gateways;
  }

  List<InetSocketAddress> bare(int k) throws Exception {
    List<InetSocketAddress> servers = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      int port = LauncherProcess.freePort();
      start("edge-sink-" + i, port, List.of("edge-sink", "--host", "127.0.0.1", "--gateway-port",
          String.valueOf(port)));
      servers.add(new InetSocketAddress("127.0.0.1", port));
    }
    return servers;
  }

  /** Waits until every gateway has read the registry with the device in it (its /metrics names the device). */
  void awaitDevice(String deviceId) throws Exception {
    long until = System.currentTimeMillis() + 60_000;
    for (int port : metricsPorts) {
      while (!metrics(port).contains("device=\"" + deviceId + "\"")) {
        if (System.currentTimeMillis() > until) {
          throw new IllegalStateException("the gateway with metrics on " + port + " never loaded device " + deviceId);
        }
        Thread.sleep(200);
      }
    }
  }

  /** Each gateway's heap in use now, from its /metrics. */
  List<String> heaps() throws Exception {
    List<String> heaps = new ArrayList<>();
    for (int i = 0; i < metricsPorts.size(); i++) {
      double used = 0;
      Matcher m = HEAP_USED.matcher(metrics(metricsPorts.get(i)));
      while (m.find()) {
        used += Double.parseDouble(m.group(1));
      }
      heaps.add(String.format("gateway-%d heap in use %.0f MB (of -Xmx%s)", i, used / 1048576, HEAP));
    }
    return heaps;
  }

  private String metrics(int port) throws Exception {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException notYet) {
      return "";
    }
  }

  private void start(String name, int port, List<String> args) throws Exception {
    ServiceProcess process = LauncherProcess.of(name, List.of("-Xmx" + HEAP), args, port, dir, java.util.Map.of());
    running.add(process);
    process.start();
  }

  @Override
  public void close() throws InterruptedException {
    for (ServiceProcess process : running) {
      process.stop();
    }
  }
}
