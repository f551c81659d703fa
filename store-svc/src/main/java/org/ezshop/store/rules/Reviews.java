package org.ezshop.store.rules;

import static io.vertx.core.Future.failedFuture;
import static io.vertx.core.Future.succeededFuture;

import io.vertx.core.Future;
import java.util.Optional;
import org.ezshop.store.storage.Failures;
import org.ezshop.store.storage.Stamps;
import org.ezshop.store.storage.Transactions;
import org.ezshop.store.storage.Tx;
import org.ezshop.store.v1.CartEvent;
import org.ezshop.store.v1.CartEventCause;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.ResolveReviewResponse;
import org.ezshop.store.v1.Review;
import org.ezshop.store.v1.ReviewReason;
import org.ezshop.store.v1.ReviewState;
import org.ezshop.store.v1.StoreEvent;

/** The review queue: events the platform was unsure of, and a person's decision on each. */
public final class Reviews {

  private final Transactions store;

  public Reviews(Transactions store) {
    this.store = store;
  }

  static Future<Review> open(Tx tx, ReviewReason reason, CartEvent event, String note, String storeId) {
    return open(tx, Ledger.newId("rv"), reason, event, note, storeId);
  }

  private static Future<Review> open(Tx tx, String reviewId, ReviewReason reason, CartEvent event, String note,
      String storeId) {
    Review review = Review.newBuilder().setReviewId(reviewId).setReason(reason)
        .setState(ReviewState.REVIEW_STATE_OPEN).setEvent(event).setCreatedAt(Stamps.now()).setNote(note)
        .setStoreId(storeId).build();
    tx.publish(StoreEvent.newBuilder().setReview(review).build());
    return tx.followUps().putReview(review).map(review);
  }

  /** With an idempotency key, a retry returns the review the first call made, as it stands, and makes no other. */
  public Future<Review> create(ReviewReason reason, CartEvent event, String note, String idempotencyKey,
      String storeId) {
    if (idempotencyKey.isEmpty()) {
      return store.inTx(tx -> open(tx, reason, event, note, storeId));
    }
    String id = Ledger.keyedId("rv", idempotencyKey);
    return store.inTx(tx -> tx.followUps().review(id).compose(made -> made.isPresent()
        ? Future.succeededFuture(made.get()) : open(tx, id, reason, event, note, storeId)));
  }

  /** @param storeId one store's reviews, or "" for every store's */
  public Future<java.util.List<Review>> list(boolean openOnly, String storeId) {
    return store.inTx(tx -> tx.followUps().reviews(openOnly)).map(all -> all.stream()
        .filter(r -> Stores.in(storeId, r.getStoreId())).toList());
  }

  /**
   * Assigns the event to a shopper (moving it from whoever it was charged to) or dismisses it (reversing any
   * charge). A visit that has ended gets a correction line on its receipt instead of a cart change.
   */
  public Future<ResolveReviewResponse> resolve(String reviewId, Optional<String> assignTo, String bound) {
    return store.inTx(tx -> tx.followUps().review(reviewId).compose(found -> {
      if (found.isEmpty()) {
        return failedFuture(Failures.notFound("review_id: no review " + reviewId));
      }
      Review review = found.get();
      Stores.same(bound, review.getStoreId(), "review " + reviewId);
      if (review.getState() != ReviewState.REVIEW_STATE_OPEN) {
        return failedFuture(Failures.precondition("review " + reviewId + " is already " + review.getState()));
      }
      CartEvent event = review.getEvent();
      String charged = review.getReason() == ReviewReason.REVIEW_REASON_AMBIGUOUS ? event.getShopperId() : "";
      ResolveReviewResponse.Builder response = ResolveReviewResponse.newBuilder();
      // Every visit first, in one order, then the item: the order ApplyCartEvent takes its locks in too.
      Future<Void> moves = lockVisits(tx, charged, assignTo.orElse(""));
      if (!charged.isEmpty() && !assignTo.equals(Optional.of(charged))) {
        moves = move(tx, review, charged, -event.getQuantityDelta(), "undo", response);
      }
      if (assignTo.isPresent() && !assignTo.get().equals(charged)) {
        moves = moves.compose(v -> move(tx, review, assignTo.get(), event.getQuantityDelta(), "to:" + assignTo.get(),
            response));
      }
      Review resolved = review.toBuilder()
          .setState(assignTo.isPresent() ? ReviewState.REVIEW_STATE_ASSIGNED : ReviewState.REVIEW_STATE_DISMISSED)
          .setResolvedAt(Stamps.now())
          .setResolvedShopperId(assignTo.orElse(""))
          .build();
      return moves.compose(v -> tx.followUps().putReview(resolved)).map(v -> {
        tx.publish(StoreEvent.newBuilder().setReview(resolved).build());
        return response.setReview(resolved).build();
      });
    }));
  }

  private static Future<Void> lockVisits(Tx tx, String... shopperIds) {
    Future<Void> locked = succeededFuture();
    for (String id : java.util.Arrays.stream(shopperIds).filter(s -> !s.isEmpty()).sorted().distinct().toList()) {
      locked = locked.compose(v -> tx.visits().openVisit(id).mapEmpty());
    }
    return locked;
  }

  private static Future<Void> move(Tx tx, Review review, String shopperId, int delta, String suffix,
      ResolveReviewResponse.Builder response) {
    CartEvent event = review.getEvent().toBuilder()
        .setIdempotencyKey("review:" + review.getReviewId() + ":" + suffix)
        .setShopperId(shopperId)
        .setQuantityDelta(delta)
        .setCause(CartEventCause.CART_EVENT_CAUSE_REVIEW)
        .setConfidence(1)
        .setEventId(0)
        .build();
    return tx.enrolment().shopper(shopperId).compose(shopper -> shopper.isEmpty()
        ? failedFuture(Failures.notFound("assign_to_shopper_id: no shopper " + shopperId))
        : tx.visits().openVisit(shopperId)).compose(open -> tx.catalogue().item(event.getSku())
        .map(Optional::orElseThrow).compose(item -> {
          if (open.isPresent()) {
            String visitId = open.get().getVisitId();
            return tx.visits().cartLines(visitId).compose(lines -> tx.visits().cartVersion(visitId).compose(version -> {
              int holding = Ledger.holding(lines, item.getSku());
              if (holding + delta < 0) {
                return failedFuture(Failures.precondition("shopper " + shopperId + " does not hold " + -delta + " of "
                    + item.getSku()));
              }
              return Ledger.applyToCart(tx, open.get(), item, lines, version, event).map(change -> {
                response.addCarts(change.getCart());
                return null;
              });
            }));
          }
          return tx.visits().lastVisit(shopperId).compose(last -> {
            if (last.isEmpty()) {
              return failedFuture(Failures.precondition("shopper " + shopperId + " has no visit to charge"));
            }
            return tx.visits().receipt(last.get().getReceiptId()).map(Optional::orElseThrow).compose(receipt -> {
              Receipt amended = Carts.totalled(receipt.toBuilder().addLines(Carts.receiptLine(Carts.line(item, null, delta))
                  .toBuilder().setCorrection(true).setReviewId(review.getReviewId())));
              tx.publish(StoreEvent.newBuilder().setReceipt(amended).build());
              response.addAmendedReceipts(amended);
              return tx.visits().recordEvent(event, last.get().getVisitId(), false)
                  .compose(id -> tx.catalogue().addStock(item.getSku(), -delta))
                  .map(after -> {
                    tx.publish(StoreEvent.newBuilder().setItem(after).build());
                    return null;
                  })
                  .compose(v -> tx.visits().putReceipt(amended));
            });
          });
        }));
  }
}
