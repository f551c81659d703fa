package org.ezshop.store.storage;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.ezshop.store.v1.*;

/** What staff follow up, in one transaction: reviews, alerts, and the audit log of what managers did. */
public interface FollowUpTx {

  Future<Void> putReview(Review review);

  Future<Optional<Review>> review(String reviewId);

  /** Oldest first. */
  Future<List<Review>> reviews(boolean openOnly);

  Future<Void> insertAlert(Alert alert);

  Future<Optional<Alert>> alert(String alertId);

  /** Newest first; one store's, or "" for all. */
  Future<List<Alert>> alerts(int limit, String storeId);

  /** Appends once: an entry id already there is left as it is. */
  Future<Void> appendAudit(AuditEntry entry);

  /** Newest first. */
  Future<List<AuditEntry>> audit(int limit);
}
