package org.ezshop.store;

import static io.vertx.core.Future.failedFuture;
import static io.vertx.core.Future.succeededFuture;

import com.google.protobuf.Timestamp;
import io.vertx.core.Future;
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

  public Transactions store() {
    return store;
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
    return store.<Applied>inTx(tx -> tx.eventByKey(event.getIdempotencyKey()).compose(known -> {
      if (known.isPresent()) {
        return tx.openVisit(known.get().event().getShopperId())
            .compose(open -> cartOf(tx, known.get().event().getShopperId(), open))
            .map(cart -> new Applied(ApplyCartEventResponse.newBuilder().setEvent(known.get().event()).setCart(cart)
                .setDuplicate(true).build(), known.get().refused()));
      }
      return tx.openVisit(event.getShopperId()).compose(open -> {
        if (open.isEmpty()) {
          return failedFuture(Failures.precondition("shopper " + event.getShopperId() + " is not in store"));
        }
        return tx.item(event.getSku()).compose(item -> {
          if (item.isEmpty()) {
            return failedFuture(Failures.invalid("event.sku", "no item " + event.getSku()));
          }
          return change(tx, open.get(), item.get(), event);
        });
      });
    })).compose(applied -> applied.refused
        ? failedFuture(Failures.precondition("put-back refused: shopper " + event.getShopperId() + " holds fewer than "
            + -event.getQuantityDelta() + " of " + event.getSku() + "; queued for review"))
        : succeededFuture(applied.response));
  }

  private record Applied(ApplyCartEventResponse response, boolean refused) {
  }

  private Future<Applied> change(Tx tx, Visit visit, Item item, CartEvent event) {
    return tx.cartLines(visit.getVisitId()).compose(lines -> {
      CartLine held = lines.stream().filter(l -> l.getSku().equals(item.getSku())).findFirst().orElse(null);
      int holding = held == null ? 0 : held.getQuantity();
      int quantity = holding + event.getQuantityDelta();
      if (quantity < 0) {
        return tx.recordEvent(event, visit.getVisitId(), true).compose(id -> {
          CartEvent recorded = event.toBuilder().setEventId(id.orElseThrow()).build();
          return Reviews.open(tx, org.ezshop.store.v1.ReviewReason.REVIEW_REASON_PUT_BACK_NOT_HELD, recorded,
                  "shopper holds " + holding)
              .compose(review -> cartOf(tx, event.getShopperId(), Optional.of(visit)))
              .map(cart -> new Applied(ApplyCartEventResponse.newBuilder().setEvent(recorded).setCart(cart).build(), true));
        });
      }
      return tx.recordEvent(event, visit.getVisitId(), false).compose(id -> {
        CartEvent recorded = event.toBuilder().setEventId(id.orElseThrow()).build();
        return applyToCart(tx, visit, item, held, recorded)
            .map(cart -> new Applied(ApplyCartEventResponse.newBuilder().setEvent(recorded).setCart(cart).build(), false));
      });
    });
  }

  /** Moves items between shelf and cart: the cart line, the stock, and the alerts a measured change can raise. */
  static Future<Cart> applyToCart(Tx tx, Visit visit, Item item, CartLine held, CartEvent event) {
    int quantity = (held == null ? 0 : held.getQuantity()) + event.getQuantityDelta();
    return tx.putCartLine(visit.getVisitId(), Carts.line(item, held, quantity))
        .compose(v -> tx.addStock(item.getSku(), -event.getQuantityDelta()))
        .compose(after -> {
          tx.publish(StoreEvent.newBuilder().setItem(after).build());
          Future<Void> alerts = succeededFuture();
          if (event.getQuantityDelta() > 0 && after.getStock() < 0) {
            alerts = Alerts.raise(tx, AlertKind.ALERT_KIND_STOCK_DISCREPANCY, "measured pick of "
                + event.getQuantityDelta() + " " + item.getSku() + " took recorded stock to " + after.getStock(), item.getSku(),
                event.getRowId(), event.getShopperId());
          } else if (after.getLowStockThreshold() > 0 && after.getStock() <= after.getLowStockThreshold()
              && item.getStock() > after.getLowStockThreshold()) {
            alerts = Alerts.raise(tx, AlertKind.ALERT_KIND_LOW_STOCK, item.getSku() + " is low: " + after.getStock()
                + " left", item.getSku(), event.getRowId(), "");
          }
          return alerts;
        })
        .compose(v -> tx.bumpCartVersion(visit.getVisitId()))
        .compose(version -> tx.cartLines(visit.getVisitId())
            .map(lines -> Carts.cart(visit.getShopperId(), visit.getVisitId(), lines, version)))
        .map(cart -> {
          tx.publish(StoreEvent.newBuilder().setCart(CartChange.newBuilder().setEvent(event).setCart(cart)).build());
          return cart;
        });
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
