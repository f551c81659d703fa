package org.ezshop.store.rules;

import static io.vertx.core.Future.failedFuture;
import static io.vertx.core.Future.succeededFuture;

import com.google.protobuf.Timestamp;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.ezshop.store.storage.Failures;
import org.ezshop.store.storage.Stamps;
import org.ezshop.store.storage.Transactions;
import org.ezshop.store.storage.Tx;
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
import org.ezshop.store.v1.Shopper;
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

  /** A shopper still in another store (their exit unseen) leaves it, with its receipt, as they enter this one. */
  public Future<EnterStoreResponse> enterStore(String shopperId, Timestamp at, String storeId) {
    return store.inTx(tx -> Stores.exists(tx, storeId).compose(x -> enter(tx, shopperId, at, storeId)));
  }

  private static Future<EnterStoreResponse> enter(Tx tx, String shopperId, Timestamp at, String storeId) {
    return tx.enrolment().shopper(shopperId).compose(shopper -> {
      if (shopper.isEmpty()) {
        return failedFuture(Failures.notFound("shopper_id: no shopper " + shopperId));
      }
      return tx.visits().openVisit(shopperId).compose(open -> {
        if (open.isPresent() && open.get().getStoreId().equals(storeId)) {
          return succeededFuture(EnterStoreResponse.newBuilder().setVisit(open.get()).setAlreadyInStore(true).build());
        }
        EnterStoreResponse.Builder entered = EnterStoreResponse.newBuilder();
        Future<Void> left = open.isEmpty() ? succeededFuture()
            : close(tx, shopper.get(), open.get(), at, 0).map(closed -> {
              entered.setClosedElsewhere(closed.getReceipt());
              return null;
            });
        Visit visit = Visit.newBuilder().setVisitId(newId("v")).setShopperId(shopperId).setEnteredAt(at)
            .setStoreId(storeId).build();
        return left.compose(v -> {
          tx.publish(StoreEvent.newBuilder().setVisit(visit).build());
          return tx.visits().insertVisit(visit);
        }).map(v -> entered.setVisit(visit).build());
      });
    });
  }

  /**
   * @param bound    the store the call is bound to ("" for any): a visit in another store is not its to close
   * @param deciding shelf changes from before the exit still being decided, for the receipt to say so
   */
  public Future<ExitStoreResponse> exitStore(String shopperId, Timestamp at, String bound, int deciding) {
    return store.inTx(tx -> tx.enrolment().shopper(shopperId).compose(shopper -> {
      if (shopper.isEmpty()) {
        return failedFuture(Failures.notFound("shopper_id: no shopper " + shopperId));
      }
      return tx.visits().openVisit(shopperId).compose(open -> {
        if (open.isEmpty()) {
          return alreadyExited(tx, shopperId);
        }
        Stores.same(bound, open.get().getStoreId(), "shopper " + shopperId + "'s visit");
        return close(tx, shopper.get(), open.get(), at, deciding);
      });
    }));
  }

  private static Future<ExitStoreResponse> close(Tx tx, Shopper shopper, Visit open, Timestamp at, int deciding) {
    Visit visit = open.toBuilder().setExitedAt(at).setReceiptId(newId("r")).build();
    return tx.visits().cartLines(visit.getVisitId()).compose(lines -> {
      Receipt.Builder receipt = Receipt.newBuilder()
          .setReceiptId(visit.getReceiptId())
          .setShopperId(shopper.getShopperId())
          .setShopperName(shopper.getName())
          .setVisitId(visit.getVisitId())
          .setIssuedAt(at)
          .setNotification(NotificationState.NOTIFICATION_STATE_PENDING)
          .setDeciding(deciding)
          .setStoreId(visit.getStoreId());
      lines.forEach(line -> receipt.addLines(Carts.receiptLine(line)));
      Receipt issued = Carts.totalled(receipt);
      tx.publish(StoreEvent.newBuilder().setVisit(visit).build());
      return tx.visits().closeVisit(visit).compose(v -> tx.visits().putReceipt(issued))
          .compose(v -> Receipts.view(tx, issued)).map(viewed -> {
            tx.publish(StoreEvent.newBuilder().setReceipt(viewed).build());
            return ExitStoreResponse.newBuilder().setVisit(visit).setReceipt(viewed).build();
          });
    });
  }

  private static Future<ExitStoreResponse> alreadyExited(Tx tx, String shopperId) {
    return tx.visits().lastVisit(shopperId).compose(last -> {
      if (last.isEmpty()) {
        return failedFuture(Failures.precondition("shopper " + shopperId + " is not in store"));
      }
      return Receipts.stored(tx, last.get().getReceiptId()).compose(receipt -> Receipts.view(tx, receipt))
          .map(receipt -> ExitStoreResponse.newBuilder().setVisit(last.get()).setReceipt(receipt)
              .setAlreadyExited(true).build());
    });
  }

  /**
   * Applies a cart event once per idempotency key. A put-back of more than the shopper holds is refused
   * (FAILED_PRECONDITION) and queued for review; the refusal itself is recorded, so a retry is refused again
   * without a second review. Plain events (most picks and put-backs) go without locks first: a read, then one
   * write that re-checks it. The rest, and plain ones whose read went stale, run in a locking transaction.
   */
  public Future<ApplyCartEventResponse> applyCartEvent(CartEvent event) {
    return store.unlocked(tx -> tx.cartEventState(event).compose(state -> plain(state, event)
            ? change(tx, state, event).map(Optional::of) : succeededFuture(Optional.<ApplyCartEventResponse>empty())))
        .recover(failure -> failure instanceof Tx.Stale || failure instanceof Tx.Conflict
            ? succeededFuture(Optional.empty()) : failedFuture(failure))
        .compose(applied -> applied.isPresent() ? succeededFuture(applied.get()) : applyLocked(event));
  }

  /** Not a duplicate, to a cart and an item of its store that exist, not a refusal, raising no alert. */
  private static boolean plain(Tx.CartEventState state, CartEvent event) {
    return state.known().isEmpty() && state.visit().isPresent() && state.item().isPresent()
        && !state.item().get().getAgeRestricted()
        && state.item().get().getStoreId().equals(state.visit().get().getStoreId())
        && holding(state.lines(), event.getSku()) + event.getQuantityDelta() >= 0
        && stockAlert(state.item().get(), event).isEmpty();
  }

  private Future<ApplyCartEventResponse> applyLocked(CartEvent event) {
    return store.<Applied>inTx(tx -> tx.cartEventState(event).compose(state -> {
      if (state.known().isPresent()) {
        return duplicateOf(tx, event);
      }
      if (state.visit().isEmpty()) {
        return Receipts.afterExit(tx, event).map(adjusted -> new Applied(ApplyCartEventResponse.newBuilder()
            .setEvent(event).setCart(Carts.empty(event.getShopperId())).setReceipt(adjusted.orElseThrow(() ->
                Failures.precondition("shopper " + event.getShopperId() + " is not in store")).receipt())
            .build(), false));
      }
      if (state.item().isEmpty()) {
        return failedFuture(Failures.invalid("event.sku", "no item " + event.getSku()));
      }
      if (!state.item().get().getStoreId().equals(state.visit().get().getStoreId())) {
        return failedFuture(Failures.denied(event.getSku() + " is sold in store " + state.item().get().getStoreId()
            + "; shopper " + event.getShopperId() + " is in store " + state.visit().get().getStoreId()));
      }
      int holding = holding(state.lines(), event.getSku());
      if (holding + event.getQuantityDelta() < 0) {
        return refuse(tx, state, event, holding);
      }
      return change(tx, state, event).map(response -> new Applied(response, false));
    })).recover(failure -> failure instanceof Tx.Conflict ? store.inTx(tx -> duplicateOf(tx, event)) : Future.failedFuture(failure))
        .compose(applied -> applied.refused
        ? failedFuture(Failures.precondition("put-back refused: shopper " + event.getShopperId() + " holds fewer than "
            + -event.getQuantityDelta() + " of " + event.getSku() + "; queued for review"))
        : succeededFuture(applied.response));
  }

  private record Applied(ApplyCartEventResponse response, boolean refused) {
  }

  private static Future<ApplyCartEventResponse> change(Tx tx, Tx.CartEventState state, CartEvent event) {
    return applyToCart(tx, state.visit().get(), state.item().get(), state.lines(), state.cartVersion(),
        event.toBuilder().setEventId(state.newEventId()).build()).map(change ->
        ApplyCartEventResponse.newBuilder().setEvent(change.getEvent()).setCart(change.getCart()).build());
  }

  private static Future<Applied> duplicateOf(Tx tx, CartEvent event) {
    return tx.visits().eventByKey(event.getIdempotencyKey()).map(Optional::orElseThrow).compose(known -> tx.visits().openVisit(
            known.event().getShopperId()).compose(visit -> cartOf(tx, known.event().getShopperId(), visit))
        .map(cart -> new Applied(ApplyCartEventResponse.newBuilder().setEvent(known.event()).setCart(cart)
            .setDuplicate(true).build(), known.refused())));
  }

  private static Future<Applied> refuse(Tx tx, Tx.CartEventState state, CartEvent event, int holding) {
    Visit visit = state.visit().get();
    return tx.visits().recordEvent(event, visit.getVisitId(), true).compose(id -> {
      CartEvent recorded = event.toBuilder().setEventId(id.orElseThrow()).build();
      Cart cart = Carts.cart(visit, state.lines(), state.cartVersion());
      return Reviews.open(tx, ReviewReason.REVIEW_REASON_PUT_BACK_NOT_HELD, recorded, "shopper holds " + holding,
              visit.getStoreId())
          .map(review -> new Applied(ApplyCartEventResponse.newBuilder().setEvent(recorded).setCart(cart).build(), true));
    });
  }

  static Optional<CartLine> held(List<CartLine> lines, String sku) {
    return lines.stream().filter(l -> l.getSku().equals(sku)).findFirst();
  }

  static int holding(List<CartLine> lines, String sku) {
    return held(lines, sku).map(CartLine::getQuantity).orElse(0);
  }

  /**
   * Records the event and moves items between shelf and cart: the cart line, the stock, and the alerts a
   * measured change can raise. The cart's new version is the event's id (taken here when the event has none).
   * The feed events are published before the write, which then carries them in the same statement.
   *
   * @param cartVersion the cart's version and {@code item} its stock as the caller read them (see Tx#writeCartChange)
   */
  public static Future<CartChange> applyToCart(Tx tx, Visit visit, Item item, List<CartLine> lines, long cartVersion,
      CartEvent event) {
    if (event.getEventId() == 0) {
      return tx.visits().newEventId().compose(id -> applyToCart(tx, visit, item, lines, cartVersion,
          event.toBuilder().setEventId(id).build()));
    }
    CartLine held = held(lines, item.getSku()).orElse(null);
    CartLine line = Carts.line(item, held, (held == null ? 0 : held.getQuantity()) + event.getQuantityDelta());
    List<CartLine> after = new ArrayList<>(lines);
    after.removeIf(l -> l.getSku().equals(item.getSku()));
    if (line.getQuantity() > 0) {
      after.add(line);
      after.sort(Comparator.comparing(CartLine::getSku));
    }
    Cart cart = Carts.cart(visit, after, event.getEventId());
    CartChange change = CartChange.newBuilder().setEvent(event).setCart(cart).build();
    tx.publish(StoreEvent.newBuilder().setItem(stocked(item, event)).build());
    tx.publish(StoreEvent.newBuilder().setCart(change).build());
    return tx.visits().writeCartChange(visit.getVisitId(), cartVersion, item, event, line)
        .compose(v -> stockAlert(item, event).map(alert -> Alerts.raise(tx, alert).<Void>mapEmpty()).orElse(succeededFuture()))
        .compose(v -> item.getAgeRestricted() && event.getQuantityDelta() > 0
            ? AgeChecks.onCharge(tx, item, event, visit) : succeededFuture())
        .map(change);
  }

  // The stock the write leaves: exact, because the write checks the stock it starts from is item's.
  private static Item stocked(Item item, CartEvent event) {
    return item.toBuilder().setStock(item.getStock() - event.getQuantityDelta()).setUpdatedAt(Stamps.now()).build();
  }

  private static Optional<Alert> stockAlert(Item before, CartEvent event) {
    long after = before.getStock() - event.getQuantityDelta();
    if (event.getQuantityDelta() > 0 && after < 0) {
      return Optional.of(alert(AlertKind.ALERT_KIND_STOCK_DISCREPANCY, "measured pick of " + event.getQuantityDelta()
          + " " + before.getSku() + " took recorded stock to " + after, before, event, event.getShopperId()));
    }
    long threshold = before.getLowStockThreshold();
    if (threshold > 0 && after <= threshold && before.getStock() > threshold) {
      return Optional.of(alert(AlertKind.ALERT_KIND_LOW_STOCK, before.getSku() + " is low: " + after + " left",
          before, event, ""));
    }
    return Optional.empty();
  }

  public Future<Cart> cart(String shopperId) {
    return store.inTx(tx -> tx.enrolment().shopper(shopperId).compose(shopper -> shopper.isEmpty()
        ? failedFuture(Failures.notFound("shopper_id: no shopper " + shopperId))
        : tx.visits().openVisit(shopperId).compose(open -> cartOf(tx, shopperId, open))));
  }

  /** The open visit's cart, or an empty cart when the shopper is not in store. */
  static Future<Cart> cartOf(Tx tx, String shopperId, Optional<Visit> open) {
    if (open.isEmpty()) {
      return succeededFuture(Carts.empty(shopperId));
    }
    String visitId = open.get().getVisitId();
    return tx.visits().cartLines(visitId).compose(lines -> tx.visits().cartVersion(visitId)
        .map(version -> Carts.cart(open.get(), lines, version)));
  }

  public static String newId(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  /** The same id for the same key, so that a retried request finds what the first one made. */
  public static String keyedId(String prefix, String idempotencyKey) {
    return prefix + "-" + UUID.nameUUIDFromBytes(idempotencyKey.getBytes(StandardCharsets.UTF_8));
  }

  static Alert alert(AlertKind kind, String message) {
    return Alert.newBuilder().setAlertId(newId("a")).setKind(kind).setMessage(message).setAt(Stamps.now()).build();
  }

  static Alert alert(AlertKind kind, String message, Item item, CartEvent event, String shopperId) {
    return alert(kind, message).toBuilder().setSku(item.getSku()).setRowId(event.getRowId()).setShopperId(shopperId)
        .setStoreId(item.getStoreId()).build();
  }
}
