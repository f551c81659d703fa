package org.ezshop.gateway;

import com.google.firebase.messaging.FirebaseMessaging;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.ezshop.edge.v1.EdgeLinkServiceGrpcService;
import org.ezshop.gateway.door.Doors;
import org.ezshop.gateway.fusion.Fusion;
import org.ezshop.gateway.fusion.FusionSettings;
import org.ezshop.gateway.link.DeviceLimits;
import org.ezshop.gateway.link.EdgeLinkApi;
import org.ezshop.gateway.link.EdgeLinks;
import org.ezshop.gateway.notify.ReceiptNotifier;
import org.ezshop.gateway.shelf.LayoutLoader;
import org.ezshop.gateway.shelf.RowLevels;
import org.ezshop.gateway.shelf.ShelfChangeFeed;
import org.ezshop.gateway.shelf.ShelfIntake;
import org.ezshop.gateway.shelf.Shelves;
import org.ezshop.gateway.shop.Provisioning;
import org.ezshop.gateway.shop.ShelfSetup;
import org.ezshop.gateway.shop.ShelfWatch;
import org.ezshop.gateway.shop.ShopApi;
import org.ezshop.gateway.shop.ShopLimits;
import org.ezshop.gateway.sight.FrameIntake;
import org.ezshop.gateway.sight.RecentSightings;
import org.ezshop.gateway.sight.SightingWindow;
import org.ezshop.gateway.sight.Sightings;
import org.ezshop.gateway.state.GatewayState;
import org.ezshop.gateway.web.WebApp;
import org.ezshop.identity.v1.IdentityServiceGrpcService;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.rpc.GrpcEndpoint;
import org.ezshop.rpc.ListenFailure;
import org.ezshop.rpc.TlsOptions;
import org.ezshop.shop.v1.ShopServiceGrpcService;
import org.ezshop.store.v1.ListStoresRequest;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.StoreServiceGrpcClient;
import org.ezshop.store.v1.StoreServiceGrpcService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway: EdgeLink for devices and ShopService for apps, over gRPC; talks to the services over gRPC. */
public final class GatewayServer {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
  private static final int ENVELOPE_BYTES = 4096;
  private static final int CONNECT_TIMEOUT_MS = 2000;

  private final GrpcEndpoint endpoint;
  private final GrpcClient client;
  private final LayoutLoader layout;
  private final EdgeLinks links;
  private final ShelfChangeFeed changes;
  private final Sightings sightings;
  private final Metrics metrics;
  private final int metricsPort;
  private final Fusion fusion;
  private final RowLevels levels;
  private final WebApp web;
  private final GatewayState state;
  private final List<Replicas> replicas;

  private GatewayServer(GrpcEndpoint endpoint, GrpcClient client, LayoutLoader layout, EdgeLinks links,
      ShelfChangeFeed changes, Sightings sightings, Metrics metrics, int metricsPort, Fusion fusion, RowLevels levels,
      WebApp web, GatewayState state, List<Replicas> replicas) {
    this.replicas = replicas;
    this.endpoint = endpoint;
    this.client = client;
    this.layout = layout;
    this.links = links;
    this.changes = changes;
    this.sightings = sightings;
    this.metrics = metrics;
    this.metricsPort = metricsPort;
    this.fusion = fusion;
    this.levels = levels;
    this.web = web;
    this.state = state;
  }

  public static Future<GatewayServer> start(Vertx vertx, GatewayConfig config) {
    return vertx.executeBlocking(() -> ReceiptNotifier.fromCredentials(config.pushCredentials()))
        .compose(fcm -> start(vertx, config, fcm));
  }

  /** With the given FCM client (tests pass one over a test HTTP transport). */
  public static Future<GatewayServer> start(Vertx vertx, GatewayConfig config, Optional<FirebaseMessaging> fcm) {
    return GatewayState.open(vertx, config.state()).compose(state -> start(vertx, config, fcm, state)
        .onFailure(e -> state.close()));
  }

  private static Future<GatewayServer> start(Vertx vertx, GatewayConfig config, Optional<FirebaseMessaging> fcm,
      GatewayState state) {
    // A camera's frame comes back to the web bridge in GetCameraFrame: answers as large as the frames taken.
    GrpcClient client = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize((long) config.maxFrameBytes()
        + ENVELOPE_BYTES), TlsOptions.client(config.tls(), new HttpClientOptions()
        .setHttp2ClearTextUpgrade(false) // prior knowledge, as every plaintext gRPC server here speaks h2c
        .setConnectTimeout(CONNECT_TIMEOUT_MS)));
    // The gateway is only as healthy as the services it needs.
    Replicas store = new Replicas(client, config.storeTargets(), StoreServiceGrpcService.SERVICE_NAME);
    Replicas identity = new Replicas(client, config.identityTargets(), IdentityServiceGrpcService.SERVICE_NAME);
    store.start(vertx);
    identity.start(vertx);
    ServiceClient storeCalls = new ServiceClient(client, store, config.managerToken(), config.storeId());
    EdgeLinks links = new EdgeLinks();
    ServiceClient identityCalls = new ServiceClient(client, identity, config.managerToken(), "");
    Sightings sightings = new Sightings(identityCalls,
        new SightingWindow(GatewayConfig.SIGHTING_WINDOW_MILLIS), config.identifyConcurrency());
    Fusion fusion = new Fusion(vertx, storeCalls, sightings.window(), links, config.fusion(),
        state.area("pending"), config.state().durable());
    // A reading's path: EdgeLinkApi -> EdgeSession -> ShelfIntake -> Shelves -> ShelfChangeFeed -> RowLevels ->
    // Fusion -> Verdict.
    RowLevels levels = new RowLevels(vertx, state.area("levels"), fusion);
    ShelfChangeFeed changes = new ShelfChangeFeed(levels);
    Shelves shelves = new Shelves(GatewayConfig.STABLE_MILLIS, levels);
    LayoutLoader layout = new LayoutLoader(vertx, storeCalls, shelves, links::registered, links::layoutChanged);
    ShelfIntake shelfIntake = new ShelfIntake(shelves, changes);
    FrameIntake frameIntake = new FrameIntake(sightings);
    Doors doors = new Doors(storeCalls, links, config.doorCooldownMillis(), fusion::settled, config.storeId());
    ReceiptNotifier notifier = new ReceiptNotifier(vertx, storeCalls, fcm);
    ShopLimits limits = new ShopLimits(config.limits(), System::currentTimeMillis);
    DeviceLimits deviceLimits = new DeviceLimits(config.deviceLimits());
    AtomicInteger edgeLinkPort = new AtomicInteger(); // known once the endpoint is bound
    Metrics metrics = new Metrics(links, layout, changes, sightings, fusion, notifier, limits, deviceLimits,
        Map.of("store-svc", store, "identity-svc", identity));
    doors.onReceipt((shopper, receipt) -> fusion.left(shopper, EpochMillis.of(receipt.getIssuedAt())));
    doors.onReceipt((shopper, receipt) -> unrecorded(receipt, notifier.send(shopper, receipt)));
    Consumer<Receipt> adjusted = receipt -> unrecorded(receipt, notifier.tell(receipt));
    fusion.onReceiptAdjusted(adjusted);
    sightings.listen(fusion::seen);
    FusionSettings fusing = config.fusion();
    RecentSightings recent = new RecentSightings(state.area("recent"), config.state().durable(),
        fusing.windowMillis() + fusing.latenessMillis() + fusing.graceMillis());
    sightings.beforeAck(recent::keep);
    sightings.beforeAck(fusion::keep);
    sightings.beforeAck(doors::act);
    return storeExists(storeCalls, config.storeId()).onFailure(e -> List.of(store, identity).forEach(Replicas::stop))
        .compose(known -> levels.load())
        .compose(loaded -> sightings.window().keepIn(state.area("near")))
        .compose(loaded -> layout.start(GatewayConfig.LAYOUT_RETRY_MILLIS))
        .compose(loaded -> recent.restoreInto(sightings.window()))
        .compose(loaded -> fusion.start())
        .compose(started -> GrpcEndpoint.start(vertx, config.host(), config.port(),
            (long) config.maxFrameBytes() + ENVELOPE_BYTES,
            List.of(new EdgeLinkApi(vertx, storeCalls, links, shelfIntake, frameIntake, config.heartbeatMillis(),
                    config.deviceClientCa().isPresent(), deviceLimits),
                new ShopApi(storeCalls, identityCalls, config.managerToken(), config.sessionSecret(), links,
                    limits, new ShelfWatch(vertx, shelves, links),
                    new ShelfSetup(vertx, storeCalls, sightings, links, layout::load),
                    new Provisioning(storeCalls, links, shelves, config.host(), edgeLinkPort::get,
                        config.tls().serves()), adjusted)), endpointOptions(config)))
        .onSuccess(endpoint -> edgeLinkPort.set(endpoint.port()))
        .compose(endpoint -> ListenFailure.named("gateway-metrics", config.metricsPort(),
            metrics.start(vertx, config.host(), config.metricsPort(), config.tls())).compose(metricsPort ->
            ListenFailure.named("gateway-web", config.webPort(), WebApp.start(vertx, client,
                SocketAddress.inetSocketAddress(endpoint.port(), "127.0.0.1"), storeCalls, config.host(),
                config.webPort(),
                config.maxFrameBytes(), config.tls(), config.webRedirectPort())).map(web -> {
          endpoint.health()
              .register(EdgeLinkServiceGrpcService.SERVICE_NAME, store::serving)
              .register(ShopServiceGrpcService.SERVICE_NAME,
                  () -> Future.all(store.serving(), identity.serving()).map(all -> all.<Boolean>resultAt(0)
                      && all.<Boolean>resultAt(1)));
          LOG.info("event=started service=gateway port={} metrics_port={} web_port={} store={} identity={} tls={}",
              endpoint.port(), metricsPort, web.port(), store, identity,
              config.tls().serves());
          return new GatewayServer(endpoint, client, layout, links, changes, sightings, metrics, metricsPort, fusion,
              levels, web, state, List.of(store, identity));
        })).onFailure(e -> endpoint.close(Duration.ZERO)));
  }

  public int port() {
    return endpoint.port();
  }

  // A gateway for a store the chain lacks would serve nothing; store-svc not up yet is no reason not to start.
  private static Future<Void> storeExists(ServiceClient store, String storeId) {
    if (storeId.isEmpty()) {
      return Future.succeededFuture();
    }
    return store.call(StoreServiceGrpcClient.ListStores, ListStoresRequest.getDefaultInstance()).transform(listed ->
        listed.failed() || listed.result().getStoresList().stream().anyMatch(s -> s.getStoreId().equals(storeId))
            ? Future.succeededFuture()
            : Future.failedFuture(new IllegalArgumentException("--store-id " + storeId + ": the chain has no such "
                + "store; `ezshop setup apply --store-id " + storeId + "` (or StoreService.CreateStore) makes it")));
  }

  // Devices and apps share the port: a client certificate is asked for, and EdgeLink insists on one.
  private static HttpServerOptions endpointOptions(GatewayConfig config) {
    HttpServerOptions options = TlsOptions.server(config.tls(), new HttpServerOptions());
    return config.deviceClientCa().map(ca -> TlsOptions.askingClientCertificates(options, ca)).orElse(options);
  }

  /** Where the dashboard and the shopper page are served. */
  public int webPort() {
    return web.port();
  }

  /** Where plain HTTP is sent on to the pages' HTTPS; -1 without TLS. */
  public int webRedirectPort() {
    return web.redirectPort();
  }

  /** Where GET /metrics answers (Prometheus text format). */
  public int metricsPort() {
    return metricsPort;
  }

  /** Every device heard from since start, with its link state. */
  public EdgeLinks links() {
    return links;
  }

  /** Every shelf change as it is measured, to follow. */
  public ShelfChangeFeed shelfChanges() {
    return changes;
  }

  /** Who the cameras saw: the last 30 s per camera, and a way to follow them. */
  public Sightings sightings() {
    return sightings;
  }

  /** Shelf changes waiting for their decision. */
  private static void unrecorded(Receipt receipt, Future<Void> push) {
    push.onFailure(e -> LOG.warn("event=notification_unrecorded receipt={} error={}", receipt.getReceiptId(),
        e.getMessage()));
  }

  public Fusion fusion() {
    return fusion;
  }

  /** Reads the shelf layout from store-svc now, rather than at the next refresh. */
  public Future<Void> reloadLayout() {
    return layout.load();
  }

  public Future<Void> close(Duration grace) {
    layout.stop();
    replicas.forEach(Replicas::stop);
    fusion.close();
    levels.close();
    return endpoint.close(grace).compose(v -> web.close()).compose(v -> metrics.close()).compose(v -> client.close())
        .eventually(state::close);
  }
}
