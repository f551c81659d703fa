package org.ezshop.store.feed;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.server.GrpcServerRequest;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.ezshop.store.rules.Carts;
import org.ezshop.store.rules.Ledger;
import org.ezshop.store.rules.Stores;
import org.ezshop.store.storage.EventFeed;
import org.ezshop.store.v1.CartUpdate;
import org.ezshop.store.v1.Resync;
import org.ezshop.store.v1.StoreEvent;
import org.ezshop.store.v1.StoreEventKind;
import org.ezshop.store.v1.WatchCartRequest;
import org.ezshop.store.v1.WatchRequest;

/** The live streams: Watch (store events for managers) and WatchCart (one shopper's cart). */
public final class Feeds {

  private Feeds() {
  }

  public static void watch(Vertx vertx, EventFeed feed, WatchRequest request,
      GrpcServerRequest<WatchRequest, StoreEvent> call, int buffer) {
    Set<StoreEventKind> kinds = Set.copyOf(request.getKindsList());
    Watcher<StoreEvent> watcher = new Watcher<>(context(vertx), call.response(),
        event -> (kinds.isEmpty() || kinds.contains(kind(event)))
            && store(event).map(store -> Stores.in(request.getStoreId(), store)).orElse(true)
            ? Optional.of(event) : Optional.empty(),
        skipped -> Future.succeededFuture(StoreEvent.newBuilder().setResync(Resync.newBuilder().setSkipped(skipped)).build()),
        buffer);
    Runnable unsubscribe = feed.subscribe(watcher::offer);
    onEnd(call, unsubscribe);
    call.response().writeHead(); // the caller knows the subscription is in place: a snapshot read after misses nothing
    watcher.start(Optional.empty());
  }

  public static Future<Void> watchCart(Vertx vertx, EventFeed feed, Ledger ledger, String shopperId,
      GrpcServerRequest<WatchCartRequest, CartUpdate> call, int buffer) {
    // Changes the snapshot already holds (committed between subscribing and reading it) are not sent again.
    AtomicLong shown = new AtomicLong();
    Watcher<CartUpdate> watcher = new Watcher<>(context(vertx), call.response(),
        event -> cartUpdate(shopperId, event),
        skipped -> ledger.cart(shopperId).map(cart -> CartUpdate.newBuilder().setCart(cart).setSnapshot(true).build()),
        buffer)
        .skipping(update -> update.hasEvent() && update.getCart().getVersion() <= shown.get());
    // Subscribe before reading the snapshot, so that nothing committed in between is missed.
    Runnable unsubscribe = feed.subscribe(watcher::offer);
    onEnd(call, unsubscribe);
    return ledger.cart(shopperId)
        .onSuccess(cart -> shown.set(cart.getVersion()))
        .onSuccess(cart -> watcher.start(Optional.of(CartUpdate.newBuilder().setCart(cart).setSnapshot(true).build())))
        .onFailure(failure -> unsubscribe.run())
        .mapEmpty();
  }

  private static Optional<CartUpdate> cartUpdate(String shopperId, StoreEvent event) {
    if (event.hasCart() && event.getCart().getCart().getShopperId().equals(shopperId)) {
      return Optional.of(CartUpdate.newBuilder().setCart(event.getCart().getCart()).setEvent(event.getCart().getEvent()).build());
    }
    if (event.hasReceipt() && event.getReceipt().getShopperId().equals(shopperId)) {
      return Optional.of(CartUpdate.newBuilder().setCart(Carts.empty(shopperId))
          .setReceipt(event.getReceipt()).build());
    }
    return Optional.empty();
  }

  private static void onEnd(GrpcServerRequest<?, ?> call, Runnable unsubscribe) {
    call.errorHandler(error -> unsubscribe.run());
    call.response().exceptionHandler(failure -> unsubscribe.run());
  }

  private static Context context(Vertx vertx) {
    return vertx.getOrCreateContext();
  }

  /** The store an event is about; none for a shopper's or a resync, which every store's watchers get. */
  private static Optional<String> store(StoreEvent event) {
    switch (event.getBodyCase()) {
      case ITEM:
        return Optional.of(event.getItem().getStoreId());
      case VISIT:
        return Optional.of(event.getVisit().getStoreId());
      case CART:
        return Optional.of(event.getCart().getCart().getStoreId());
      case RECEIPT:
        return Optional.of(event.getReceipt().getStoreId());
      case ALERT:
        return Optional.of(event.getAlert().getStoreId());
      case REVIEW:
        return Optional.of(event.getReview().getStoreId());
      case SHELF_ROW:
        return Optional.of(event.getShelfRow().getStoreId());
      case DEVICE:
        return Optional.of(event.getDevice().getStoreId());
      default:
        return Optional.empty();
    }
  }

  static StoreEventKind kind(StoreEvent event) {
    switch (event.getBodyCase()) {
      case ITEM:
        return StoreEventKind.STORE_EVENT_KIND_STOCK;
      case VISIT:
        return StoreEventKind.STORE_EVENT_KIND_VISIT;
      case CART:
        return StoreEventKind.STORE_EVENT_KIND_CART;
      case RECEIPT:
        return StoreEventKind.STORE_EVENT_KIND_RECEIPT;
      case ALERT:
        return StoreEventKind.STORE_EVENT_KIND_ALERT;
      case REVIEW:
        return StoreEventKind.STORE_EVENT_KIND_REVIEW;
      case SHOPPER:
        return StoreEventKind.STORE_EVENT_KIND_SHOPPER;
      case SHELF_ROW, DEVICE:
        return StoreEventKind.STORE_EVENT_KIND_LAYOUT;
      default:
        return StoreEventKind.STORE_EVENT_KIND_UNSPECIFIED;
    }
  }

}
