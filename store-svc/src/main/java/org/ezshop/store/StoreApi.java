package org.ezshop.store;

import static org.ezshop.store.Requests.require;
import static org.ezshop.store.Requests.text;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.Service;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.ezshop.rpc.Calls;
import org.ezshop.store.feed.Feeds;
import org.ezshop.store.rules.AgeChecks;
import org.ezshop.store.rules.Alerts;
import org.ezshop.store.rules.Catalog;
import org.ezshop.store.rules.Ledger;
import org.ezshop.store.rules.Receipts;
import org.ezshop.store.rules.Reviews;
import org.ezshop.store.rules.Stores;
import org.ezshop.store.storage.Audited;
import org.ezshop.store.storage.Failures;
import org.ezshop.store.storage.Stamps;
import org.ezshop.store.storage.Transactions;
import org.ezshop.store.v1.*;

/** ezshop.store.v1.StoreService: checks who calls and what they send, then hands over to the domain classes. */
final class StoreApi implements Service {

  private final Vertx vertx;
  private final Access access;
  private final Catalog catalog;
  private final Ledger ledger;
  private final Reviews reviews;
  private final Receipts receipts;
  private final Stores stores;
  private final Transactions store;
  private final int watchBuffer;

  StoreApi(Vertx vertx, Access access, Transactions store, int watchBuffer) {
    this.vertx = vertx;
    this.watchBuffer = watchBuffer;
    this.access = access;
    this.store = store;
    this.catalog = new Catalog(store);
    this.ledger = new Ledger(store);
    this.reviews = new Reviews(store);
    this.receipts = new Receipts(store);
    this.stores = new Stores(store);
  }

  @Override
  public ServiceName name() {
    return StoreServiceGrpcService.SERVICE_NAME;
  }

  @Override
  public ServiceDescriptor descriptor() {
    return StoreServiceGrpcService.SERVICE_DESCRIPTOR;
  }

  /** The storage for one manager action: its transaction also appends the action to the audit log. */
  private Transactions audited(MultiMap h, String action, String... fields) {
    AuditEntry.Builder entry = entry(h, action);
    for (int i = 0; i < fields.length; i += 2) {
      entry.putFields(fields[i], fields[i + 1]);
    }
    return new Audited(store, entry.build());
  }

  private AuditEntry.Builder entry(MultiMap h, String action) {
    return AuditEntry.newBuilder().setEntryId(Ledger.newId("u")).setAt(Stamps.now()).setActor(access.actor(h))
        .setAction(action);
  }

  /** The store a record made by this call is in: the one it names, else the call's, else the default store. */
  private static String storeOf(MultiMap h, String named, String field) {
    return Stores.of(Stores.scope(Access.bound(h), Requests.storeId(named, field)));
  }

  /** The store a List or Watch call asks about: the one it names, else the call's; "" for every store. */
  private static String scope(MultiMap h, String named) {
    return Stores.scope(Access.bound(h), Requests.storeId(named, "store_id"));
  }

  @Override
  public void bind(GrpcServer s) {
    Calls.unary(s, StoreServiceGrpcService.CreateStore, (h, r) -> {
      access.requireManager(h);
      String id = Requests.storeId(text(r.getStore().getStoreId(), "store.store_id"), "store.store_id");
      return new Stores(audited(h, "CreateStore", "store_id", id)).create(r.getStore())
          .map(st -> CreateStoreResponse.newBuilder().setStore(st).build());
    });
    Calls.unary(s, StoreServiceGrpcService.ListStores, (h, r) -> {
      access.requireManager(h);
      return stores.list().map(list -> ListStoresResponse.newBuilder().addAllStores(list).build());
    });
    Calls.unary(s, StoreServiceGrpcService.CreateItem, (h, r) -> {
      access.requireManager(h);
      Requests.item(r.getItem(), Requests.ITEM_FIELDS);
      Item item = r.getItem().toBuilder().setStoreId(storeOf(h, r.getItem().getStoreId(), "item.store_id"))
          .build();
      return new Catalog(audited(h, "CreateItem", "sku", item.getSku(), "store_id", item.getStoreId())).createItem(item)
          .map(i -> CreateItemResponse.newBuilder().setItem(i).build());
    });
    Calls.unary(s, StoreServiceGrpcService.UpdateItem, (h, r) -> {
      access.requireManager(h);
      Set<String> paths = new HashSet<>(r.getUpdateMask().getPathsList());
      paths.forEach(p -> require(Requests.ITEM_FIELDS.contains(p), "update_mask", "cannot update '" + p + "'"));
      Requests.item(r.getItem(), paths.isEmpty() ? Requests.ITEM_FIELDS : paths);
      return new Catalog(audited(h, "UpdateItem", "sku", r.getItem().getSku(), "fields",
          String.join(",", new TreeSet<>(paths)))).updateItem(r.getItem(), List.copyOf(paths), Access.bound(h))
          .map(i -> UpdateItemResponse.newBuilder().setItem(i).build());
    });
    Calls.unary(s, StoreServiceGrpcService.ListItems, (h, r) -> {
      access.requireManager(h);
      require(r.getPageSize() >= 0, "page_size", "must be >= 0");
      return catalog.listItems(r.getPageSize(), r.getPageToken(), scope(h, r.getStoreId()));
    });
    Calls.unary(s, StoreServiceGrpcService.PutShelfRow, (h, r) -> {
      access.requireManager(h);
      Requests.row(r.getRow());
      return new Catalog(audited(h, "PutShelfRow", "row_id", r.getRow().getRowId(), "sku", r.getRow().getSku()))
          .putShelfRow(r.getRow(), Access.bound(h)).map(row -> PutShelfRowResponse.newBuilder().setRow(row).build());
    });
    Calls.unary(s, StoreServiceGrpcService.ListShelfRows, (h, r) -> {
      access.requireManager(h);
      return catalog.listShelfRows(scope(h, r.getStoreId()))
          .map(rows -> ListShelfRowsResponse.newBuilder().addAllRows(rows).build());
    });
    Calls.unary(s, StoreServiceGrpcService.RegisterShopper, (h, r) -> {
      access.requireManager(h);
      text(r.getName(), "name");
      return new Catalog(audited(h, "RegisterShopper", "face_id", text(r.getFaceId(), "face_id")))
          .registerShopper(r.getName(), r.getFaceId(), r.getPushToken())
          .map(shopper -> RegisterShopperResponse.newBuilder().setShopper(shopper).build());
    });
    Calls.unary(s, StoreServiceGrpcService.ListShoppers, (h, r) -> {
      access.requireManager(h);
      return catalog.listShoppers(r.getInStoreOnly(), r.getFaceId(), r.getHoldingSku(), r.getShopperId(),
              scope(h, r.getStoreId()))
          .map(list -> ListShoppersResponse.newBuilder().addAllShoppers(list).build());
    });
    Calls.unary(s, StoreServiceGrpcService.EraseShopper, (h, r) -> {
      access.requireManager(h);
      return catalog.eraseShopper(text(r.getShopperId(), "shopper_id"), entry(h, "EraseShopper")
          .putFields("reason", r.getReason()));
    });
    Calls.unary(s, StoreServiceGrpcService.VerifyShopperAge, (h, r) -> {
      access.requireManager(h);
      require(r.hasValidUntil(), "valid_until", "required");
      String shopper = text(r.getShopperId(), "shopper_id");
      return new AgeChecks(audited(h, "VerifyShopperAge", "shopper_id", shopper, "document", r.getDocument(),
          "valid_until", Stamps.instant(r.getValidUntil()).toString()))
          .verify(shopper, r.getValidUntil(), access.actor(h));
    });
    Calls.unary(s, StoreServiceGrpcService.RegisterDevice, (h, r) -> {
      access.requireManager(h);
      Requests.device(r);
      Device device = Device.newBuilder().setDeviceId(r.getDeviceId()).setKind(r.getKind())
          .setCameraRole(r.getCameraRole()).setStoreId(storeOf(h, r.getStoreId(), "store_id")).build();
      return new Catalog(audited(h, "RegisterDevice", "device_id", r.getDeviceId(), "kind", r.getKind().name(),
          "store_id", device.getStoreId())).registerDevice(device, r.getToken(), Access.bound(h))
          .map(d -> RegisterDeviceResponse.newBuilder().setDevice(d).build());
    });
    Calls.unary(s, StoreServiceGrpcService.RevokeDevice, (h, r) -> {
      access.requireManager(h);
      String device = text(r.getDeviceId(), "device_id");
      return new Catalog(audited(h, "RevokeDevice", "device_id", device)).revokeDevice(device, Access.bound(h))
          .map(d -> RevokeDeviceResponse.newBuilder().setDevice(d).build());
    });
    Calls.unary(s, StoreServiceGrpcService.ListDevices, (h, r) -> {
      access.requireManager(h);
      return catalog.listDevices(scope(h, r.getStoreId()))
          .map(list -> ListDevicesResponse.newBuilder().addAllDevices(list).build());
    });
    Calls.unary(s, StoreServiceGrpcService.AuthenticateDevice, (h, r) -> {
      access.requireManager(h);
      return catalog.authenticateDevice(text(r.getToken(), "token"), Access.bound(h))
          .map(d -> AuthenticateDeviceResponse.newBuilder().setDevice(d).build());
    });
    Calls.unary(s, StoreServiceGrpcService.EnterStore, (h, r) -> {
      access.requireManager(h);
      return ledger.enterStore(text(r.getShopperId(), "shopper_id"), r.hasAt() ? r.getAt() : Stamps.now(),
          storeOf(h, r.getStoreId(), "store_id"));
    });
    Calls.unary(s, StoreServiceGrpcService.ExitStore, (h, r) -> {
      access.requireManager(h);
      require(r.getDeciding() >= 0, "deciding", "must be 0 or more");
      return ledger.exitStore(text(r.getShopperId(), "shopper_id"), r.hasAt() ? r.getAt() : Stamps.now(),
          Access.bound(h), r.getDeciding());
    });
    Calls.unary(s, StoreServiceGrpcService.ApplyCartEvent, (h, r) -> {
      access.requireManager(h);
      require(r.hasEvent(), "event", "required");
      Requests.cartEvent(r.getEvent(), "event");
      CartEvent event = r.getEvent().hasAt() ? r.getEvent() : r.getEvent().toBuilder().setAt(Stamps.now()).build();
      return ledger.applyCartEvent(event);
    });
    Calls.unary(s, StoreServiceGrpcService.GetCart, (h, r) -> {
      access.requireOwner(h, r.getShopperId()); // who calls, then whose it is, then whether it is well formed
      text(r.getShopperId(), "shopper_id");
      return ledger.cart(r.getShopperId()).map(c -> GetCartResponse.newBuilder().setCart(c).build());
    });
    Calls.unary(s, StoreServiceGrpcService.GetReceipt, (h, r) -> {
      Optional<String> caller = access.caller(h);
      return receipts.receipt(text(r.getReceiptId(), "receipt_id")).map(receipt -> {
        caller.filter(shopper -> !shopper.equals(receipt.getShopperId())).ifPresent(x -> {
          throw Failures.denied("a shopper's token sees only that shopper's receipts");
        });
        return GetReceiptResponse.newBuilder().setReceipt(receipt).build();
      });
    });
    Calls.unary(s, StoreServiceGrpcService.ListReceipts, (h, r) -> {
      access.requireOwner(h, r.getShopperId());
      text(r.getShopperId(), "shopper_id");
      return receipts.receipts(r.getShopperId()).map(list -> ListReceiptsResponse.newBuilder().addAllReceipts(list).build());
    });
    Calls.unary(s, StoreServiceGrpcService.DisputeReceiptLine, (h, r) -> {
      Optional<String> caller = access.caller(h);
      text(r.getReceiptId(), "receipt_id");
      require(r.getLine() >= 0, "line", "must be 0 or more");
      require(r.getQuantity() >= 0, "quantity", "must be 0 (the whole line) or more");
      require(r.getReason().length() <= 500, "reason", "at most 500 characters");
      return new Receipts(audited(h, "DisputeReceiptLine", "receipt_id", r.getReceiptId(), "line",
          Integer.toString(r.getLine()))).dispute(r, caller, Access.bound(h))
          .map(review -> DisputeReceiptLineResponse.newBuilder().setReview(review).build());
    });
    Calls.unary(s, StoreServiceGrpcService.RecordNotification, (h, r) -> {
      access.requireManager(h);
      Requests.known(r.getState(), "state");
      return receipts.recordNotification(text(r.getReceiptId(), "receipt_id"), r.getState(), r.getDetail())
          .map(receipt -> RecordNotificationResponse.newBuilder().setReceipt(receipt).build());
    });
    Calls.unary(s, StoreServiceGrpcService.CreateReview, (h, r) -> {
      access.requireManager(h);
      Requests.known(r.getReason(), "reason");
      text(r.getEvent().getSku(), "event.sku");
      text(r.getEvent().getIdempotencyKey(), "event.idempotency_key");
      return reviews.create(r.getReason(), r.getEvent(), r.getNote(), r.getIdempotencyKey(),
              storeOf(h, r.getStoreId(), "store_id"))
          .map(review -> CreateReviewResponse.newBuilder().setReview(review).build());
    });
    Calls.unary(s, StoreServiceGrpcService.ListReviews, (h, r) -> {
      access.requireManager(h);
      return reviews.list(r.getOpenOnly(), scope(h, r.getStoreId())).map(list -> ListReviewsResponse.newBuilder().addAllReviews(list).build());
    });
    Calls.unary(s, StoreServiceGrpcService.ResolveReview, (h, r) -> {
      access.requireManager(h);
      text(r.getReviewId(), "review_id");
      require(r.getDecisionCase() != ResolveReviewRequest.DecisionCase.DECISION_NOT_SET, "decision",
          "set assign_to_shopper_id or dismiss");
      Optional<String> assignTo = r.hasAssignToShopperId()
          ? Optional.of(text(r.getAssignToShopperId(), "assign_to_shopper_id")) : Optional.empty();
      require(assignTo.isPresent() || r.getDismiss(), "dismiss", "must be true when set");
      return new Reviews(audited(h, "ResolveReview", "review_id", r.getReviewId(), "decision",
          assignTo.map(shopper -> "assign:" + shopper).orElse("dismiss"))).resolve(r.getReviewId(), assignTo,
          Access.bound(h), access.actor(h));
    });
    Calls.unary(s, StoreServiceGrpcService.RaiseAlert, (h, r) -> {
      access.requireManager(h);
      Requests.known(r.getAlert().getKind(), "alert.kind");
      text(r.getAlert().getMessage(), "alert.message");
      Alert.Builder alert = r.getAlert().toBuilder()
          .setStoreId(storeOf(h, r.getAlert().getStoreId(), "alert.store_id"));
      if (!r.getIdempotencyKey().isEmpty()) {
        alert.setAlertId(Ledger.keyedId("a", r.getIdempotencyKey()));
      } else if (alert.getAlertId().isEmpty()) {
        alert.setAlertId(Ledger.newId("a"));
      }
      if (!alert.hasAt()) {
        alert.setAt(Stamps.now());
      }
      return store.inTx(tx -> Alerts.raiseOnce(tx, alert.build()))
          .map(a -> RaiseAlertResponse.newBuilder().setAlert(a).build());
    });
    Calls.unary(s, StoreServiceGrpcService.ListAlerts, (h, r) -> {
      access.requireManager(h);
      require(r.getLimit() >= 0, "limit", "must be >= 0");
      int limit = r.getLimit() == 0 ? 100 : r.getLimit();
      String scope = scope(h, r.getStoreId());
      return store.inTx(tx -> tx.followUps().alerts(limit, scope)).map(list -> ListAlertsResponse.newBuilder().addAllAlerts(list).build());
    });
    Calls.unary(s, StoreServiceGrpcService.AdjustStock, (h, r) -> {
      access.requireManager(h);
      require(r.getDelta() != 0, "delta", "must not be 0");
      return new Catalog(audited(h, "AdjustStock", "sku", text(r.getSku(), "sku"), "delta",
          String.valueOf(r.getDelta()))).adjustStock(r.getSku(), r.getDelta(), r.getReason(), r.getIdempotencyKey(),
          Access.bound(h))
          .map(i -> AdjustStockResponse.newBuilder().setItem(i).build());
    });
    Calls.unary(s, StoreServiceGrpcService.ListAuditEntries, (h, r) -> {
      access.requireManager(h);
      require(r.getLimit() >= 0, "limit", "must be >= 0");
      return store.inTx(tx -> tx.followUps().audit(r.getLimit() == 0 ? 100 : r.getLimit()))
          .map(list -> ListAuditEntriesResponse.newBuilder().addAllEntries(list).build());
    });
    Calls.unary(s, StoreServiceGrpcService.RecordAudit, (h, r) -> {
      access.requireManager(h);
      AuditEntry entry = entry(h, text(r.getAction(), "action")).putAllFields(r.getFieldsMap()).build();
      return store.inTx(tx -> tx.followUps().appendAudit(entry))
          .map(v -> RecordAuditResponse.newBuilder().setEntry(entry).build());
    });
    Calls.serverStreaming(s, StoreServiceGrpcService.Watch, (h, r, out) -> {
      access.requireManager(h);
      Feeds.watch(vertx, store.feed(), r.toBuilder().setStoreId(scope(h, r.getStoreId())).build(), out, watchBuffer);
      return Future.succeededFuture();
    });
    Calls.serverStreaming(s, StoreServiceGrpcService.WatchCart, (h, r, out) -> {
      access.requireOwner(h, r.getShopperId());
      text(r.getShopperId(), "shopper_id");
      return Feeds.watchCart(vertx, store.feed(), ledger, r.getShopperId(), out, watchBuffer);
    });
  }
}
