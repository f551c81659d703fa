package org.ezshop.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.FieldMask;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.ezshop.common.v1.Calibration;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.common.v1.Money;
import org.ezshop.common.v1.SensorType;
import org.ezshop.rpc.EventLoops;
import org.ezshop.store.v1.*;
import org.ezshop.store.v1.StoreServiceGrpc.StoreServiceBlockingStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The contract every store implementation keeps, checked over real gRPC. Subclasses pick the storage. */
abstract class StoreContract {

  static Vertx vertx;
  static StoreServer server;
  static StoreClient client;

  static void start(StoreConfig config) throws Exception {
    server = StoreServer.start(vertx, config).await(60, TimeUnit.SECONDS);
    client = new StoreClient(server.port());
  }

  @BeforeAll
  static void vertx() {
    vertx = EventLoops.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A fresh stub per call: a stub's deadline is fixed when the stub is made. */
  static StoreServiceBlockingStub manager() {
    return client.manager();
  }

  // ---- fixtures: every test makes its own names, so tests share a store without clashing ----

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  Item item(long price, long stock) {
    Item item = Item.newBuilder().setSku(unique("sku")).setName("Soda").setStock(stock)
        .setPrice(Money.newBuilder().setMinorUnits(price).setCurrency("USD")).build();
    return manager().createItem(CreateItemRequest.newBuilder().setItem(item).build()).getItem();
  }

  Shopper shopper(String name) {
    return manager().registerShopper(RegisterShopperRequest.newBuilder().setName(name).setFaceId(unique("face"))
        .setPushToken("push-" + name).build()).getShopper();
  }

  Shopper inStore(String name) {
    Shopper shopper = shopper(name);
    manager().enterStore(EnterStoreRequest.newBuilder().setShopperId(shopper.getShopperId()).build());
    return shopper;
  }

  static CartEvent event(Shopper shopper, Item item, int delta) {
    return CartEvent.newBuilder().setIdempotencyKey(unique("shelf")).setShopperId(shopper.getShopperId())
        .setSku(item.getSku()).setQuantityDelta(delta).setConfidence(0.9f).setCause(CartEventCause.CART_EVENT_CAUSE_SHELF)
        .setRowId("row-1").build();
  }

  ApplyCartEventResponse apply(CartEvent event) {
    return manager().applyCartEvent(ApplyCartEventRequest.newBuilder().setEvent(event).build());
  }

  long stock(Item item) {
    return manager().listItems(ListItemsRequest.getDefaultInstance()).getItemsList().stream()
        .filter(i -> i.getSku().equals(item.getSku())).findFirst().orElseThrow().getStock();
  }

  Cart cart(Shopper shopper) {
    return manager().getCart(GetCartRequest.newBuilder().setShopperId(shopper.getShopperId()).build()).getCart();
  }

  static void assertStatus(Status.Code code, String messagePart, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(String.valueOf(e.getStatus().getDescription()).contains(messagePart), e.getStatus().toString());
  }

  // ---- stores ----

  @Test
  void storesKeepTheirOwnRecordsWhileShoppersBelongToTheChain() {
    String a = store("a");
    String b = store("b");
    List<String> ids = manager().listStores(ListStoresRequest.getDefaultInstance()).getStoresList().stream()
        .map(Store::getStoreId).toList();
    assertTrue(ids.containsAll(List.of("default", a, b)), ids.toString());
    Item cola = inStoreItem(a);
    Item chips = inStoreItem(b);
    ShelfRow row = manager().putShelfRow(PutShelfRowRequest.newBuilder().setRow(ShelfRow.newBuilder()
        .setRowId(unique("row")).setSku(chips.getSku()).addSensors(ShelfSensor.newBuilder().setSensorId(unique("us"))
            .setType(SensorType.SENSOR_TYPE_ULTRASONIC).setDeviceId("pi-b"))
        .setCalibration(Calibration.newBuilder().setEmptyDistanceMm(400).setItemDepthMm(66).setCapacity(6))).build())
        .getRow();
    assertEquals(b, row.getStoreId(), "a row is its item's store's");
    assertEquals(List.of(chips.getSku()), client.bound(b).listItems(ListItemsRequest.getDefaultInstance())
        .getItemsList().stream().map(Item::getSku).toList(), "a call bound to a store lists that store's items");
    assertEquals(List.of(row), client.bound(b).listShelfRows(ListShelfRowsRequest.getDefaultInstance()).getRowsList());
    assertEquals(List.of(cola.getSku()), manager().listItems(ListItemsRequest.newBuilder().setStoreId(a).build())
        .getItemsList().stream().map(Item::getSku).toList());

    Shopper ana = shopper("Ana"); // enrolled once, for every store
    Visit inA = client.bound(a).enterStore(EnterStoreRequest.newBuilder().setShopperId(ana.getShopperId()).build())
        .getVisit();
    assertEquals(a, inA.getStoreId());
    assertEquals(a, apply(event(ana, cola, 1)).getCart().getStoreId());
    assertStatus(Status.Code.PERMISSION_DENIED, chips.getSku() + " is sold in store " + b, () -> apply(event(ana, chips, 1)));
    assertEquals(List.of(ana.getShopperId()), client.bound(a).listShoppers(ListShoppersRequest.newBuilder()
        .setInStoreOnly(true).build()).getShoppersList().stream().map(Shopper::getShopperId).toList());
    assertEquals(List.of(), client.bound(b).listShoppers(ListShoppersRequest.newBuilder().setInStoreOnly(true).build())
        .getShoppersList(), "store b's shoppers in store are not store a's");
    assertStatus(Status.Code.PERMISSION_DENIED, "visit is store " + a, () -> client.bound(b).exitStore(
        ExitStoreRequest.newBuilder().setShopperId(ana.getShopperId()).build()));

    // Her exit from a went unseen: entering b closes that visit, its receipt with it.
    EnterStoreResponse inB = client.bound(b).enterStore(EnterStoreRequest.newBuilder().setShopperId(ana.getShopperId())
        .build());
    assertEquals(b, inB.getVisit().getStoreId());
    assertEquals(a, inB.getClosedElsewhere().getStoreId());
    assertEquals(inA.getVisitId(), inB.getClosedElsewhere().getVisitId());
    assertEquals(List.of(cola.getSku()), inB.getClosedElsewhere().getLinesList().stream().map(ReceiptLine::getSku)
        .toList());
    apply(event(ana, chips, 1));
    Receipt fromB = client.bound(b).exitStore(ExitStoreRequest.newBuilder().setShopperId(ana.getShopperId()).build())
        .getReceipt();
    assertEquals(b, fromB.getStoreId());
    assertEquals(List.of(chips.getSku()), fromB.getLinesList().stream().map(ReceiptLine::getSku).toList());
  }

  @Test
  void aCallBoundToAStoreCannotTouchAnotherStoresRecords() {
    String a = store("a");
    String b = store("b");
    Item cola = inStoreItem(a);
    client.bound(a).registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId(unique("pi"))
        .setKind(DeviceKind.DEVICE_KIND_SHELF).setToken("store-a-device-token-" + a).build());
    assertStatus(Status.Code.PERMISSION_DENIED, "is store " + a + "'s; this call is bound to store " + b,
        () -> client.bound(b).authenticateDevice(AuthenticateDeviceRequest.newBuilder()
            .setToken("store-a-device-token-" + a).build()));
    assertEquals(a, client.bound(a).authenticateDevice(AuthenticateDeviceRequest.newBuilder()
        .setToken("store-a-device-token-" + a).build()).getDevice().getStoreId());
    assertStatus(Status.Code.PERMISSION_DENIED, "bound to store " + b + ", not to store " + a,
        () -> client.bound(b).createItem(CreateItemRequest.newBuilder().setItem(Item.newBuilder()
            .setSku(unique("sku")).setName("x").setPrice(cola.getPrice()).setStoreId(a)).build()));
    assertStatus(Status.Code.PERMISSION_DENIED, "item " + cola.getSku() + " is store " + a,
        () -> client.bound(b).adjustStock(AdjustStockRequest.newBuilder().setSku(cola.getSku()).setDelta(1).build()));
    assertStatus(Status.Code.PERMISSION_DENIED, "not to store " + a,
        () -> client.bound(b).listItems(ListItemsRequest.newBuilder().setStoreId(a).build()));
    assertStatus(Status.Code.FAILED_PRECONDITION, "no store nowhere",
        () -> manager().createItem(CreateItemRequest.newBuilder().setItem(Item.newBuilder().setSku(unique("sku"))
            .setName("x").setPrice(cola.getPrice()).setStoreId("nowhere")).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "store.store_id", () -> manager().createStore(
        CreateStoreRequest.newBuilder().setStore(Store.newBuilder().setStoreId("Not An Id")).build()));
    assertStatus(Status.Code.ALREADY_EXISTS, a, () -> manager().createStore(
        CreateStoreRequest.newBuilder().setStore(Store.newBuilder().setStoreId(a)).build()));
  }

  static String store(String prefix) {
    return manager().createStore(CreateStoreRequest.newBuilder().setStore(Store.newBuilder()
        .setStoreId(unique(prefix)).setName("Store " + prefix)).build()).getStore().getStoreId();
  }

  static Item inStoreItem(String storeId) {
    return manager().createItem(CreateItemRequest.newBuilder().setItem(Item.newBuilder().setSku(unique("sku"))
        .setName("Item").setStock(10).setStoreId(storeId).setPrice(Money.newBuilder().setMinorUnits(100)
            .setCurrency("USD"))).build()).getItem();
  }

  // ---- items ----

  @Test
  void itemsAreCreatedListedPagedAndUpdated() {
    Item soda = item(125, 10);
    assertEquals(125, soda.getPrice().getMinorUnits());
    assertTrue(soda.hasUpdatedAt());
    Item updated = manager().updateItem(UpdateItemRequest.newBuilder()
        .setItem(Item.newBuilder().setSku(soda.getSku()).setName("Diet soda").setStock(999))
        .setUpdateMask(FieldMask.newBuilder().addPaths("name")).build()).getItem();
    assertEquals("Diet soda", updated.getName());
    assertEquals(10, updated.getStock(), "only masked fields change");
    assertEquals(125, updated.getPrice().getMinorUnits());

    item(1, 1);
    ListItemsResponse first = manager().listItems(ListItemsRequest.newBuilder().setPageSize(1).build());
    assertEquals(1, first.getItemsCount());
    ListItemsResponse second = manager().listItems(ListItemsRequest.newBuilder().setPageSize(1)
        .setPageToken(first.getNextPageToken()).build());
    assertTrue(second.getItems(0).getSku().compareTo(first.getItems(0).getSku()) > 0);

    assertStatus(Status.Code.ALREADY_EXISTS, soda.getSku(), () -> manager().createItem(CreateItemRequest.newBuilder()
        .setItem(soda).build()));
  }

  // ---- layout ----

  @Test
  void shelfRowsAreLaidOutAndSensorsBelongToOneRow() {
    Item soda = item(100, 5);
    String rowId = unique("row");
    String sensor = unique("us");
    ShelfRow row = ShelfRow.newBuilder().setRowId(rowId).setSku(soda.getSku())
        .addSensors(ShelfSensor.newBuilder().setSensorId(sensor).setType(SensorType.SENSOR_TYPE_ULTRASONIC).setDeviceId("pi-1"))
        .setCalibration(Calibration.newBuilder().setEmptyDistanceMm(400).setItemDepthMm(66).setCapacity(6))
        .addCameraIds("cam-shelf-1").build();
    ShelfRow stored = row.toBuilder().setStoreId("default").build(); // its item's store
    assertEquals(stored, manager().putShelfRow(PutShelfRowRequest.newBuilder().setRow(row).build()).getRow());
    assertTrue(manager().listShelfRows(ListShelfRowsRequest.getDefaultInstance()).getRowsList().contains(stored));

    ShelfRow moved = stored.toBuilder().setCalibration(row.getCalibration().toBuilder().setItemDepthMm(70)).build();
    manager().putShelfRow(PutShelfRowRequest.newBuilder().setRow(moved).build());
    assertTrue(manager().listShelfRows(ListShelfRowsRequest.getDefaultInstance()).getRowsList().contains(moved));

    ShelfRow thief = row.toBuilder().setRowId(unique("row")).build();
    assertStatus(Status.Code.INVALID_ARGUMENT, "row.sensors", () -> manager().putShelfRow(
        PutShelfRowRequest.newBuilder().setRow(thief).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "row.sku", () -> manager().putShelfRow(PutShelfRowRequest.newBuilder()
        .setRow(row.toBuilder().setSku("no-such-item")).build()));
  }

  @Test
  void aRowsCameraRegionsAreKeptAndTheirRangesChecked() {
    Item soda = item(100, 5);
    ShelfRow row = ShelfRow.newBuilder().setRowId(unique("row")).setSku(soda.getSku())
        .addSensors(ShelfSensor.newBuilder().setSensorId(unique("us")).setType(SensorType.SENSOR_TYPE_LIGHT)
            .setDeviceId("pi-1")).addCameraIds("cam-a").addCameraIds("cam-b")
        .addCameraRegions(CameraRegion.newBuilder().setCameraId("cam-a").setXMin(0.5f).setXMax(1)) // full height
        .addCameraRegions(CameraRegion.newBuilder().setCameraId("cam-b").setXMin(0).setXMax(0.4f).setYMin(0.2f)
            .setYMax(0.9f)).setStoreId("default").build();
    manager().putShelfRow(PutShelfRowRequest.newBuilder().setRow(row).build());
    assertTrue(manager().listShelfRows(ListShelfRowsRequest.getDefaultInstance()).getRowsList().contains(row));

    assertStatus(Status.Code.INVALID_ARGUMENT, "row.camera_regions[0].x_min", () -> manager().putShelfRow(
        PutShelfRowRequest.newBuilder().setRow(row.toBuilder().setCameraRegions(0, row.getCameraRegions(0).toBuilder()
            .setXMin(0.7f).setXMax(0.6f))).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "row.camera_regions[1].y_max", () -> manager().putShelfRow(
        PutShelfRowRequest.newBuilder().setRow(row.toBuilder().setCameraRegions(1, row.getCameraRegions(1).toBuilder()
            .setYMax(1.5f))).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "row.camera_regions[0].x_max", () -> manager().putShelfRow(
        PutShelfRowRequest.newBuilder().setRow(row.toBuilder().setCameraRegions(0, row.getCameraRegions(0).toBuilder()
            .setXMax(Float.NaN))).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "row.camera_regions[0].camera_id", () -> manager().putShelfRow(
        PutShelfRowRequest.newBuilder().setRow(row.toBuilder().setCameraRegions(0, row.getCameraRegions(0).toBuilder()
            .setCameraId("cam-elsewhere"))).build()));
  }

  @Test
  void shoppersHoldingAnItemAreTheOnesWhoMayPutItBack() {
    Item soda = item(100, 5);
    Shopper ana = inStore("Ana");
    inStore("Ben"); // in store, holding nothing
    shopper("Cy"); // not in store
    apply(event(ana, soda, 2));
    ListShoppersRequest holding = ListShoppersRequest.newBuilder().setHoldingSku(soda.getSku()).build();
    assertEquals(List.of(ana.getShopperId()), manager().listShoppers(holding).getShoppersList().stream()
        .map(Shopper::getShopperId).toList());
    apply(event(ana, soda, -2));
    assertTrue(manager().listShoppers(holding).getShoppersList().isEmpty(), "nobody holds one any more");
  }

  // ---- register ----

  @Test
  void shoppersAndDevicesRegister() {
    Shopper ana = shopper("Ana");
    assertFalse(ana.getInStore());
    assertEquals(List.of(ana), manager().listShoppers(ListShoppersRequest.newBuilder().setFaceId(ana.getFaceId()).build())
        .getShoppersList());
    assertStatus(Status.Code.ALREADY_EXISTS, ana.getFaceId(), () -> manager().registerShopper(
        RegisterShopperRequest.newBuilder().setName("Ana again").setFaceId(ana.getFaceId()).build()));

    String deviceId = unique("cam");
    String token = unique("token-0123456789");
    Device cam = manager().registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId(deviceId)
        .setKind(DeviceKind.DEVICE_KIND_CAMERA).setCameraRole(CameraRole.CAMERA_ROLE_ENTRANCE).setToken(token).build())
        .getDevice();
    assertEquals(deviceId, manager().authenticateDevice(AuthenticateDeviceRequest.newBuilder().setToken(token).build())
        .getDevice().getDeviceId());
    assertTrue(manager().listDevices(ListDevicesRequest.getDefaultInstance()).getDevicesList().contains(cam));
    String rotated = unique("token-9876543210");
    manager().registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId(deviceId).setKind(DeviceKind.DEVICE_KIND_CAMERA)
        .setCameraRole(CameraRole.CAMERA_ROLE_ENTRANCE).setToken(rotated).build());
    assertStatus(Status.Code.UNAUTHENTICATED, "token", () -> manager().authenticateDevice(
        AuthenticateDeviceRequest.newBuilder().setToken(token).build()));
    assertEquals(deviceId, manager().authenticateDevice(AuthenticateDeviceRequest.newBuilder().setToken(rotated).build())
        .getDevice().getDeviceId());
  }

  @Test
  void aRevokedDevicesTokenAuthenticatesNothingAndTheDeviceStaysRegistered() {
    String deviceId = unique("pi");
    String token = unique("token-0123456789");
    manager().registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId(deviceId)
        .setKind(DeviceKind.DEVICE_KIND_SHELF).setToken(token).build());
    RevokeDeviceRequest revoke = RevokeDeviceRequest.newBuilder().setDeviceId(deviceId).build();
    assertEquals(deviceId, manager().revokeDevice(revoke).getDevice().getDeviceId());
    assertStatus(Status.Code.UNAUTHENTICATED, "token", () -> manager().authenticateDevice(
        AuthenticateDeviceRequest.newBuilder().setToken(token).build()));
    assertEquals(deviceId, manager().revokeDevice(revoke).getDevice().getDeviceId(), "asked again: the same");
    assertTrue(manager().listDevices(ListDevicesRequest.getDefaultInstance()).getDevicesList().stream()
        .anyMatch(d -> d.getDeviceId().equals(deviceId)));
    assertStatus(Status.Code.NOT_FOUND, "never-registered", () -> manager().revokeDevice(
        RevokeDeviceRequest.newBuilder().setDeviceId("never-registered").build()));
    assertTrue(manager().listAuditEntries(ListAuditEntriesRequest.newBuilder().setLimit(1000).build())
        .getEntriesList().stream().anyMatch(e -> e.getAction().equals("RevokeDevice")
            && e.getFieldsMap().get("device_id").equals(deviceId)), "audited");
    String fresh = unique("token-fresh-0123456789");
    manager().registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId(deviceId)
        .setKind(DeviceKind.DEVICE_KIND_SHELF).setToken(fresh).build());
    assertEquals(deviceId, manager().authenticateDevice(AuthenticateDeviceRequest.newBuilder().setToken(fresh)
        .build()).getDevice().getDeviceId(), "registered again, with a new token");
  }

  // ---- visits, carts, receipts ----

  @Test
  void enterPickPutBackAndExitGiveTheRightReceipt() {
    Item soda = item(125, 10);
    Item chips = item(350, 4);
    Shopper ana = inStore("Ana");
    assertTrue(manager().listShoppers(ListShoppersRequest.newBuilder().setInStoreOnly(true).build()).getShoppersList()
        .stream().anyMatch(s -> s.getShopperId().equals(ana.getShopperId())));

    apply(event(ana, soda, 2));
    apply(event(ana, chips, 1));
    Cart cart = apply(event(ana, soda, -1)).getCart();
    assertEquals(125 + 350, cart.getTotal().getMinorUnits());
    assertEquals(9, stock(soda));
    assertEquals(3, stock(chips));

    ExitStoreResponse exit = manager().exitStore(ExitStoreRequest.newBuilder().setShopperId(ana.getShopperId()).build());
    Receipt receipt = exit.getReceipt();
    assertEquals(475, receipt.getTotal().getMinorUnits());
    assertEquals("USD", receipt.getTotal().getCurrency());
    assertEquals(2, receipt.getLinesCount());
    assertEquals("Ana", receipt.getShopperName());
    assertTrue(exit.getVisit().hasExitedAt());

    ExitStoreResponse again = manager().exitStore(ExitStoreRequest.newBuilder().setShopperId(ana.getShopperId()).build());
    assertTrue(again.getAlreadyExited());
    assertEquals(receipt, again.getReceipt());
    assertEquals(receipt, manager().getReceipt(GetReceiptRequest.newBuilder().setReceiptId(receipt.getReceiptId()).build())
        .getReceipt());
    assertEquals(List.of(receipt), manager().listReceipts(ListReceiptsRequest.newBuilder()
        .setShopperId(ana.getShopperId()).build()).getReceiptsList());
    assertStatus(Status.Code.FAILED_PRECONDITION, "not in store", () -> apply(event(ana, soda, 1)));
  }

  @Test
  void pricesAreFrozenAtPickTime() {
    Item soda = item(100, 10);
    Shopper ana = inStore("Ana");
    apply(event(ana, soda, 1));
    manager().updateItem(UpdateItemRequest.newBuilder().setItem(soda.toBuilder().setPrice(soda.getPrice().toBuilder()
        .setMinorUnits(999))).setUpdateMask(FieldMask.newBuilder().addPaths("price")).build());
    assertEquals(200, apply(event(ana, soda, 1)).getCart().getTotal().getMinorUnits());
  }

  @Test
  void aDuplicateIdempotencyKeyChangesNothing() {
    Item soda = item(125, 10);
    Shopper ana = inStore("Ana");
    CartEvent pick = event(ana, soda, 2);
    ApplyCartEventResponse first = apply(pick);
    ApplyCartEventResponse second = apply(pick.toBuilder().setQuantityDelta(5).build());
    assertFalse(first.getDuplicate());
    assertTrue(second.getDuplicate());
    assertEquals(first.getEvent(), second.getEvent());
    assertEquals(2, cart(ana).getLines(0).getQuantity());
    assertEquals(8, stock(soda));
  }

  @Test
  void aPutBackOfAnItemNotHeldIsRefusedAndQueuedForReview() {
    Item soda = item(125, 10);
    Shopper ana = inStore("Ana");
    CartEvent putBack = event(ana, soda, -1);
    assertStatus(Status.Code.FAILED_PRECONDITION, "put-back refused", () -> apply(putBack));
    assertStatus(Status.Code.FAILED_PRECONDITION, "put-back refused", () -> apply(putBack));
    List<Review> reviews = manager().listReviews(ListReviewsRequest.newBuilder().setOpenOnly(true).build()).getReviewsList()
        .stream().filter(r -> r.getEvent().getIdempotencyKey().equals(putBack.getIdempotencyKey())).toList();
    assertEquals(1, reviews.size(), "one review, however often the event is retried");
    assertEquals(ReviewReason.REVIEW_REASON_PUT_BACK_NOT_HELD, reviews.get(0).getReason());
    assertEquals(0, cart(ana).getLinesCount());
    assertEquals(10, stock(soda));
  }

  @Test
  void reEnteringKeepsTheCart() {
    Item soda = item(125, 10);
    Shopper ana = inStore("Ana");
    Cart before = apply(event(ana, soda, 1)).getCart();
    EnterStoreResponse again = manager().enterStore(EnterStoreRequest.newBuilder().setShopperId(ana.getShopperId()).build());
    assertTrue(again.getAlreadyInStore());
    assertEquals(before.getVisitId(), again.getVisit().getVisitId());
    assertEquals(before.getLinesList(), cart(ana).getLinesList());
  }

  @Test
  void aPickAtZeroRecordedStockSucceedsAndRaisesADiscrepancy() {
    Item soda = item(125, 0);
    Shopper ana = inStore("Ana");
    assertEquals(1, apply(event(ana, soda, 1)).getCart().getLines(0).getQuantity());
    assertEquals(-1, stock(soda));
    assertTrue(manager().listAlerts(ListAlertsRequest.getDefaultInstance()).getAlertsList().stream()
        .anyMatch(a -> a.getKind() == AlertKind.ALERT_KIND_STOCK_DISCREPANCY && a.getSku().equals(soda.getSku())));
  }

  @Test
  void anUncheckedShoppersRestrictedPickIsChargedAlertedAndPendingUntilAManagerChecksTheirId() {
    Item beer = manager().createItem(CreateItemRequest.newBuilder().setItem(Item.newBuilder().setSku(unique("beer"))
        .setName("Lager").setStock(10).setAgeRestricted(true).setMinimumAge(18)
        .setPrice(Money.newBuilder().setMinorUnits(300).setCurrency("USD"))).build()).getItem();
    assertTrue(beer.getAgeRestricted());
    Item soda = item(125, 10);
    Shopper ana = inStore("Ana");
    CartEvent pick = event(ana, beer, 1);
    apply(pick);
    apply(event(ana, soda, 1));
    assertEquals(425, cart(ana).getTotal().getMinorUnits(), "charged, not withheld");
    Alert alert = ageChecks(ana).get(0);
    assertEquals(List.of(alert), ageChecks(ana), "one alert, for the restricted item alone");
    assertEquals("row-1", alert.getRowId());
    assertEquals(beer.getSku(), alert.getSku());
    assertTrue(alert.getMessage().contains("Lager (18+)") && alert.getMessage().contains("Ana"), alert.getMessage());
    assertTrue(manager().listItems(ListItemsRequest.getDefaultInstance()).getItemsList().stream()
        .anyMatch(i -> i.getSku().equals(beer.getSku()) && i.getAgeRestricted() && i.getMinimumAge() == 18));

    Receipt receipt = manager().exitStore(ExitStoreRequest.newBuilder().setShopperId(ana.getShopperId()).build())
        .getReceipt();
    assertEquals(List.of(true, false), pendingOf(receipt, beer, soda), "the beer's line waits for the check");
    assertStatus(Status.Code.INVALID_ARGUMENT, "valid_until", () -> manager().verifyShopperAge(
        VerifyShopperAgeRequest.newBuilder().setShopperId(ana.getShopperId())
            .setValidUntil(com.google.protobuf.util.Timestamps.fromSeconds(1)).build()));
    com.google.protobuf.Timestamp year = com.google.protobuf.util.Timestamps.fromMillis(System.currentTimeMillis()
        + Duration.ofDays(365).toMillis());
    VerifyShopperAgeResponse checked = manager().verifyShopperAge(VerifyShopperAgeRequest.newBuilder()
        .setShopperId(ana.getShopperId()).setValidUntil(year).setDocument("driving licence").build());
    assertEquals(1, checked.getResolvedCount());
    assertEquals(pick.getIdempotencyKey(), checked.getResolved(0).getEvent().getIdempotencyKey());
    Receipt after = manager().getReceipt(GetReceiptRequest.newBuilder().setReceiptId(receipt.getReceiptId()).build())
        .getReceipt();
    assertEquals(List.of(false, false), pendingOf(after, beer, soda), "final once checked");
    assertEquals(425, after.getNetTotal().getMinorUnits(), "the charge stands");
    assertTrue(manager().listAuditEntries(ListAuditEntriesRequest.newBuilder().setLimit(1000).build())
        .getEntriesList().stream().anyMatch(e -> e.getAction().equals("VerifyShopperAge")
            && e.getFieldsMap().get("shopper_id").equals(ana.getShopperId())
            && e.getFieldsMap().get("document").equals("driving licence")));
    assertEquals(year, manager().listShoppers(ListShoppersRequest.getDefaultInstance()).getShoppersList().stream()
        .filter(s -> s.getShopperId().equals(ana.getShopperId())).findFirst().orElseThrow().getAgeVerifiedUntil());

    manager().enterStore(EnterStoreRequest.newBuilder().setShopperId(ana.getShopperId()).build());
    apply(event(ana, beer, 1));
    assertEquals(1, ageChecks(ana).size(), "checked: no second alert");
    assertTrue(manager().listReviews(ListReviewsRequest.newBuilder().setOpenOnly(true).build()).getReviewsList()
        .stream().noneMatch(r -> r.getEvent().getShopperId().equals(ana.getShopperId())));
  }

  List<Alert> ageChecks(Shopper shopper) {
    return manager().listAlerts(ListAlertsRequest.getDefaultInstance()).getAlertsList().stream()
        .filter(a -> a.getKind() == AlertKind.ALERT_KIND_AGE_CHECK && a.getShopperId().equals(shopper.getShopperId()))
        .toList();
  }

  static List<Boolean> pendingOf(Receipt receipt, Item... items) {
    return java.util.Arrays.stream(items).map(item -> receipt.getLinesList().stream()
        .filter(l -> l.getSku().equals(item.getSku())).findFirst().orElseThrow().getPending()).toList();
  }

  // ---- live feeds ----

  @Test
  void watchCartSendsTheCartThenEveryChangeThenTheReceipt() throws Exception {
    Item soda = item(125, 10);
    Shopper ana = inStore("Ana");
    apply(event(ana, soda, 1));
    try (Streams<CartUpdate> updates = new Streams<>()) {
      updates.context.run(() -> client.shopperAsync(ana.getShopperId())
          .watchCart(WatchCartRequest.newBuilder().setShopperId(ana.getShopperId()).build(), updates));
      CartUpdate snapshot = updates.next();
      assertTrue(snapshot.getSnapshot());
      assertEquals(1, snapshot.getCart().getLines(0).getQuantity());

      CartEvent pick = event(ana, soda, 2);
      apply(pick);
      CartUpdate change = updates.next();
      assertEquals(pick.getIdempotencyKey(), change.getEvent().getIdempotencyKey());
      assertEquals(3, change.getCart().getLines(0).getQuantity());
      assertEquals(snapshot.getCart().getVersion() + 1, change.getCart().getVersion());

      manager().exitStore(ExitStoreRequest.newBuilder().setShopperId(ana.getShopperId()).build());
      assertEquals(375, updates.next().getReceipt().getTotal().getMinorUnits());
    }
  }

  @Test
  void watchStreamsCommittedEventsOfTheKindsAsked() throws Exception {
    Item soda = item(125, 10);
    Shopper ana = inStore("Ana");
    try (Streams<StoreEvent> events = new Streams<>()) {
      events.context.run(() -> client.managerAsync().watch(WatchRequest.newBuilder()
          .addKinds(StoreEventKind.STORE_EVENT_KIND_CART).build(), events));
      Thread.sleep(200); // the subscription is in place once the call has reached the server
      CartEvent pick = event(ana, soda, 1);
      apply(pick);
      StoreEvent seen = events.next();
      assertEquals(pick.getIdempotencyKey(), seen.getCart().getEvent().getIdempotencyKey());
      assertTrue(seen.getEventId() > 0);
      assertTrue(seen.hasAt());
    }
  }

  @Test
  void aWatchOfOneStoreSeesThatStoresRecordsAndTheChainsShoppers() throws Exception {
    String a = store("a");
    String b = store("b");
    try (Streams<StoreEvent> events = new Streams<>()) {
      events.context.run(() -> client.managerAsync().watch(WatchRequest.newBuilder().setStoreId(a).build(), events));
      Thread.sleep(200);
      inStoreItem(b);
      Item inA = inStoreItem(a);
      Shopper ana = shopper("Ana");
      assertEquals(inA.getSku(), events.next().getItem().getSku(), "store b's item is not store a's news");
      assertEquals(ana.getShopperId(), events.next().getShopper().getShopperId());
    }
  }

  @Test
  void aLayoutWatchOfOneStoreSeesItsRowsPutAndItsDevicesRegisteredAndRevoked() throws Exception {
    String a = store("a");
    String b = store("b");
    Item inA = inStoreItem(a);
    Item inB = inStoreItem(b);
    try (Streams<StoreEvent> events = new Streams<>()) {
      events.context.run(() -> client.managerAsync().watch(WatchRequest.newBuilder().setStoreId(a)
          .addKinds(StoreEventKind.STORE_EVENT_KIND_LAYOUT).build(), events));
      Thread.sleep(200);
      for (Item item : List.of(inB, inA)) {
        manager().putShelfRow(PutShelfRowRequest.newBuilder().setRow(ShelfRow.newBuilder().setRowId(unique("row"))
            .setSku(item.getSku()).addSensors(ShelfSensor.newBuilder().setSensorId(unique("us"))
                .setType(SensorType.SENSOR_TYPE_ULTRASONIC).setDeviceId("pi"))
            .setCalibration(Calibration.newBuilder().setEmptyDistanceMm(400).setItemDepthMm(66).setCapacity(6)))
            .build());
      }
      String pi = unique("pi");
      client.bound(a).registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId(pi)
          .setKind(DeviceKind.DEVICE_KIND_SHELF).setToken("store-a-device-token-" + a).build());
      client.bound(a).revokeDevice(RevokeDeviceRequest.newBuilder().setDeviceId(pi).build());

      ShelfRow row = events.next().getShelfRow();
      assertEquals(List.of(inA.getSku(), a), List.of(row.getSku(), row.getStoreId()), "store b's row is not a's news");
      Device registered = events.next().getDevice();
      Device revoked = events.next().getDevice();
      assertEquals(List.of(pi, pi), List.of(registered.getDeviceId(), revoked.getDeviceId()));
      assertNotEquals(registered.getRegisteredAt(), revoked.getRegisteredAt(), "a revoke moves registered_at on, which is how a gateway knows to close the device's stream");
    }
  }

  @Test
  void eventsArriveInCommitOrderWithIncreasingIds() throws Exception {
    Item soda = item(125, 10);
    Shopper ana = inStore("Ana");
    try (Streams<StoreEvent> events = new Streams<>()) {
      events.context.run(() -> client.managerAsync().watch(WatchRequest.newBuilder()
          .addKinds(StoreEventKind.STORE_EVENT_KIND_STOCK).addKinds(StoreEventKind.STORE_EVENT_KIND_CART).build(), events));
      Thread.sleep(200);
      apply(event(ana, soda, 1));
      apply(event(ana, soda, 2));
      List<StoreEvent> seen = List.of(events.next(), events.next(), events.next(), events.next());
      // A pick commits two events in one transaction: the item's new stock, then the cart.
      assertEquals(List.of(9L, 1L, 7L, 3L), List.of(seen.get(0).getItem().getStock(),
          (long) seen.get(1).getCart().getCart().getLines(0).getQuantity(), seen.get(2).getItem().getStock(),
          (long) seen.get(3).getCart().getCart().getLines(0).getQuantity()));
      for (int i = 1; i < seen.size(); i++) {
        assertTrue(seen.get(i).getEventId() > seen.get(i - 1).getEventId(), "event ids increase: " + seen);
      }
    }
  }

  @Test
  void aWatcherThatStopsReadingIsResyncedNotBuffered() throws Exception {
    Shopper ana = inStore("Ana");
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      items.add(item(100, 1000));
      apply(event(ana, items.get(i), 1)); // big carts fill HTTP/2 windows quickly
    }
    BlockingQueue<CartUpdate> received = new LinkedBlockingQueue<>();
    AtomicReference<ClientCallStreamObserver<WatchCartRequest>> call = new AtomicReference<>();
    Context.CancellableContext context = Context.current().withCancellation();
    context.run(() -> client.shopperAsync(ana.getShopperId()).watchCart(
        WatchCartRequest.newBuilder().setShopperId(ana.getShopperId()).build(),
        new ClientResponseObserver<WatchCartRequest, CartUpdate>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<WatchCartRequest> stream) {
            call.set(stream);
            stream.disableAutoRequestWithInitial(1); // read the snapshot, then stop reading
          }

          @Override
          public void onNext(CartUpdate update) {
            received.add(update);
          }

          @Override
          public void onError(Throwable t) {
          }

          @Override
          public void onCompleted() {
          }
        }));
    assertTrue(received.poll(5, TimeUnit.SECONDS).getSnapshot());
    int picks = 1500;
    for (int i = 0; i < picks; i++) {
      apply(event(ana, items.get(i % items.size()), 1));
    }
    Cart last = cart(ana);
    call.get().request(Integer.MAX_VALUE);
    CartUpdate update;
    int messages = 0;
    boolean resynced = false;
    do {
      update = received.poll(10, TimeUnit.SECONDS);
      messages++;
      resynced |= update.getSnapshot();
    } while (update.getCart().getVersion() < last.getVersion());
    context.cancel(null);
    assertTrue(resynced, "the watcher that fell behind got a snapshot");
    assertTrue(messages < picks, messages + " messages for " + picks + " picks: the backlog was dropped");
    assertEquals(last.getLinesList(), update.getCart().getLinesList(), "and it ends up with the right cart");
  }

  // ---- concurrency ----

  @Test
  void parallelClientsOnOneItemLoseNothing() throws Exception {
    int clients = 8;
    int events = 500;
    Item soda = item(125, 10_000);
    List<Shopper> shoppers = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      shoppers.add(inStore("Parallel " + i));
    }
    int[] net = new int[clients];
    List<List<CartEvent>> plans = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      plans.add(new ArrayList<>());
    }
    for (int i = 0; i < events; i++) {
      int c = i % clients;
      // Two picks, then a put-back, over and over: never more back than taken.
      int delta = (i / clients) % 3 == 2 ? -1 : 1 + (i % 2);
      net[c] += delta;
      plans.get(c).add(event(shoppers.get(c), soda, delta));
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> done = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      List<CartEvent> plan = plans.get(c);
      done.add(pool.submit(() -> {
        try (StoreClient own = new StoreClient(server.port())) {
          for (CartEvent e : plan) {
            own.manager().applyCartEvent(ApplyCartEventRequest.newBuilder().setEvent(e).build());
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    int total = 0;
    for (int c = 0; c < clients; c++) {
      total += net[c];
      assertEquals(net[c], cart(shoppers.get(c)).getLines(0).getQuantity(), "cart of client " + c);
    }
    assertEquals(10_000 - total, stock(soda));
  }

  // ---- review queue ----

  @Test
  void resolvingAReviewMovesTheItemAndCorrectsAnIssuedReceipt() {
    Item soda = item(125, 10);
    Shopper ana = inStore("Ana");
    Shopper ben = inStore("Ben");
    CartEvent pick = event(ana, soda, 1).toBuilder().setAttribution(Attribution.newBuilder().setRule("nearest-in-time")
        .setAmbiguous(true)).build();
    apply(pick);
    Review review = manager().createReview(CreateReviewRequest.newBuilder().setReason(ReviewReason.REVIEW_REASON_AMBIGUOUS)
        .setEvent(pick).setNote("Ben was 0.2 s further").build()).getReview();

    // Ben has left before anyone looks at the queue: his receipt gets the correction.
    Receipt bens = manager().exitStore(ExitStoreRequest.newBuilder().setShopperId(ben.getShopperId()).build()).getReceipt();
    assertEquals(0, bens.getTotal().getMinorUnits());
    ResolveReviewResponse resolved = manager().resolveReview(ResolveReviewRequest.newBuilder()
        .setReviewId(review.getReviewId()).setAssignToShopperId(ben.getShopperId()).build());
    assertEquals(ReviewState.REVIEW_STATE_ASSIGNED, resolved.getReview().getState());
    assertEquals(0, cart(ana).getLinesCount(), "moved off Ana's cart");
    Receipt corrected = receipt(bens);
    assertEquals(0, corrected.getTotal().getMinorUnits(), "the receipt stays as issued");
    assertEquals(0, corrected.getLinesCount());
    assertEquals(125, corrected.getNetTotal().getMinorUnits(), "the soda is charged beside it");
    ReceiptAdjustment charge = corrected.getAdjustments(0);
    assertEquals(1, charge.getQuantity());
    assertEquals(review.getReviewId(), charge.getReviewId());
    assertEquals(List.of(corrected), resolved.getAmendedReceiptsList());
    assertEquals(9, stock(soda), "one soda left the shelf, whoever has it");

    assertStatus(Status.Code.FAILED_PRECONDITION, "already", () -> manager().resolveReview(ResolveReviewRequest.newBuilder()
        .setReviewId(review.getReviewId()).setDismiss(true).build()));
  }

  Receipt receipt(Receipt r) {
    return manager().getReceipt(GetReceiptRequest.newBuilder().setReceiptId(r.getReceiptId()).build()).getReceipt();
  }

  Receipt exit(Shopper shopper) {
    return manager().exitStore(ExitStoreRequest.newBuilder().setShopperId(shopper.getShopperId()).build()).getReceipt();
  }

  static DisputeReceiptLineRequest dispute(Receipt receipt, int line) {
    return DisputeReceiptLineRequest.newBuilder().setReceiptId(receipt.getReceiptId()).setLine(line)
        .setReason("I never took it").build();
  }

  @Test
  void aShopperDisputesALineOfTheirReceiptAndARefundIsCreditedBesideIt() throws Exception {
    Item soda = item(125, 10);
    Shopper ana = inStore("Ana");
    Shopper ben = shopper("Ben");
    CartEvent pick = event(ana, soda, 2).toBuilder().setAttribution(Attribution.newBuilder().setRule("whole-reach")
        .addCandidates(AttributionCandidate.newBuilder().setShopperId(ana.getShopperId()).setProbability(0.9f))
        .addCandidates(AttributionCandidate.newBuilder().setShopperId(ben.getShopperId()).setProbability(0.1f)))
        .build();
    apply(pick);
    Receipt issued = exit(ana);
    assertEquals(0.9f, issued.getLines(0).getConfidence(), 1e-6);
    assertFalse(issued.getLines(0).getPending());
    assertEquals(250, issued.getNetTotal().getMinorUnits());

    assertStatus(Status.Code.PERMISSION_DENIED, "only that shopper", () -> client.shopper(ben.getShopperId())
        .disputeReceiptLine(dispute(issued, 0)));
    assertStatus(Status.Code.INVALID_ARGUMENT, "line", () -> client.shopper(ana.getShopperId())
        .disputeReceiptLine(dispute(issued, 1)));
    assertStatus(Status.Code.FAILED_PRECONDITION, "cannot dispute 3", () -> client.shopper(ana.getShopperId())
        .disputeReceiptLine(dispute(issued, 0).toBuilder().setQuantity(3).build()));
    Review review = client.shopper(ana.getShopperId()).disputeReceiptLine(dispute(issued, 0).toBuilder().setQuantity(1)
        .build()).getReview();
    assertEquals(ReviewReason.REVIEW_REASON_DISPUTED, review.getReason());
    assertEquals(ReviewState.REVIEW_STATE_OPEN, review.getState());
    assertEquals(pick.getAttribution(), review.getEvent().getAttribution(), "the charge's evidence, every candidate");
    assertEquals(1, review.getEvent().getQuantityDelta());
    assertEquals(issued.getReceiptId(), review.getReceiptId());
    assertEquals("I never took it", review.getNote());
    assertEquals(review, client.shopper(ana.getShopperId()).disputeReceiptLine(dispute(issued, 0)).getReview(),
        "disputing the line again answers the first review");
    assertTrue(receipt(issued).getLines(0).getPending(), "in doubt while the review is open");

    ResolveReviewResponse refunded = manager().resolveReview(ResolveReviewRequest.newBuilder()
        .setReviewId(review.getReviewId()).setDismiss(true).build());
    Receipt after = receipt(issued);
    assertEquals(List.of(after), refunded.getAmendedReceiptsList());
    assertEquals(issued.getLinesList().stream().map(l -> l.toBuilder().clearPending().build()).toList(),
        after.getLinesList().stream().map(l -> l.toBuilder().clearPending().build()).toList(), "lines as issued");
    assertEquals(250, after.getTotal().getMinorUnits(), "the total as issued");
    assertEquals(1, after.getAdjustmentsCount());
    ReceiptAdjustment credit = after.getAdjustments(0);
    assertEquals(-1, credit.getQuantity());
    assertEquals(-125, credit.getAmount().getMinorUnits());
    assertEquals(review.getReviewId(), credit.getReviewId());
    assertTrue(credit.getActor().startsWith("manager:"), credit.toString());
    assertEquals(125, after.getNetTotal().getMinorUnits());
    assertFalse(after.getLines(0).getPending());
    assertEquals(8, stock(soda), "the refund puts nothing back on the shelf: the sodas left it");
    assertEquals(ReviewState.REVIEW_STATE_DISMISSED, client.shopper(ana.getShopperId())
        .disputeReceiptLine(dispute(issued, 0)).getReview().getState(), "asked again: the first, as it stands");
    assertEquals(after, client.shopper(ana.getShopperId()).listReceipts(ListReceiptsRequest.newBuilder()
        .setShopperId(ana.getShopperId()).build()).getReceipts(0));

    List<AuditEntry> audit = manager().listAuditEntries(ListAuditEntriesRequest.newBuilder().setLimit(1000).build())
        .getEntriesList();
    assertTrue(audit.stream().anyMatch(e -> e.getAction().equals("DisputeReceiptLine")
        && e.getActor().equals("shopper:" + ana.getShopperId())
        && e.getFieldsMap().get("receipt_id").equals(issued.getReceiptId())), audit.toString());
  }

  @Test
  void aDisputedLineAssignedToAnotherIsCreditedHereAndChargedOnTheirReceiptFromThen() {
    Item soda = item(125, 10);
    Shopper ana = inStore("Ana");
    Shopper ben = inStore("Ben");
    Shopper cy = inStore("Cy");
    apply(event(ana, soda, 1));
    Receipt anas = exit(ana);
    Receipt bens = exit(ben);
    Review review = client.shopper(ana.getShopperId()).disputeReceiptLine(dispute(anas, 0)).getReview();
    assertStatus(Status.Code.FAILED_PRECONDITION, "no receipt from the time", () -> manager().resolveReview(
        ResolveReviewRequest.newBuilder().setReviewId(review.getReviewId()).setAssignToShopperId(cy.getShopperId())
            .build()));
    assertEquals(0, receipt(anas).getAdjustmentsCount(), "the refused decision left nothing behind");

    ResolveReviewResponse moved = manager().resolveReview(ResolveReviewRequest.newBuilder()
        .setReviewId(review.getReviewId()).setAssignToShopperId(ben.getShopperId()).build());
    assertEquals(ReviewState.REVIEW_STATE_ASSIGNED, moved.getReview().getState());
    assertEquals(List.of(receipt(anas), receipt(bens)), moved.getAmendedReceiptsList());
    assertEquals(125, receipt(anas).getTotal().getMinorUnits());
    assertEquals(0, receipt(anas).getNetTotal().getMinorUnits());
    assertEquals(0, receipt(bens).getTotal().getMinorUnits());
    assertEquals(125, receipt(bens).getNetTotal().getMinorUnits());
    assertEquals(1, receipt(bens).getAdjustments(0).getQuantity());
    assertEquals(9, stock(soda));
  }

  @Test
  void aPickDecidedAfterItsShopperLeftLandsBesideTheReceiptOnce() {
    Item soda = item(125, 10);
    Shopper ana = inStore("Ana");
    long now = System.currentTimeMillis();
    CartEvent late = event(ana, soda, 1).toBuilder().setAt(org.ezshop.rpc.EpochMillis.timestamp(now - 1000)).build();
    Receipt issued = manager().exitStore(ExitStoreRequest.newBuilder().setShopperId(ana.getShopperId())
        .setAt(org.ezshop.rpc.EpochMillis.timestamp(now)).setDeciding(1).build()).getReceipt();
    assertEquals(1, issued.getDeciding());
    assertEquals(0, issued.getLinesCount());

    ApplyCartEventResponse applied = apply(late);
    assertEquals(125, applied.getReceipt().getNetTotal().getMinorUnits());
    assertEquals(late.getIdempotencyKey(), applied.getReceipt().getAdjustments(0).getIdempotencyKey());
    assertEquals(0, applied.getCart().getLinesCount());
    assertEquals(9, stock(soda), "off the shelf, as a cart's pick");
    assertTrue(apply(late).getDuplicate(), "a retry changes nothing");
    assertEquals(1, receipt(issued).getAdjustmentsCount());
    assertEquals(9, stock(soda));
    assertStatus(Status.Code.FAILED_PRECONDITION, "not in store", () -> apply(event(ana, soda, 1).toBuilder()
        .setAt(org.ezshop.rpc.EpochMillis.timestamp(now + 1000)).build()));
  }

  @Test
  void adjustmentsAreAppendOnlyOncePerKeyAndNeverNetALineBelowZero() {
    Item soda = item(125, 10);
    Shopper ana = inStore("Ana");
    Shopper ben = inStore("Ben");
    CartEvent pick = event(ana, soda, 1);
    apply(pick);
    CreateReviewRequest ambiguous = CreateReviewRequest.newBuilder().setReason(ReviewReason.REVIEW_REASON_AMBIGUOUS)
        .setEvent(pick).build();
    Review first = manager().createReview(ambiguous).getReview();
    Review second = manager().createReview(ambiguous).getReview(); // unkeyed: the same pick queued twice
    Receipt anas = exit(ana);
    exit(ben);
    ResolveReviewRequest dismiss = ResolveReviewRequest.newBuilder().setReviewId(first.getReviewId()).setDismiss(true)
        .build();
    manager().resolveReview(dismiss);
    Receipt credited = receipt(anas);
    assertEquals(List.of(-1), credited.getAdjustmentsList().stream().map(ReceiptAdjustment::getQuantity).toList());
    assertEquals(0, credited.getNetTotal().getMinorUnits());

    assertStatus(Status.Code.FAILED_PRECONDITION, "already", () -> manager().resolveReview(dismiss));
    assertStatus(Status.Code.FAILED_PRECONDITION, "cannot credit 1", () -> manager().resolveReview(
        ResolveReviewRequest.newBuilder().setReviewId(second.getReviewId()).setAssignToShopperId(ben.getShopperId())
            .build()));
    assertStatus(Status.Code.FAILED_PRECONDITION, "nets 0", () -> client.shopper(ana.getShopperId())
        .disputeReceiptLine(dispute(anas, 0)));
    assertEquals(credited, receipt(anas), "a retry and the refusals leave the receipt as it was");
    assertEquals(anas.getLinesList(), credited.getLinesList(), "and its lines as issued");
  }

  @Test
  void everyManagerActionIsAuditedInItsOwnTransactionWithTheTokensIdNotTheToken() throws Exception {
    Item soda = item(125, 10);
    Shopper ana = inStore("Ana");
    CartEvent pick = event(ana, soda, 1);
    apply(pick);
    Review review = manager().createReview(CreateReviewRequest.newBuilder().setReason(ReviewReason.REVIEW_REASON_AMBIGUOUS)
        .setEvent(pick).build()).getReview();
    ResolveReviewRequest dismiss = ResolveReviewRequest.newBuilder().setReviewId(review.getReviewId()).setDismiss(true)
        .build();
    manager().resolveReview(dismiss);
    assertStatus(Status.Code.FAILED_PRECONDITION, "already", () -> manager().resolveReview(dismiss));
    manager().recordAudit(RecordAuditRequest.newBuilder().setAction("WebSignIn").putFields("from", "127.0.0.1").build());

    List<AuditEntry> audit = manager().listAuditEntries(ListAuditEntriesRequest.newBuilder().setLimit(1000).build())
        .getEntriesList();
    String actor = "manager:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(TestStores.MANAGER.getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 12);
    List<AuditEntry> resolved = audit.stream().filter(e -> e.getAction().equals("ResolveReview")
        && e.getFieldsMap().get("review_id").equals(review.getReviewId())).toList();
    assertEquals(1, resolved.size(), "the refused second resolve left no entry: " + resolved);
    assertEquals("dismiss", resolved.get(0).getFieldsMap().get("decision"));
    assertEquals(actor, resolved.get(0).getActor());
    assertTrue(audit.stream().anyMatch(e -> e.getAction().equals("CreateItem")
        && e.getFieldsMap().get("sku").equals(soda.getSku())), "the item's creation");
    assertTrue(audit.stream().anyMatch(e -> e.getAction().equals("RegisterShopper")
        && e.getFieldsMap().containsKey("face_id")), "the shopper's registration");
    assertEquals("WebSignIn", audit.get(0).getAction(), "newest first");
    assertFalse(audit.toString().contains(TestStores.MANAGER), "never the token itself");
    assertTrue(audit.get(0).getAt().getSeconds() >= resolved.get(0).getAt().getSeconds());
  }

  @Test
  void anErasedShoppersReceiptsStayUnderAnAnonymousIdAndAskingAgainAnswersTheSame() {
    Item soda = item(125, 10);
    Shopper ana = inStore("Ana");
    apply(event(ana, soda, 2));
    assertStatus(Status.Code.FAILED_PRECONDITION, "in store", () -> manager().eraseShopper(EraseShopperRequest
        .newBuilder().setShopperId(ana.getShopperId()).build()));
    Receipt receipt = manager().exitStore(ExitStoreRequest.newBuilder().setShopperId(ana.getShopperId()).build())
        .getReceipt();

    EraseShopperResponse erased = manager().eraseShopper(EraseShopperRequest.newBuilder()
        .setShopperId(ana.getShopperId()).setReason("the shopper asked").build());
    assertEquals(ana.getFaceId(), erased.getFaceId(), "the face to forget in identity-svc");
    List<Receipt> kept = manager().listReceipts(ListReceiptsRequest.newBuilder().setShopperId(erased.getAnonymousId())
        .build()).getReceiptsList();
    assertEquals(List.of(receipt.getReceiptId()), kept.stream().map(Receipt::getReceiptId).toList());
    assertEquals(250, kept.get(0).getTotal().getMinorUnits());
    assertEquals("", kept.get(0).getShopperName());
    assertTrue(manager().listShoppers(ListShoppersRequest.newBuilder().setShopperId(ana.getShopperId()).build())
        .getShoppersList().isEmpty(), "the shopper is gone");
    assertTrue(manager().listShoppers(ListShoppersRequest.newBuilder().setFaceId(ana.getFaceId()).build())
        .getShoppersList().isEmpty(), "and their face with them");
    assertEquals(erased, manager().eraseShopper(EraseShopperRequest.newBuilder().setShopperId(ana.getShopperId())
        .build()), "asked again, the same answer");
    assertStatus(Status.Code.NOT_FOUND, "no shopper", () -> manager().eraseShopper(EraseShopperRequest.newBuilder()
        .setShopperId("s-nobody").build()));
  }

  @Test
  void dismissingAnAmbiguousReviewReversesTheCharge() {
    Item soda = item(125, 10);
    Shopper ana = inStore("Ana");
    CartEvent pick = event(ana, soda, 2);
    apply(pick);
    Review review = manager().createReview(CreateReviewRequest.newBuilder().setReason(ReviewReason.REVIEW_REASON_AMBIGUOUS)
        .setEvent(pick).build()).getReview();
    manager().resolveReview(ResolveReviewRequest.newBuilder().setReviewId(review.getReviewId()).setDismiss(true).build());
    assertEquals(0, cart(ana).getLinesCount());
    assertEquals(10, stock(soda));
  }

  @Test
  void reviewsResolvedWhilePicksApplyNeverDeadlock() throws Exception {
    Item soda = item(125, 10_000);
    Shopper ana = inStore("Ana");
    Shopper ben = inStore("Ben");
    List<Review> queue = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      CartEvent pick = event(ana, soda, 1);
      apply(pick);
      queue.add(manager().createReview(CreateReviewRequest.newBuilder().setReason(ReviewReason.REVIEW_REASON_AMBIGUOUS)
          .setEvent(pick).build()).getReview());
    }
    // Each resolve moves a soda from Ana to Ben while picks land on both carts: both touch a visit and the item.
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> done = new ArrayList<>();
    for (Review review : queue) {
      done.add(pool.submit(() -> {
        try (StoreClient own = new StoreClient(server.port())) {
          own.manager().resolveReview(ResolveReviewRequest.newBuilder().setReviewId(review.getReviewId())
              .setAssignToShopperId(ben.getShopperId()).build());
        }
        return null;
      }));
      done.add(pool.submit(() -> {
        try (StoreClient own = new StoreClient(server.port())) {
          own.manager().applyCartEvent(ApplyCartEventRequest.newBuilder().setEvent(event(ben, soda, 1)).build());
          own.manager().applyCartEvent(ApplyCartEventRequest.newBuilder().setEvent(event(ana, soda, 1)).build());
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS); // a deadlock would abort one of them: PostgreSQL picks a victim
    }
    pool.shutdown();
    String state = "Ben " + cart(ben) + " Ana " + cart(ana) + " stock " + stock(soda);
    assertEquals(24, cart(ben).getLines(0).getQuantity(), state);
    assertEquals(12, cart(ana).getLines(0).getQuantity(), state);
    assertEquals(10_000 - 36, stock(soda), state);
  }

  @Test
  void aReviewOrAnAlertRetriedWithItsKeyIsMadeOnce() {
    Item soda = item(125, 10);
    Shopper ana = inStore("Ana");
    CartEvent pick = event(ana, soda, 1);
    apply(pick);
    CreateReviewRequest create = CreateReviewRequest.newBuilder().setReason(ReviewReason.REVIEW_REASON_AMBIGUOUS)
        .setEvent(pick).setIdempotencyKey("review:" + pick.getIdempotencyKey()).build();
    Review first = manager().createReview(create).getReview();
    manager().resolveReview(ResolveReviewRequest.newBuilder().setReviewId(first.getReviewId()).setDismiss(true).build());
    Review again = manager().createReview(create).getReview(); // the gateway retrying after a crash
    assertEquals(first.getReviewId(), again.getReviewId());
    assertEquals(ReviewState.REVIEW_STATE_DISMISSED, again.getState(), "found as it stands, not opened again");
    assertEquals(1, manager().listReviews(ListReviewsRequest.getDefaultInstance()).getReviewsList().stream()
        .filter(r -> r.getEvent().getIdempotencyKey().equals(pick.getIdempotencyKey())).count());
    Review unkeyed = manager().createReview(create.toBuilder().clearIdempotencyKey().build()).getReview();
    assertFalse(unkeyed.getReviewId().equals(first.getReviewId()), "without a key, each call is a new review");

    RaiseAlertRequest raise = RaiseAlertRequest.newBuilder().setAlert(Alert.newBuilder()
        .setKind(AlertKind.ALERT_KIND_UNATTRIBUTED).setSku(soda.getSku()).setMessage("1 x soda taken, nobody seen"))
        .setIdempotencyKey("alert:" + pick.getIdempotencyKey()).build();
    Alert raised = manager().raiseAlert(raise).getAlert();
    assertEquals(raised, manager().raiseAlert(raise).getAlert());
    assertEquals(1, manager().listAlerts(ListAlertsRequest.getDefaultInstance()).getAlertsList().stream()
        .filter(a -> a.getAlertId().equals(raised.getAlertId())).count());
  }

  // ---- security and bad input ----

  @Test
  void tokensSeeOnlyWhatTheyOwn() {
    Shopper ana = inStore("Ana");
    Shopper ben = inStore("Ben");
    GetCartRequest bensCart = GetCartRequest.newBuilder().setShopperId(ben.getShopperId()).build();
    assertEquals(ana.getShopperId(), client.shopper(ana.getShopperId()).getCart(GetCartRequest.newBuilder()
        .setShopperId(ana.getShopperId()).build()).getCart().getShopperId());
    assertStatus(Status.Code.PERMISSION_DENIED, "only that shopper", () -> client.shopper(ana.getShopperId()).getCart(bensCart));
    assertStatus(Status.Code.UNAUTHENTICATED, "missing bearer token", () -> client.anonymous().getCart(bensCart));
    assertStatus(Status.Code.UNAUTHENTICATED, "invalid or expired", () -> client.as("forged").getCart(bensCart));
    assertStatus(Status.Code.PERMISSION_DENIED, "manager token", () -> client.shopper(ana.getShopperId())
        .listShoppers(ListShoppersRequest.getDefaultInstance()));
  }

  @Test
  void badInputIsRefusedNamingTheField() {
    Item soda = item(125, 10);
    Shopper ana = inStore("Ana");
    Item.Builder negative = Item.newBuilder().setSku(unique("sku")).setName("x")
        .setPrice(Money.newBuilder().setMinorUnits(-1).setCurrency("USD"));
    assertStatus(Status.Code.INVALID_ARGUMENT, "item.price.minor_units", () -> manager().createItem(
        CreateItemRequest.newBuilder().setItem(negative).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "item.sku", () -> manager().createItem(CreateItemRequest.newBuilder()
        .setItem(negative.setSku("").setPrice(Money.newBuilder().setMinorUnits(1).setCurrency("USD"))).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "event.sku", () -> apply(event(ana, soda, 1).toBuilder().setSku("nope").build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "event.quantity_delta", () -> apply(event(ana, soda, 0)));
    assertStatus(Status.Code.INVALID_ARGUMENT, "event.confidence", () -> apply(event(ana, soda, 1).toBuilder()
        .setConfidence(Float.NaN).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "update_mask", () -> manager().updateItem(UpdateItemRequest.newBuilder()
        .setItem(soda).setUpdateMask(FieldMask.newBuilder().addPaths("sku")).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "token", () -> manager().registerDevice(RegisterDeviceRequest.newBuilder()
        .setDeviceId("d").setKind(DeviceKind.DEVICE_KIND_SHELF).setToken("short").build()));
    assertStatus(Status.Code.NOT_FOUND, "shopper_id", () -> manager().enterStore(EnterStoreRequest.newBuilder()
        .setShopperId("nobody").build()));
  }
}
