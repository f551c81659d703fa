package org.ezshop.store;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.ezshop.store.v1.Alert;
import org.ezshop.store.v1.CartEvent;
import org.ezshop.store.v1.CartLine;
import org.ezshop.store.v1.Device;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.Review;
import org.ezshop.store.v1.ShelfRow;
import org.ezshop.store.v1.Shopper;
import org.ezshop.store.v1.StoreEvent;
import org.ezshop.store.v1.Visit;

/**
 * The reads and writes of one transaction on the store of record. The rules live in {@link Ledger}, once;
 * each storage (memory, PostgreSQL) only implements these. Reads of rows a transaction will change lock them
 * (except in {@link Transactions#unlocked} work).
 */
public interface Tx {

  Future<Optional<Item>> item(String sku);

  /** Items in SKU order, after the given SKU ("" for the first page); limit 0 means all. */
  Future<List<Item>> items(String afterSku, int limit);

  /** Fails with {@link Conflict} when the SKU exists. */
  Future<Void> insertItem(Item item);

  Future<Void> updateItem(Item item);

  /** Adds to recorded stock atomically and returns the item after the change. */
  Future<Item> addStock(String sku, long delta);

  Future<List<ShelfRow>> rows();

  Future<Void> putRow(ShelfRow row);

  Future<Optional<Shopper>> shopper(String shopperId);

  /** Every shopper, with in_store and entered_at from their open visit. */
  Future<List<Shopper>> shoppers();

  /** Fails with {@link Conflict} when the face is registered already. */
  Future<Void> insertShopper(Shopper shopper);

  /** Creates or replaces the device; fails with {@link Conflict} when another device has the token. */
  Future<Void> putDevice(Device device, byte[] tokenHash);

  Future<List<Device>> devices();

  Future<Optional<Device>> deviceByToken(byte[] tokenHash);

  Future<Optional<Visit>> openVisit(String shopperId);

  Future<Optional<Visit>> lastVisit(String shopperId);

  Future<Void> insertVisit(Visit visit);

  /** Records exited_at and receipt_id. */
  Future<Void> closeVisit(Visit visit);

  /** The id of the last event applied to the visit's cart; 0 for none. */
  Future<Long> cartVersion(String visitId);

  /** A new cart event id. Take it after locking the visit ({@link #openVisit}), so a cart's versions only grow. */
  Future<Long> newEventId();

  Future<List<CartLine>> cartLines(String visitId);

  /** The lines of the shopper's open visit's cart (none when not in store). */
  Future<List<CartLine>> openCartLines(String shopperId);

  /**
   * Everything applying the event reads: a recording of its idempotency key, the shopper's open visit and the
   * item (both locked in a locking transaction, in that order), a new event id taken after the visit's lock, and
   * the cart's lines and version. A storage that can read them in one round trip overrides this.
   */
  default Future<CartEventState> cartEventState(CartEvent event) {
    Future<Optional<RecordedEvent>> known = eventByKey(event.getIdempotencyKey());
    Future<Optional<Visit>> open = openVisit(event.getShopperId());
    Future<Long> eventId = newEventId();
    Future<Optional<Item>> item = item(event.getSku());
    Future<List<CartLine>> lines = openCartLines(event.getShopperId());
    Future<Long> version = open.compose(v -> v.isEmpty() ? Future.succeededFuture(0L) : cartVersion(v.get().getVisitId()));
    return Future.all(List.of(known, open, eventId, item, lines, version)).map(x -> new CartEventState(known.result(),
        open.result(), version.result(), eventId.result(), item.result(), lines.result()));
  }

  /**
   * Records an applied cart event (with its id from {@link #newEventId}) and writes its effect at once: the cart
   * line (quantity 0 removes it), the recorded stock and the cart's version (the event's id). Only when the cart
   * is still at {@code cartVersion} and the item's stock still {@code item}'s, as the caller read them; else fails
   * with {@link Stale} and changes neither the cart nor the stock, though it may advance the cart's version (rows
   * read under a lock cannot go stale). Fails with {@link Conflict} when the idempotency key was taken meanwhile.
   */
  Future<Void> writeCartChange(String visitId, long cartVersion, Item item, CartEvent event, CartLine line);

  /** Records the event under its idempotency key; empty when the key was recorded before. */
  Future<Optional<Long>> recordEvent(CartEvent event, String visitId, boolean refused);

  Future<Optional<RecordedEvent>> eventByKey(String idempotencyKey);

  Future<Void> putReceipt(Receipt receipt);

  Future<Optional<Receipt>> receipt(String receiptId);

  /** Newest first. */
  Future<List<Receipt>> receipts(String shopperId);

  Future<Void> putReview(Review review);

  Future<Optional<Review>> review(String reviewId);

  /** Oldest first. */
  Future<List<Review>> reviews(boolean openOnly);

  Future<Void> insertAlert(Alert alert);

  /** Newest first. */
  Future<List<Alert>> alerts(int limit);

  /** Records a stock adjustment's key; false when it was recorded before. */
  Future<Boolean> recordAdjustment(String idempotencyKey, String sku, long delta, String reason);

  /** Publishes the event to every watcher once the transaction commits. */
  void publish(StoreEvent event);

  /** What {@link #cartEventState} read. */
  record CartEventState(Optional<RecordedEvent> known, Optional<Visit> visit, long cartVersion, long newEventId,
      Optional<Item> item, List<CartLine> lines) {
  }

  /** A cart event as recorded, with whether it was refused. */
  record RecordedEvent(CartEvent event, boolean refused) {
  }

  /** What a read without locks saw has changed since. */
  final class Stale extends RuntimeException {
    public Stale(String message) {
      super(message, null, false, false);
    }
  }

  /** A uniqueness constraint said no. */
  final class Conflict extends RuntimeException {
    public Conflict(String message) {
      super(message, null, false, false);
    }
  }
}
