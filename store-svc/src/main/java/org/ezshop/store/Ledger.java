package org.ezshop.store;

import static io.vertx.core.Future.failedFuture;
import static io.vertx.core.Future.succeededFuture;

import com.google.protobuf.Timestamp;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.ezshop.store.v1.Alert;
import org.ezshop.store.v1.AlertKind;
import org.ezshop.store.v1.ApplyCartEventResponse;
import org.ezshop.store.v1.Cart;
import org.ezshop.store.v1.CartChange;
import org.ezshop.store.v1.CartEvent;
import org.ezshop.store.v1.CartLine;
import org.ezshop.store.v1.EnterStoreResponse;
import org.ezshop.store.v1.ExitStoreResponse;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.NotificationState;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.ReviewReason;
import org.ezshop.store.v1.StoreEvent;
import org.ezshop.store.v1.Visit;

/**
 * The rules of visits, carts and receipts, written once over {@link Tx} so that the in-memory store and
 * PostgreSQL behave the same. Callers have validated the request's shape; these check it against the state.
 */
public final class Ledger {

  private final Transactions store;

  public Ledger(Transactions store) {
    this.store = store;
  }

  public Future<EnterStoreResponse> enterStore(String shopperId, Timestamp at) {
    return store.inTx(tx -> tx.shopper(shopperId).compose(shopper -> {
      if (shopper.isEmpty()) {
        return failedFuture(Failures.notFound("shopper_id: no shopper " + shopperId));
      }
      return tx.openVisit(shopperId).compose(open -> {
        if (open.isPresent()) {
          return succeededFuture(EnterStoreResponse.newBuilder().setVisit(open.get()).setAlreadyInStore(true).build());
        }
        Visit visit = Visit.newBuilder().setVisitId(newId("v")).setShopperId(shopperId).setEnteredAt(at).build();
        tx.publish(StoreEvent.newBuilder().setVisit(visit).build());
        return tx.insertVisit(visit).map(v -> EnterStoreResponse.newBuilder().setVisit(visit).build());
      });
    }));
  }

  public Future<ExitStoreResponse> exitStore(String shopperId, Timestamp at) {
    return store.inTx(tx -> tx.shopper(shopperId).compose(shopper -> {
      if (shopper.isEmpty()) {
        return failedFuture(Failures.notFound("shopper_id: no shopper " + shopperId));
      }
      return tx.openVisit(shopperId).compose(open -> {
        if (open.isEmpty()) {
          return alreadyExited(tx, shopperId);
        }
        Visit visit = open.get().toBuilder().setExitedAt(at).setReceiptId(newId("r")).build();
        return tx.cartLines(visit.getVisitId()).compose(lines -> {
          Receipt.Builder receipt = Receipt.newBuilder()
              .setReceiptId(visit.getReceiptId())
              .setShopperId(shopperId)
              .setShopperName(shopper.get().getName())
              .setVisitId(visit.getVisitId())
              .setIssuedAt(at)
              .setNotification(NotificationState.NOTIFICATION_STATE_PENDING);
          lines.forEach(line -> receipt.addLines(Carts.receiptLine(line)));
          Receipt issued = Carts.totalled(receipt);
          tx.publish(StoreEvent.newBuilder().setVisit(visit).build());
          tx.publish(StoreEvent.newBuilder().setReceipt(issued).build());
          return tx.closeVisit(visit).compose(v -> tx.putReceipt(issued))
              .map(v -> ExitStoreResponse.newBuilder().setVisit(visit).setReceipt(issued).build());
        });
      });
    }));
  }

  private static Future<ExitStoreResponse> alreadyExited(Tx tx, String shopperId) {
    return tx.lastVisit(shopperId).compose(last -> {
      if (last.isEmpty()) {
        return failedFuture(Failures.precondition("shopper " + shopperId + " is not in store"));
      }
      return tx.receipt(last.get().getReceiptId()).map(receipt -> ExitStoreResponse.newBuilder()
          .setVisit(last.get()).setReceipt(receipt.orElseThrow()).setAlreadyExited(true).build());
    });
  }

  /**
   * Applies a cart event once per idempotency key. A put-back of more than the shopper holds is refused
   * (FAILED_PRECONDITION) and queued for review; the refusal itself is recorded, so a retry is refused again
   * without a second review.
   */
  public Future<ApplyCartEventResponse> applyCartEvent(CartEvent event) {
    return store.<Applied>inTx(tx -> tx.cartEventState(event).compose(state -> {
      if (state.known().isPresent()) {
        return duplicateOf(tx, event);
      }
      if (state.visit().isEmpty()) {
        return failedFuture(Failures.precondition("shopper " + event.getShopperId() + " is not in store"));
      }
      if (state.item().isEmpty()) {
        return failedFuture(Failures.invalid("event.sku", "no item " + event.getSku()));
      }
      Visit visit = state.visit().get();
      int holding = held(state.lines(), event.getSku()).map(CartLine::getQuantity).orElse(0);
      if (holding + event.getQuantityDelta() < 0) {
        return refuse(tx, visit, state.lines(), event, holding);
      }
      return applyToCart(tx, visit, state.item().get(), state.lines(),
          event.toBuilder().setEventId(state.newEventId()).build()).map(change -> new Applied(
          ApplyCartEventResponse.newBuilder().setEvent(change.getEvent()).setCart(change.getCart()).build(), false));
    })).recover(failure -> failure instanceof Tx.Conflict ? store.inTx(tx -> duplicateOf(tx, event)) : Future.failedFuture(failure))
        .compose(applied -> applied.refused
        ? failedFuture(Failures.precondition("put-back refused: shopper " + event.getShopperId() + " holds fewer than "
            + -event.getQuantityDelta() + " of " + event.getSku() + "; queued for review"))
        : succeededFuture(applied.response));
  }

  private record Applied(ApplyCartEventResponse response, boolean refused) {
  }

  private static Future<Applied> duplicateOf(Tx tx, CartEvent event) {
    return tx.eventByKey(event.getIdempotencyKey()).map(Optional::orElseThrow).compose(known -> tx.openVisit(
            known.event().getShopperId()).compose(visit -> cartOf(tx, known.event().getShopperId(), visit))
        .map(cart -> new Applied(ApplyCartEventResponse.newBuilder().setEvent(known.event()).setCart(cart)
            .setDuplicate(true).build(), known.refused())));
  }

  private static Future<Applied> refuse(Tx tx, Visit visit, List<CartLine> lines, CartEvent event, int holding) {
    return Future.all(tx.recordEvent(event, visit.getVisitId(), true), tx.cartVersion(visit.getVisitId()))
        .compose(done -> {
          CartEvent recorded = event.toBuilder().setEventId(done.<Optional<Long>>resultAt(0).orElseThrow()).build();
          Cart cart = Carts.cart(visit.getShopperId(), visit.getVisitId(), lines, done.<Long>resultAt(1));
          return Reviews.open(tx, ReviewReason.REVIEW_REASON_PUT_BACK_NOT_HELD, recorded, "shopper holds " + holding)
              .map(review -> new Applied(ApplyCartEventResponse.newBuilder().setEvent(recorded).setCart(cart).build(), true));
        });
  }

  static Optional<CartLine> held(List<CartLine> lines, String sku) {
    return lines.stream().filter(l -> l.getSku().equals(sku)).findFirst();
  }

  /**
   * Records the event and moves items between shelf and cart: the cart line, the stock, and the alerts a
   * measured change can raise. The cart's new version is the event's id (taken here when the event has none).
   * The feed events are published before the write, which then carries them in the same statement.
   */
  static Future<CartChange> applyToCart(Tx tx, Visit visit, Item item, List<CartLine> lines, CartEvent event) {
    if (event.getEventId() == 0) {
      return tx.newEventId().compose(id -> applyToCart(tx, visit, item, lines, event.toBuilder().setEventId(id).build()));
    }
    CartLine held = held(lines, item.getSku()).orElse(null);
    CartLine line = Carts.line(item, held, (held == null ? 0 : held.getQuantity()) + event.getQuantityDelta());
    List<CartLine> after = new ArrayList<>(lines);
    after.removeIf(l -> l.getSku().equals(item.getSku()));
    if (line.getQuantity() > 0) {
      after.add(line);
      after.sort(Comparator.comparing(CartLine::getSku));
    }
    // The item row is locked: the stock after this change is exactly this.
    Item stocked = item.toBuilder().setStock(item.getStock() - event.getQuantityDelta()).setUpdatedAt(Stamps.now()).build();
    Cart cart = Carts.cart(visit.getShopperId(), visit.getVisitId(), after, event.getEventId());
    CartChange change = CartChange.newBuilder().setEvent(event).setCart(cart).build();
    tx.publish(StoreEvent.newBuilder().setItem(stocked).build());
    tx.publish(StoreEvent.newBuilder().setCart(change).build());
    return tx.writeCartChange(visit.getVisitId(), event, line, -event.getQuantityDelta())
        .compose(v -> stockAlerts(tx, item, stocked, event))
        .map(change);
  }

  private static Future<Void> stockAlerts(Tx tx, Item before, Item after, CartEvent event) {
    if (event.getQuantityDelta() > 0 && after.getStock() < 0) {
      return Alerts.raise(tx, AlertKind.ALERT_KIND_STOCK_DISCREPANCY, "measured pick of " + event.getQuantityDelta()
          + " " + after.getSku() + " took recorded stock to " + after.getStock(), after.getSku(), event.getRowId(),
          event.getShopperId());
    }
    if (after.getLowStockThreshold() > 0 && after.getStock() <= after.getLowStockThreshold()
        && before.getStock() > after.getLowStockThreshold()) {
      return Alerts.raise(tx, AlertKind.ALERT_KIND_LOW_STOCK, after.getSku() + " is low: " + after.getStock() + " left",
          after.getSku(), event.getRowId(), "");
    }
    return succeededFuture();
  }

  public Future<Cart> cart(String shopperId) {
    return store.inTx(tx -> tx.shopper(shopperId).compose(shopper -> shopper.isEmpty()
        ? failedFuture(Failures.notFound("shopper_id: no shopper " + shopperId))
        : tx.openVisit(shopperId).compose(open -> cartOf(tx, shopperId, open))));
  }

  /** The open visit's cart, or an empty cart when the shopper is not in store. */
  static Future<Cart> cartOf(Tx tx, String shopperId, Optional<Visit> open) {
    if (open.isEmpty()) {
      return succeededFuture(Carts.cart(shopperId, "", List.of(), 0));
    }
    String visitId = open.get().getVisitId();
    return tx.cartLines(visitId).compose(lines -> tx.cartVersion(visitId)
        .map(version -> Carts.cart(shopperId, visitId, lines, version)));
  }

  public Future<Receipt> receipt(String receiptId) {
    return store.inTx(tx -> tx.receipt(receiptId)).compose(found -> found.<Future<Receipt>>map(Future::succeededFuture)
        .orElseGet(() -> failedFuture(Failures.notFound("receipt_id: no receipt " + receiptId))));
  }

  public Future<List<Receipt>> receipts(String shopperId) {
    return store.inTx(tx -> tx.receipts(shopperId));
  }

  public Future<Receipt> recordNotification(String receiptId, NotificationState state, String detail) {
    return store.inTx(tx -> tx.receipt(receiptId).compose(found -> {
      if (found.isEmpty()) {
        return failedFuture(Failures.notFound("receipt_id: no receipt " + receiptId));
      }
      Receipt receipt = found.get().toBuilder().setNotification(state).setNotificationDetail(detail).build();
      tx.publish(StoreEvent.newBuilder().setReceipt(receipt).build());
      return tx.putReceipt(receipt).map(receipt);
    }));
  }

  static String newId(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  static Alert alert(AlertKind kind, String message) {
    return Alert.newBuilder().setAlertId(newId("a")).setKind(kind).setMessage(message).setAt(Stamps.now()).build();
  }
}
