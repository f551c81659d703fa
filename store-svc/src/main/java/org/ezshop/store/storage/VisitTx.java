package org.ezshop.store.storage;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.ezshop.store.v1.*;

/** Visits and their carts in one transaction: the visit, its cart lines and events, the receipt. */
public interface VisitTx {

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
   * Records an applied cart event (with its id from {@link #newEventId}) and writes its effect at once: the cart
   * line (quantity 0 removes it), the recorded stock and the cart's version (the event's id). Only when the cart
   * is still at {@code cartVersion} and the item's stock still {@code item}'s, as the caller read them; else fails
   * with {@link Tx.Stale} and changes neither the cart nor the stock, though it may advance the cart's version (rows
   * read under a lock cannot go stale). Fails with {@link Tx.Conflict} when the idempotency key was taken meanwhile.
   */
  Future<Void> writeCartChange(String visitId, long cartVersion, Item item, CartEvent event, CartLine line);

  /** Records the event under its idempotency key; empty when the key was recorded before. */
  Future<Optional<Long>> recordEvent(CartEvent event, String visitId, boolean refused);

  Future<Optional<Tx.RecordedEvent>> eventByKey(String idempotencyKey);

  /** The cart events applied to the visit's cart (not refusals), in the order applied. */
  Future<List<CartEvent>> cartEvents(String visitId);

  /** Stores the receipt as issued: without adjustments, which live beside it. */
  Future<Void> putReceipt(Receipt receipt);

  /** Appends the adjustment; false, writing nothing, when its idempotency key was used before. */
  Future<Boolean> appendAdjustment(ReceiptAdjustment adjustment);

  /** The receipt's adjustments, oldest first. */
  Future<List<ReceiptAdjustment>> adjustments(String receiptId);

  Future<Optional<Receipt>> receipt(String receiptId);

  /** Newest first. */
  Future<List<Receipt>> receipts(String shopperId);
}
