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
    return open(tx, draft(Ledger.newId("rv"), reason, event, note, storeId));
  }

  private static Review.Builder draft(String reviewId, ReviewReason reason, CartEvent event, String note,
      String storeId) {
    return Review.newBuilder().setReviewId(reviewId).setReason(reason).setEvent(event).setNote(note)
        .setStoreId(storeId);
  }

  static Future<Review> open(Tx tx, Review.Builder draft) {
    Review review = draft.setState(ReviewState.REVIEW_STATE_OPEN).setCreatedAt(Stamps.now()).build();
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
        ? Future.succeededFuture(made.get()) : open(tx, draft(id, reason, event, note, storeId))));
  }

  /** @param storeId one store's reviews, or "" for every store's */
  public Future<java.util.List<Review>> list(boolean openOnly, String storeId) {
    return store.inTx(tx -> tx.followUps().reviews(openOnly)).map(all -> all.stream()
        .filter(r -> Stores.in(storeId, r.getStoreId())).toList());
  }

  /**
   * Assigns the event to a shopper (moving it from whoever it was charged to) or dismisses it (reversing any
   * charge). A visit that has ended gets an adjustment beside its receipt instead of a cart change; a disputed
   * line is settled on receipts alone (its item left the shelf either way), the charge going to the receipt of
   * the assignee's visit at the time of the pick.
   *
   * @param actor who decides, as the audit log names them
   */
  public Future<ResolveReviewResponse> resolve(String reviewId, Optional<String> assignTo, String bound,
      String actor) {
    return store.inTx(tx -> tx.followUps().review(reviewId).compose(found -> {
      if (found.isEmpty()) {
        return failedFuture(Failures.notFound("review_id: no review " + reviewId));
      }
      Review review = found.get();
      Stores.same(bound, review.getStoreId(), "review " + reviewId);
      if (review.getState() != ReviewState.REVIEW_STATE_OPEN) {
        return failedFuture(Failures.precondition("review " + reviewId + " is already " + review.getState()));
      }
      return settle(tx, review, assignTo, actor);
    }));
  }

  /** Decides an open review inside the caller's transaction (see {@link #resolve}). */
  static Future<ResolveReviewResponse> settle(Tx tx, Review review, Optional<String> assignTo, String actor) {
    CartEvent event = review.getEvent();
    boolean disputed = review.getReason() == ReviewReason.REVIEW_REASON_DISPUTED;
    // The reasons whose event was charged to its shopper; the others charged nobody.
    String charged = review.getReason() == ReviewReason.REVIEW_REASON_AMBIGUOUS || disputed
        || review.getReason() == ReviewReason.REVIEW_REASON_AGE_CHECK ? event.getShopperId() : "";
    ResolveReviewResponse.Builder response = ResolveReviewResponse.newBuilder();
    Move move = new Move(tx, review, actor, response);
    Review resolved = review.toBuilder()
        .setState(assignTo.isPresent() ? ReviewState.REVIEW_STATE_ASSIGNED : ReviewState.REVIEW_STATE_DISMISSED)
        .setResolvedAt(Stamps.now())
        .setResolvedShopperId(assignTo.orElse(""))
        .build();
    // Every visit first, in one order, then the item: the order ApplyCartEvent takes its locks in too. The
    // review is closed before the moves, so that the receipts they adjust no longer count it as in doubt.
    Future<Void> moves = lockVisits(tx, charged, assignTo.orElse(""))
        .compose(v -> tx.followUps().putReview(resolved));
    if (!charged.isEmpty() && !assignTo.equals(Optional.of(charged))) {
      moves = moves.compose(v -> disputed ? move.onReceipt(Receipts.stored(tx, review.getReceiptId()), charged,
          -event.getQuantityDelta(), "undo") : move.apply(charged, -event.getQuantityDelta(), "undo"));
    }
    if (assignTo.isPresent() && !assignTo.get().equals(charged)) {
      String to = assignTo.get();
      moves = moves.compose(v -> disputed ? move.onReceipt(Receipts.at(tx, to, event.getAt()).map(then -> then
              .orElseThrow(() -> Failures.precondition("shopper " + to + " has no receipt from the time of the pick "
                  + "yet: assign it once they have left"))), to, event.getQuantityDelta(), "to:" + to)
          : move.apply(to, event.getQuantityDelta(), "to:" + to));
    }
    return moves.map(v -> {
      tx.publish(StoreEvent.newBuilder().setReview(resolved).build());
      return response.setReview(resolved).build();
    });
  }

  private static Future<Void> lockVisits(Tx tx, String... shopperIds) {
    Future<Void> locked = succeededFuture();
    for (String id : java.util.Arrays.stream(shopperIds).filter(s -> !s.isEmpty()).sorted().distinct().toList()) {
      locked = locked.compose(v -> tx.visits().openVisit(id).mapEmpty());
    }
    return locked;
  }

  /** One side of a decision: the item onto (or off) a shopper's cart, or their receipt's adjustment. */
  private record Move(Tx tx, Review review, String actor, ResolveReviewResponse.Builder response) {

    Future<Void> apply(String shopperId, int delta, String suffix) {
      CartEvent event = review.getEvent().toBuilder()
          .setIdempotencyKey(key(suffix))
          .setShopperId(shopperId)
          .setQuantityDelta(delta)
          .setCause(CartEventCause.CART_EVENT_CAUSE_REVIEW)
          .setConfidence(1)
          .setEventId(0)
          .build();
      return tx.enrolment().shopper(shopperId).compose(shopper -> shopper.isEmpty()
          ? failedFuture(Failures.notFound("assign_to_shopper_id: no shopper " + shopperId))
          : tx.visits().openVisit(shopperId)).compose(open -> {
            if (open.isEmpty()) {
              return tx.visits().lastVisit(shopperId).compose(last -> last.isEmpty()
                  ? failedFuture(Failures.precondition("shopper " + shopperId + " has no visit to charge"))
                  : onReceipt(Receipts.stored(tx, last.get().getReceiptId()), shopperId, delta, suffix))
                  // The receipt's credit put the item back on the shelf, as a cart's put-back would.
                  .compose(v -> tx.catalogue().addStock(review.getEvent().getSku(), -delta)).map(after -> {
                    tx.publish(StoreEvent.newBuilder().setItem(after).build());
                    return null;
                  });
            }
            String visitId = open.get().getVisitId();
            return tx.catalogue().item(event.getSku()).map(Optional::orElseThrow).compose(item -> tx.visits()
                .cartLines(visitId).compose(lines -> tx.visits().cartVersion(visitId).compose(version -> {
                  if (Ledger.holding(lines, item.getSku()) + delta < 0) {
                    return failedFuture(Failures.precondition("shopper " + shopperId + " does not hold " + -delta
                        + " of " + item.getSku()));
                  }
                  return Ledger.applyToCart(tx, open.get(), item, lines, version, event).map(change -> {
                    response.addCarts(change.getCart());
                    return null;
                  });
                })));
          });
    }

    Future<Void> onReceipt(Future<Receipt> receipt, String shopperId, int delta, String suffix) {
      String sku = review.getEvent().getSku();
      return tx.enrolment().shopper(shopperId).compose(shopper -> shopper.isEmpty()
          ? failedFuture(Failures.notFound("assign_to_shopper_id: no shopper " + shopperId)) : receipt)
          .compose(stored -> tx.catalogue().item(sku).map(Optional::orElseThrow).compose(item -> {
            String reason = (delta < 0 ? "credited" : "charged") + ": " + review.getReason().name()
                .replace("REVIEW_REASON_", "").toLowerCase() + " review, " + review.getNote();
            return Receipts.adjust(tx, stored, Receipts.adjustment(stored, item, delta, reason, key(suffix))
                .toBuilder().setActor(actor).setReviewId(review.getReviewId()).build());
          }))
          .map(adjusted -> {
            response.addAmendedReceipts(adjusted.receipt());
            return null;
          });
    }

    private String key(String suffix) {
      return "review:" + review.getReviewId() + ":" + suffix;
    }
  }
}
