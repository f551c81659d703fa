package org.ezshop.store.rules;

import static io.vertx.core.Future.failedFuture;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.ezshop.store.storage.Failures;
import org.ezshop.store.storage.Stamps;
import org.ezshop.store.storage.Transactions;
import org.ezshop.store.storage.Tx;
import org.ezshop.store.v1.AlertKind;
import org.ezshop.store.v1.CartEvent;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.Review;
import org.ezshop.store.v1.ReviewReason;
import org.ezshop.store.v1.Shopper;
import org.ezshop.store.v1.StoreEvent;
import org.ezshop.store.v1.VerifyShopperAgeResponse;
import org.ezshop.store.v1.Visit;

/** A manager's check of a shopper's ID, which age-restricted items need, and the open checks it settles. */
public final class AgeChecks {

  private final Transactions store;

  public AgeChecks(Transactions store) {
    this.store = store;
  }

  /**
   * A charge of a restricted item, in its transaction: unless a manager's check covers the shopper at the pick,
   * staff are alerted at once and an age-check review keeps the line in doubt. The charge stands either way.
   */
  static Future<Void> onCharge(Tx tx, Item item, CartEvent event, Visit visit) {
    return tx.enrolment().shopper(event.getShopperId()).compose(found -> {
      Shopper shopper = found.orElseThrow();
      if (shopper.hasAgeVerifiedUntil() && Timestamps.compare(shopper.getAgeVerifiedUntil(), event.getAt()) > 0) {
        return Future.succeededFuture();
      }
      String message = "age check: " + shopper.getName() + " took " + item.getName() + " ("
          + (item.getMinimumAge() > 0 ? item.getMinimumAge() + "+" : "age-restricted") + ") at row " + event.getRowId()
          + " at " + Stamps.instant(event.getAt()) + "; no ID checked yet";
      return Alerts.raise(tx, Ledger.alert(AlertKind.ALERT_KIND_AGE_CHECK, message, item, event,
              shopper.getShopperId()))
          .compose(a -> Reviews.open(tx, ReviewReason.REVIEW_REASON_AGE_CHECK, event, message, visit.getStoreId()))
          .mapEmpty();
    });
  }

  /**
   * Records the check until {@code until}, and resolves each open age check of the shopper's picks with the
   * charge standing, so that their receipts' lines are final.
   *
   * @param actor who checked, as the audit log names them
   */
  public Future<VerifyShopperAgeResponse> verify(String shopperId, Timestamp until, String actor) {
    if (Timestamps.compare(until, Stamps.now()) <= 0) {
      return failedFuture(Failures.invalid("valid_until", "must be in the future"));
    }
    return store.inTx(tx -> tx.enrolment().shopper(shopperId).compose(found -> {
      if (found.isEmpty()) {
        return failedFuture(Failures.notFound("shopper_id: no shopper " + shopperId));
      }
      Shopper shopper = found.get().toBuilder().setAgeVerifiedUntil(until).build();
      tx.publish(StoreEvent.newBuilder().setShopper(shopper).build());
      VerifyShopperAgeResponse.Builder response = VerifyShopperAgeResponse.newBuilder().setShopper(shopper);
      return tx.enrolment().verifyAge(shopperId, until).compose(v -> tx.followUps().reviews(true)).compose(open -> {
        List<Review> checks = open.stream().filter(r -> r.getReason() == ReviewReason.REVIEW_REASON_AGE_CHECK
            && r.getEvent().getShopperId().equals(shopperId)).toList();
        Future<Void> settled = Future.succeededFuture();
        for (Review check : checks) {
          settled = settled.compose(x -> Reviews.settle(tx, check, Optional.of(shopperId), actor)
              .map(r -> {
                response.addResolved(r.getReview());
                return null;
              }));
        }
        return settled.map(x -> response.build());
      });
    }));
  }
}
