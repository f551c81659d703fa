package org.ezshop.load.chaos;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ezshop.rpc.Tls;

/** The gateway's /metrics once a second: devices linked, and shelf changes waiting (for cameras among them). */
final class Timeline {

  /** One scrape, {@code atMillis} from the store's opening; -1 where the gateway did not answer. */
  record Sample(long atMillis, int links, int waiting, int waitingForCameras) {
  }

  private final HttpClient http;
  private final URI metrics;
  private final List<Sample> samples = new ArrayList<>();
  private ScheduledExecutorService clock;

  Timeline(int metricsPort, Tls tls) {
    HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500));
    this.http = (tls.trusts() ? http.sslContext(tls.sslContext()) : http).build();
    this.metrics = URI.create(tls.scheme() + "://127.0.0.1:" + metricsPort + "/metrics");
  }

  synchronized void start(long start) {
    clock = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "chaos-timeline"));
    clock.scheduleAtFixedRate(() -> sample(start), 0, 1, TimeUnit.SECONDS);
  }

  synchronized void stop() {
    if (clock != null) {
      clock.shutdownNow();
    }
  }

  synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }

  private void sample(long start) {
    long at = System.currentTimeMillis() - start;
    Sample s;
    try {
      String text = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofMillis(800)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      s = new Sample(at, value(text, "ezshop_edge_links_connected"), value(text, "ezshop_fusion_waiting"),
          value(text, "ezshop_fusion_waiting_cameras"));
    } catch (Exception e) {
      s = new Sample(at, -1, -1, -1);
    }
    synchronized (this) {
      samples.add(s);
    }
  }

  private static int value(String text, String name) {
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return -1;
  }
}
