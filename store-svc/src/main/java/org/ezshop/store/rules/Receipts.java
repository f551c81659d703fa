package org.ezshop.store.rules;

import static io.vertx.core.Future.failedFuture;
import static io.vertx.core.Future.succeededFuture;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.ezshop.common.v1.Money;
import org.ezshop.store.storage.Failures;
import org.ezshop.store.storage.Stamps;
import org.ezshop.store.storage.Transactions;
import org.ezshop.store.storage.Tx;
import org.ezshop.store.v1.CartEvent;
import org.ezshop.store.v1.DisputeReceiptLineRequest;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.NotificationState;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.ReceiptAdjustment;
import org.ezshop.store.v1.ReceiptLine;
import org.ezshop.store.v1.Review;
import org.ezshop.store.v1.ReviewReason;
import org.ezshop.store.v1.StoreEvent;

/**
 * Receipts as issued, with the adjustments beside them: what each line's charges were sure of, which are still in
 * doubt, and the net total. A correction is always a new adjustment, never a change to the receipt.
 */
public final class Receipts {

  /** How long after a receipt is issued its shopper may dispute a line of it. */
  public static final Duration DISPUTABLE = Duration.ofDays(30);

  private final Transactions store;

  public Receipts(Transactions store) {
    this.store = store;
  }

  public Future<Receipt> receipt(String receiptId) {
    return store.inTx(tx -> stored(tx, receiptId).compose(r -> view(tx, r)));
  }

  /** Newest first. */
  public Future<List<Receipt>> receipts(String shopperId) {
    return store.inTx(tx -> tx.visits().receipts(shopperId).compose(all -> tx.followUps().reviews(true)
        .compose(open -> Future.all(all.stream().map(r -> view(tx, r, open)).toList()).map(x -> x.<Receipt>list()))));
  }

  /** Records the outcome of the receipt's push on it. */
  public Future<Receipt> recordNotification(String receiptId, NotificationState state, String detail) {
    return store.inTx(tx -> stored(tx, receiptId).compose(found -> {
      Receipt receipt = found.toBuilder().setNotification(state).setNotificationDetail(detail).build();
      return tx.visits().putReceipt(receipt).compose(v -> view(tx, receipt)).map(viewed -> {
        tx.publish(StoreEvent.newBuilder().setReceipt(viewed).build());
        return viewed;
      });
    }));
  }

  static Future<Receipt> stored(Tx tx, String receiptId) {
    return tx.visits().receipt(receiptId).compose(found -> found.<Future<Receipt>>map(Future::succeededFuture)
        .orElseGet(() -> failedFuture(Failures.notFound("receipt_id: no receipt " + receiptId))));
  }

  static Future<Receipt> view(Tx tx, Receipt stored) {
    return tx.followUps().reviews(true).compose(open -> view(tx, stored, open));
  }

  /** The receipt with its adjustments and net total, and each line's confidence and doubt. */
  private static Future<Receipt> view(Tx tx, Receipt stored, List<Review> open) {
    return tx.visits().cartEvents(stored.getVisitId()).compose(events -> tx.visits().adjustments(stored.getReceiptId())
        .map(adjustments -> {
          Set<String> openKeys = open.stream().map(r -> r.getEvent().getIdempotencyKey()).collect(Collectors.toSet());
          Receipt.Builder receipt = stored.toBuilder().clearLines().clearAdjustments().addAllAdjustments(adjustments);
          for (int i = 0; i < stored.getLinesCount(); i++) {
            ReceiptLine line = stored.getLines(i);
            List<CartEvent> charges = events.stream().filter(e -> e.getSku().equals(line.getSku())).toList();
            int index = i;
            boolean disputed = open.stream().anyMatch(r -> r.getReceiptId().equals(stored.getReceiptId())
                && r.getLine() == index);
            receipt.addLines(line.toBuilder()
                .setConfidence((float) charges.stream().filter(e -> e.getQuantityDelta() > 0)
                    .mapToDouble(CartEvent::getConfidence).min().orElse(1))
                .setPending(disputed || charges.stream().anyMatch(e -> openKeys.contains(e.getIdempotencyKey()))));
          }
          return receipt.setNetTotal(Carts.total(Stream.concat(Stream.of(stored.getTotal())
                  .filter(t -> !t.getCurrency().isEmpty()), adjustments.stream().map(ReceiptAdjustment::getAmount))
              .toList())).build();
        }));
  }

  /** Items of the sku the receipt holds now: its line, with every adjustment. */
  static int net(Receipt receipt, String sku) {
    return receipt.getLinesList().stream().filter(l -> l.getSku().equals(sku)).mapToInt(ReceiptLine::getQuantity).sum()
        + receipt.getAdjustmentsList().stream().filter(a -> a.getSku().equals(sku))
        .mapToInt(ReceiptAdjustment::getQuantity).sum();
  }

  /** A receipt as an adjustment left it; {@code added} false when its key was used before (nothing changed). */
  record Adjusted(Receipt receipt, boolean added) {
  }

  /**
   * Appends the adjustment (once per idempotency key) and publishes the receipt as it now stands. Refused when it
   * would leave the receipt holding fewer than none of the item.
   */
  static Future<Adjusted> adjust(Tx tx, Receipt stored, ReceiptAdjustment adjustment) {
    return view(tx, stored).compose(before -> {
      if (before.getAdjustmentsList().stream().anyMatch(a -> a.getIdempotencyKey().equals(adjustment.getIdempotencyKey()))) {
        return succeededFuture(new Adjusted(before, false));
      }
      int after = net(before, adjustment.getSku()) + adjustment.getQuantity();
      if (after < 0) {
        return failedFuture(Failures.precondition("receipt " + stored.getReceiptId() + " holds "
            + net(before, adjustment.getSku()) + " of " + adjustment.getSku() + ": cannot credit "
            + -adjustment.getQuantity()));
      }
      return tx.visits().appendAdjustment(adjustment).compose(added -> view(tx, stored)).map(adjusted -> {
        tx.publish(StoreEvent.newBuilder().setReceipt(adjusted).build());
        return new Adjusted(adjusted, true);
      });
    });
  }

  /** {@code quantity} of the item at {@code unit} each: the receipt's own price where it has a line of it. */
  static ReceiptAdjustment adjustment(Receipt receipt, Item item, int quantity, String reason, String key) {
    Money unit = receipt.getLinesList().stream().filter(l -> l.getSku().equals(item.getSku()))
        .map(ReceiptLine::getUnitPrice).findFirst().orElse(item.getPrice());
    return ReceiptAdjustment.newBuilder().setAdjustmentId(Ledger.keyedId("ra", key)).setIdempotencyKey(key)
        .setReceiptId(receipt.getReceiptId()).setSku(item.getSku()).setName(item.getName()).setQuantity(quantity)
        .setAmount(Carts.money(Math.multiplyExact(unit.getMinorUnits(), (long) quantity), unit.getCurrency()))
        .setReason(reason).setAt(Stamps.now()).build();
  }

  /**
   * An event from before its shopper's exit, decided after it: recorded with that visit's events, beside its
   * receipt, and off the shelf as a cart's pick would be. Empty when the shopper was not in store at its time.
   */
  static Future<Optional<Adjusted>> afterExit(Tx tx, CartEvent event) {
    return tx.visits().lastVisit(event.getShopperId()).compose(last -> {
      if (last.isEmpty() || !last.get().hasExitedAt()
          || Stamps.instant(last.get().getExitedAt()).isBefore(Stamps.instant(event.getAt()))) {
        return succeededFuture(Optional.empty());
      }
      return tx.catalogue().item(event.getSku()).compose(item -> {
        if (item.isEmpty()) {
          return failedFuture(Failures.invalid("event.sku", "no item " + event.getSku()));
        }
        return tx.visits().recordEvent(event, last.get().getVisitId(), false).compose(id -> id.isEmpty()
                ? failedFuture(new Tx.Conflict("idempotency key " + event.getIdempotencyKey() + " was taken meanwhile"))
                : stored(tx, last.get().getReceiptId()))
            .compose(receipt -> adjust(tx, receipt, adjustment(receipt, item.get(), event.getQuantityDelta(),
                "decided after the exit (" + event.getAttribution().getRule() + ", confidence "
                    + String.format("%.2f", event.getConfidence()) + ")", event.getIdempotencyKey())
                .toBuilder().setActor("fusion").build()))
            .compose(adjusted -> tx.catalogue().addStock(event.getSku(), -event.getQuantityDelta()).map(after -> {
              tx.publish(StoreEvent.newBuilder().setItem(after).build());
              return Optional.of(adjusted);
            }));
      });
    });
  }

  /**
   * "Not mine": a review of the line, carrying its last charge's evidence. The same line disputed again answers
   * the first review, as it stands.
   *
   * @param caller the shopper calling, or empty for the manager
   */
  public Future<Review> dispute(DisputeReceiptLineRequest request, Optional<String> caller, String bound) {
    String key = "dispute:" + request.getReceiptId() + ":" + request.getLine();
    String reviewId = Ledger.keyedId("rv", key);
    return store.inTx(tx -> stored(tx, request.getReceiptId()).compose(stored -> {
      caller.filter(shopper -> !shopper.equals(stored.getShopperId())).ifPresent(x -> {
        throw Failures.denied("a shopper's token sees only that shopper's receipts");
      });
      Stores.same(bound, stored.getStoreId(), "receipt " + stored.getReceiptId());
      if (request.getLine() >= stored.getLinesCount()) {
        throw Failures.invalid("line", "receipt " + stored.getReceiptId() + " has " + stored.getLinesCount()
            + " lines (from 0)");
      }
      return tx.followUps().review(reviewId).compose(first -> first.isPresent() ? succeededFuture(first.get())
          : open(tx, view(tx, stored), request, key, reviewId));
    }));
  }

  private static Future<Review> open(Tx tx, Future<Receipt> viewed, DisputeReceiptLineRequest request, String key,
      String reviewId) {
    return viewed.compose(receipt -> {
      if (Stamps.instant(receipt.getIssuedAt()).plus(DISPUTABLE).isBefore(Instant.now())) {
        return failedFuture(Failures.precondition("receipt " + receipt.getReceiptId() + " was issued more than "
            + DISPUTABLE.toDays() + " days ago: ask the store"));
      }
      ReceiptLine line = receipt.getLines(request.getLine());
      int held = net(receipt, line.getSku());
      int quantity = request.getQuantity() == 0 ? held : request.getQuantity();
      if (held == 0 || quantity > held) {
        return failedFuture(Failures.precondition("line " + request.getLine() + " of receipt " + receipt.getReceiptId()
            + " nets " + held + " × " + line.getSku() + ": cannot dispute " + quantity));
      }
      return tx.visits().cartEvents(receipt.getVisitId()).compose(events -> {
        CartEvent charge = events.stream().filter(e -> e.getSku().equals(line.getSku()) && e.getQuantityDelta() > 0)
            .max(Comparator.comparingLong(CartEvent::getEventId)).orElse(CartEvent.getDefaultInstance());
        CartEvent disputed = charge.toBuilder().setIdempotencyKey(key).setShopperId(receipt.getShopperId())
            .setSku(line.getSku()).setQuantityDelta(quantity).setEventId(0).build();
        return Reviews.open(tx, Review.newBuilder().setReviewId(reviewId).setReason(ReviewReason.REVIEW_REASON_DISPUTED)
            .setEvent(disputed).setNote(request.getReason().isBlank() ? "the shopper says it is not theirs"
                : request.getReason()).setStoreId(receipt.getStoreId()).setReceiptId(receipt.getReceiptId())
            .setLine(request.getLine()));
      });
    });
  }

  /** The receipt of the shopper's visit during {@code at}: the first issued at or after it. */
  static Future<Optional<Receipt>> at(Tx tx, String shopperId, com.google.protobuf.Timestamp at) {
    return tx.visits().receipts(shopperId).map(all -> {
      List<Receipt> after = all.stream().filter(r -> !Stamps.instant(r.getIssuedAt()).isBefore(Stamps.instant(at)))
          .toList();
      return after.isEmpty() ? Optional.empty() : Optional.of(after.get(after.size() - 1));
    });
  }
}
