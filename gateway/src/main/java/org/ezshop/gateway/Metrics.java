package org.ezshop.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.ezshop.gateway.fusion.Fusion;
import org.ezshop.gateway.link.DeviceLimits;
import org.ezshop.gateway.link.DeviceLink;
import org.ezshop.gateway.link.EdgeLinks;
import org.ezshop.gateway.notify.ReceiptNotifier;
import org.ezshop.gateway.shelf.LayoutLoader;
import org.ezshop.gateway.shelf.ShelfChangeFeed;
import org.ezshop.gateway.shop.ShopLimits;
import org.ezshop.gateway.sight.Sightings;
import org.ezshop.rpc.GrpcEndpoint;
import org.ezshop.rpc.Tls;
import org.ezshop.rpc.TlsOptions;

/** The gateway's metrics in the Prometheus text format at GET /metrics on their own port. */
final class Metrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final EdgeLinks links;
  /** Every rule {@link org.ezshop.gateway.fusion.Evidence} decides by. */
  private static final List<String> RULES = List.of("scored", "split", "put-back:holder", "unrecognised-person",
      "no-candidate", "camera-gap");

  private final Map<String, Replicas> downstream;
  private final Map<String, Integer> serving = new ConcurrentHashMap<>();
  private final MultiGauge linkUp;
  private final MultiGauge offsets;
  private final MultiGauge lastSeen;
  private HttpServer server;

  Metrics(EdgeLinks links, LayoutLoader layout, ShelfChangeFeed changes, Sightings sightings, Fusion fusion,
      ReceiptNotifier receipts, ShopLimits limits, DeviceLimits devices, Map<String, Replicas> downstream) {
    this.links = links;
    this.downstream = downstream;
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    gc.bindTo(registry);
    Gauge.builder("ezshop.edge.links.connected", links, l -> l.all().stream().filter(DeviceLink::connected).count())
        .description("devices with an open EdgeLink stream").register(registry);
    total("ezshop.edge.readings", "sensor readings received", DeviceLink::readings);
    total("ezshop.edge.frames", "camera frames received", DeviceLink::frames);
    total("ezshop.edge.device.dropped", "readings or frames devices reported lost", DeviceLink::deviceDropped);
    Gauge.builder("ezshop.fusion.waiting", fusion, Fusion::waiting)
        .description("shelf changes waiting for their decision").register(registry);
    Gauge.builder("ezshop.fusion.waiting.cameras", fusion, Fusion::waitingForCameras)
        .description("shelf changes past their decision time, waiting for a covering camera's frames (offline, or "
            + "sending its backlog)").register(registry);
    FunctionCounter.builder("ezshop.layout.reads", layout, LayoutLoader::reads)
        .description("whole reads of the shelf layout from store-svc: at start, and after its event stream broke")
        .register(registry);
    FunctionCounter.builder("ezshop.layout.followed", layout, LayoutLoader::followed)
        .description("shelf rows and devices changed one at a time from store-svc's layout events").register(registry);
    Counter shelf = Counter.builder("ezshop.shelf.changes").description("shelf changes measured").register(registry);
    changes.listen(c -> shelf.increment());
    String faces = "faces seen by cameras, by whether the gallery knew them";
    Counter known = Counter.builder("ezshop.sightings").description(faces).tag("known", "true").register(registry);
    Counter unknown = Counter.builder("ezshop.sightings").description(faces).tag("known", "false").register(registry);
    sightings.listen(s -> (s.known() ? known : unknown).increment());
    FunctionCounter.builder("ezshop.frames.coalesced", sightings, Sightings::coalesced)
        .description("frames replaced by a newer one of their camera while identification was busy")
        .register(registry);
    FunctionCounter.builder("ezshop.receipts.pushed", receipts, ReceiptNotifier::sent)
        .description("receipt notifications FCM accepted").register(registry);
    FunctionCounter.builder("ezshop.receipts.push.failed", receipts, ReceiptNotifier::failed)
        .description("receipt notifications FCM refused, after retries").register(registry);
    FunctionCounter.builder("ezshop.receipts.unpushed", receipts, ReceiptNotifier::unsent)
        .description("receipt notifications logged (no credentials or no token) or failed after retries")
        .register(registry);
    String refused = "calls refused for a rate limit, by limit";
    FunctionCounter.builder("ezshop.limit.refused", limits, ShopLimits::loginsRefused).tag("limit", "login")
        .description(refused).register(registry);
    FunctionCounter.builder("ezshop.limit.refused", limits, ShopLimits::sessionCallsRefused).tag("limit", "session")
        .description(refused).register(registry);
    FunctionCounter.builder("ezshop.limit.refused", devices, DeviceLimits::messagesRefused)
        .tag("limit", "device_messages").description(refused).register(registry);
    FunctionCounter.builder("ezshop.limit.refused", devices, DeviceLimits::bytesRefused)
        .tag("limit", "device_bytes").description(refused).register(registry);
    FunctionCounter.builder("ezshop.limit.refused", GrpcEndpoint.class, c -> GrpcEndpoint.pingsRefused())
        .tag("limit", "keepalive").description(refused).register(registry);
    for (String rule : RULES) { // every series from the start, so that dashboards and alerts find them
      decisions(rule, true);
      decisions(rule, false);
    }
    fusion.onDecision((change, d) -> decisions(d.rule(), d.reviewed(change.delta())).increment());
    Timer identify = Timer.builder("ezshop.identify").description("Identify calls to identity-svc that answered")
        .publishPercentileHistogram().register(registry);
    sightings.timeIdentify(nanos -> identify.record(nanos, TimeUnit.NANOSECONDS));
    downstream.keySet().forEach(service -> Gauge.builder("ezshop.downstream.serving", serving, m -> m.getOrDefault(
            service, 0)).tag("service", service).description("1 while the service answers SERVING (store-svc: its "
            + "database is reachable), at the last scrape").register(registry));
    linkUp = MultiGauge.builder("ezshop.edge.link.up")
        .description("1 while the registered device has its EdgeLink stream open").register(registry);
    offsets = MultiGauge.builder("ezshop.edge.clock.offset").baseUnit("seconds")
        .description("device clock minus gateway clock").register(registry);
    lastSeen = MultiGauge.builder("ezshop.edge.last.seen").baseUnit("seconds")
        .description("when the device was last heard from, epoch seconds").register(registry);
  }

  private Counter decisions(String rule, boolean review) {
    return Counter.builder("ezshop.fusion.decisions").tag("rule", rule).tag("review", String.valueOf(review))
        .description("shelf changes decided, by rule, and whether they went to the review queue").register(registry);
  }

  private void total(String name, String description, ToDoubleFunction<DeviceLink> each) {
    FunctionCounter.builder(name, links, l -> l.all().stream().mapToDouble(each).sum()).description(description)
        .register(registry);
  }

  /** The current exposition; per-device rows are refreshed first. */
  String scrape() {
    List<MultiGauge.Row<?>> offsetRows = new ArrayList<>();
    List<MultiGauge.Row<?>> seenRows = new ArrayList<>();
    for (DeviceLink link : links.all()) {
      Tags device = Tags.of("device", link.deviceId());
      offsetRows.add(MultiGauge.Row.of(device, link.clockOffsetMillis() / 1000.0));
      seenRows.add(MultiGauge.Row.of(device, link.lastSeenMillis() / 1000.0));
    }
    offsets.register(offsetRows, true);
    lastSeen.register(seenRows, true);
    Set<String> devices = new TreeSet<>(links.registered());
    links.all().forEach(link -> devices.add(link.deviceId()));
    linkUp.register(devices.stream().map(device -> MultiGauge.Row.of(Tags.of("device", device),
        Optional.ofNullable(links.get(device)).filter(DeviceLink::connected).isPresent() ? 1 : 0)).toList(), true);
    downstream.forEach((service, health) -> serving.put(service, health.serving()
        .toCompletionStage().toCompletableFuture().join() ? 1 : 0)); // on a worker thread
    return registry.scrape();
  }

  /** Serves /metrics on the port (0 = any free one), over HTTPS when {@code tls} serves. */
  Future<Integer> start(Vertx vertx, String host, int port, Tls tls) {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(ctx -> vertx.executeBlocking(this::scrape)
        .onSuccess(text -> ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
            .end(text))
        .onFailure(ctx::fail));
    return vertx.createHttpServer(TlsOptions.server(tls, new HttpServerOptions())).requestHandler(router)
        .listen(port, host).map(s -> {
          server = s;
          return s.actualPort();
        });
  }

  Future<Void> close() {
    gc.close();
    registry.close();
    return server == null ? Future.succeededFuture() : server.close();
  }
}
