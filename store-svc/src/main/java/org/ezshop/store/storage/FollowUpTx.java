package org.ezshop.store.storage;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.ezshop.store.v1.*;

/** What staff follow up, in one transaction: reviews and alerts. */
public interface FollowUpTx {

  Future<Void> putReview(Review review);

  Future<Optional<Review>> review(String reviewId);

  /** Oldest first. */
  Future<List<Review>> reviews(boolean openOnly);

  Future<Void> insertAlert(Alert alert);

  Future<Optional<Alert>> alert(String alertId);

  /** Newest first. */
  Future<List<Alert>> alerts(int limit);
}
