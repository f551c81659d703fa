package org.ezshop.gateway;

import com.google.firebase.messaging.FirebaseMessaging;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ezshop.common.v1.Calibration;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.common.v1.Money;
import org.ezshop.common.v1.SensorType;
import org.ezshop.gateway.fusion.FusionSettings;
import org.ezshop.gateway.link.DeviceLimits;
import org.ezshop.gateway.shop.ShopLimits;
import org.ezshop.gateway.state.StatePlace;
import org.ezshop.identity.IdentityConfig;
import org.ezshop.identity.IdentityServer;
import org.ezshop.identity.v1.IdentityServiceGrpc;
import org.ezshop.rpc.EventLoops;
import org.ezshop.rpc.Tls;
import org.ezshop.shop.v1.ShopServiceGrpc;
import org.ezshop.store.StoreConfig;
import org.ezshop.store.StoreServer;
import org.ezshop.store.v1.CreateItemRequest;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.PutShelfRowRequest;
import org.ezshop.store.v1.RegisterDeviceRequest;
import org.ezshop.store.v1.RegisterShopperRequest;
import org.ezshop.store.v1.ShelfRow;
import org.ezshop.store.v1.ShelfSensor;
import org.ezshop.store.v1.StoreServiceGrpc;
import org.ezshop.testing.TestPostgres;

/**
 * A real store-svc and identity-svc (in memory or on PostgreSQL) and a gateway on loopback, with one shelf device
 * "pi-1" (ultrasonic sensors us-1 on row soda-row and us-2 on chips-row: empty at 600 mm, 60 mm per item, five
 * of each in stock), an entrance camera "cam-1" and
 * an exit camera "cam-exit", and a shelf camera device "cam-shelf" whose camera "shelf-cam" covers soda-row.
 * Door cooldown: 2 s.
 */
public final class TestPlatform implements AutoCloseable {

  public static final String MANAGER = "gateway-test-manager-token";
  public static final String PI_TOKEN = "pi-1-token-0123456789";
  public static final String CAM_TOKEN = "cam-1-token-0123456789";
  public static final String SHELF_CAM_TOKEN = "cam-shelf-token-0123456789";
  public static final String EXIT_TOKEN = "cam-exit-token-0123456789";
  public static final byte[] SECRET = "gateway-test-session-secret-0123456789".getBytes();

  public final Vertx vertx = EventLoops.vertx();
  public StoreServer store;
  private StoreConfig storeConfig;
  public final IdentityServer identity;
  public GatewayServer gateway;
  public ManagedChannel channel;
  /** Further replicas of store-svc and identity-svc, on the same database. */
  public final List<StoreServer> storeReplicas = new ArrayList<>();
  public final List<IdentityServer> identityReplicas = new ArrayList<>();
  /** The services' database, when on PostgreSQL. */
  public final Optional<String> db;
  private GatewayConfig config;
  private boolean identityStopped;
  private final Optional<FirebaseMessaging> fcm;
  private final ManagedChannel services;

  public TestPlatform(long heartbeatMillis, int identifyConcurrency) throws Exception {
    this(heartbeatMillis, identifyConcurrency, new StatePlace.Memory());
  }

  public TestPlatform(long heartbeatMillis, int identifyConcurrency, StatePlace state) throws Exception {
    this(heartbeatMillis, identifyConcurrency, state, false, Optional.empty());
  }

  /**
   * @param state    where the gateway keeps pending changes and rows' levels
   * @param postgres store-svc and identity-svc on a fresh PostgreSQL database (else in memory)
   * @param fcm      push notifications through this client (else logged)
   */
  public TestPlatform(long heartbeatMillis, int identifyConcurrency, StatePlace state, boolean postgres,
      Optional<FirebaseMessaging> fcm) throws Exception {
    this(heartbeatMillis, identifyConcurrency, state, postgres, fcm, 1);
  }

  /** @param replicas store-svc and identity-svc processes each, on one PostgreSQL database when more than one */
  public TestPlatform(long heartbeatMillis, int identifyConcurrency, StatePlace state, boolean postgres,
      Optional<FirebaseMessaging> fcm, int replicas) throws Exception {
    this.fcm = fcm;
    db = postgres ? Optional.of(TestPostgres.freshDatabase(vertx)) : Optional.empty();
    store = StoreServer.start(vertx, new StoreConfig("127.0.0.1", 0, db, MANAGER,
        SECRET)).await(30, TimeUnit.SECONDS);
    storeConfig = new StoreConfig("127.0.0.1", store.port(), db, MANAGER, SECRET);
    identity = IdentityServer.start(vertx, IdentityConfig.of("127.0.0.1", 0, MANAGER, db))
        .await(60, TimeUnit.SECONDS);
    for (int r = 1; r < replicas; r++) {
      storeReplicas.add(StoreServer.start(vertx, new StoreConfig("127.0.0.1", 0, db, MANAGER, SECRET))
          .await(30, TimeUnit.SECONDS));
      identityReplicas.add(IdentityServer.start(vertx, IdentityConfig.of("127.0.0.1", 0, MANAGER, db))
          .await(60, TimeUnit.SECONDS));
    }
    services = ManagedChannelBuilder.forAddress("127.0.0.1", store.port()).usePlaintext().build();
    StoreServiceGrpc.StoreServiceBlockingStub manager = storeStub();
    manager.createItem(CreateItemRequest.newBuilder().setItem(Item.newBuilder().setSku("soda").setName("Soda")
        .setStock(5).setPrice(Money.newBuilder().setMinorUnits(125).setCurrency("USD"))).build());
    manager.putShelfRow(PutShelfRowRequest.newBuilder().setRow(ShelfRow.newBuilder().setRowId("soda-row")
        .setSku("soda").addSensors(ShelfSensor.newBuilder().setSensorId("us-1").setDeviceId("pi-1")
            .setType(SensorType.SENSOR_TYPE_ULTRASONIC)).addCameraIds("shelf-cam")
        .setCalibration(Calibration.newBuilder().setEmptyDistanceMm(600).setItemDepthMm(60).setCapacity(8))).build());
    manager.createItem(CreateItemRequest.newBuilder().setItem(Item.newBuilder().setSku("chips").setName("Chips")
        .setStock(5).setPrice(Money.newBuilder().setMinorUnits(199).setCurrency("USD"))).build());
    manager.putShelfRow(PutShelfRowRequest.newBuilder().setRow(ShelfRow.newBuilder().setRowId("chips-row")
        .setSku("chips").addSensors(ShelfSensor.newBuilder().setSensorId("us-2").setDeviceId("pi-1")
            .setType(SensorType.SENSOR_TYPE_ULTRASONIC)).addCameraIds("shelf-cam")
        .setCalibration(Calibration.newBuilder().setEmptyDistanceMm(600).setItemDepthMm(60).setCapacity(8))).build());
    manager.registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId("pi-1").setKind(DeviceKind.DEVICE_KIND_SHELF)
        .setToken(PI_TOKEN).build());
    manager.registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId("cam-1")
        .setKind(DeviceKind.DEVICE_KIND_CAMERA).setCameraRole(CameraRole.CAMERA_ROLE_ENTRANCE).setToken(CAM_TOKEN)
        .build());
    manager.registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId("cam-shelf")
        .setKind(DeviceKind.DEVICE_KIND_CAMERA).setCameraRole(CameraRole.CAMERA_ROLE_SHELF).setToken(SHELF_CAM_TOKEN)
        .build());
    manager.registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId("cam-exit")
        .setKind(DeviceKind.DEVICE_KIND_CAMERA).setCameraRole(CameraRole.CAMERA_ROLE_EXIT).setToken(EXIT_TOKEN)
        .build());
    config = new GatewayConfig("127.0.0.1", 0,
        Stream.concat(Stream.of(store.port()), storeReplicas.stream().map(StoreServer::port))
            .map(port -> SocketAddress.inetSocketAddress(port, "127.0.0.1")).toList(),
        Stream.concat(Stream.of(identity.port()), identityReplicas.stream().map(IdentityServer::port))
            .map(port -> SocketAddress.inetSocketAddress(port, "127.0.0.1")).toList(), GatewayConfig.DEFAULT_MAX_FRAME_BYTES, MANAGER,
        heartbeatMillis, identifyConcurrency, 0, 0, SECRET, 2000, FusionSettings.defaults(), state,
        ShopLimits.Settings.defaults(), DeviceLimits.Settings.defaults(), Optional.empty(), Tls.OFF, 0,
        Optional.empty(), "");
    startGateway();
  }

  private void startGateway() throws Exception {
    gateway = GatewayServer.start(vertx, config, fcm).await(10, TimeUnit.SECONDS);
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
  }

  /** Stops the gateway at once (streams cut, nothing drained) and starts a new one on the same settings. */
  public void restartGateway() throws Exception {
    replaceGateway(config.state());
  }

  /** The same, the new gateway deciding with these settings. */
  public void restartGateway(FusionSettings fusion) throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    gateway.close(Duration.ZERO).await(10, TimeUnit.SECONDS);
    config = config(config.state(), config.deviceLimits(), config.storeId(), fusion);
    startGateway();
  }

  /** Stops the gateway at once and starts another on a new port, keeping its state in this place. */
  public void replaceGateway(StatePlace state) throws Exception {
    replaceGateway(state, config.deviceLimits());
  }

  /** The same, the new gateway with these limits on each device. */
  public void replaceGateway(StatePlace state, DeviceLimits.Settings deviceLimits) throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    gateway.close(Duration.ZERO).await(10, TimeUnit.SECONDS);
    config = config(state, deviceLimits, config.storeId(), config.fusion());
    startGateway();
  }

  /** Another gateway, on the same services, bound to one store of the chain (the caller closes it). */
  public GatewayServer gatewayFor(String storeId) throws Exception {
    return GatewayServer.start(vertx, config(new StatePlace.Memory(), config.deviceLimits(), storeId, config.fusion()),
        fcm)
        .await(10, TimeUnit.SECONDS);
  }

  private GatewayConfig config(StatePlace state, DeviceLimits.Settings deviceLimits, String storeId,
      FusionSettings fusion) {
    return new GatewayConfig(config.host(), config.port(), config.storeTargets(), config.identityTargets(),
        config.maxFrameBytes(), config.managerToken(), config.heartbeatMillis(), config.identifyConcurrency(),
        config.metricsPort(), config.webPort(), config.sessionSecret(), config.doorCooldownMillis(), fusion,
        state, config.limits(), deviceLimits, config.pushCredentials(), config.tls(), config.webRedirectPort(),
        config.deviceClientCa(), storeId);
  }

  /** Stops store-svc at once, as a crash would; {@link #startStore} brings it back on its port and database. */
  public void stopStore() throws Exception {
    store.close(Duration.ZERO).await(10, TimeUnit.SECONDS);
  }

  /** Stops identity-svc (the first replica) at once, for good. */
  public void stopIdentity() throws Exception {
    identityStopped = true;
    identity.close(Duration.ZERO).await(10, TimeUnit.SECONDS);
  }

  public void startStore() throws Exception {
    store = StoreServer.start(vertx, storeConfig).await(30, TimeUnit.SECONDS);
  }

  /** Waits up to 20 s for the condition; fails the test if it never holds. */
  public static void eventually(java.util.function.BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(25);
    }
    org.junit.jupiter.api.Assertions.assertTrue(done.getAsBoolean(), "not within 20 s");
  }

  /** `authorization: Bearer <manager token>`, to attach to any stub. */
  public static Metadata managerMetadata() {
    Metadata auth = new Metadata();
    auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + MANAGER);
    return auth;
  }

  /** The gateway's ShopService as the manager (enrolment needs it). */
  public ShopServiceGrpc.ShopServiceBlockingStub shopStub() {
    return ShopServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(managerMetadata()));
  }

  /** A shopper store-svc knows (with no face in identity-svc), whose session tokens the gateway honours. */
  public String registeredShopper(String name) {
    return storeStub().registerShopper(RegisterShopperRequest.newBuilder().setName(name)
        .setFaceId("face-" + java.util.UUID.randomUUID()).build()).getShopper().getShopperId();
  }

  public StoreServiceGrpc.StoreServiceBlockingStub storeStub() {
    return StoreServiceGrpc.newBlockingStub(services).withDeadlineAfter(10, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(managerMetadata()));
  }

  /** identity-svc's own API, to enrol faces; a channel per call keeps it simple. */
  public IdentityServiceGrpc.IdentityServiceBlockingStub identityStub(ManagedChannel identityChannel) {
    return IdentityServiceGrpc.newBlockingStub(identityChannel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(managerMetadata()));
  }

  @Override
  public void close() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    services.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    gateway.close(Duration.ofMillis(200)).await(10, TimeUnit.SECONDS);
    if (!identityStopped) {
      identity.close(Duration.ofMillis(200)).await(10, TimeUnit.SECONDS);
    }
    store.close(Duration.ofMillis(200)).await(10, TimeUnit.SECONDS);
    for (IdentityServer replica : identityReplicas) {
      replica.close(Duration.ZERO).await(10, TimeUnit.SECONDS);
    }
    for (StoreServer replica : storeReplicas) {
      replica.close(Duration.ZERO).await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
