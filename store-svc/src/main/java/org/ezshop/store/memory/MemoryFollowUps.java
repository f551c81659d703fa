package org.ezshop.store.memory;

import static io.vertx.core.Future.succeededFuture;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.ezshop.store.rules.Reviews;
import org.ezshop.store.storage.FollowUpTx;
import org.ezshop.store.v1.*;

/** Reviews and alerts in memory. */
final class MemoryFollowUps implements FollowUpTx {

  private final MemoryTx tx;
  private final MemoryState s;

  MemoryFollowUps(MemoryTx tx, MemoryState state) {
    this.tx = tx;
    this.s = state;
  }

  @Override
  public Future<Void> putReview(Review review) {
    if (!s.reviews.containsKey(review.getReviewId())) {
      List<String> order = new ArrayList<>(s.reviewOrder);
      s.reviewOrder.add(review.getReviewId());
      tx.undo(() -> {
        s.reviewOrder.clear();
        s.reviewOrder.addAll(order);
      });
    }
    tx.put(s.reviews, review.getReviewId(), review);
    return succeededFuture();
  }

  @Override
  public Future<Optional<Review>> review(String reviewId) {
    return succeededFuture(Optional.ofNullable(s.reviews.get(reviewId)));
  }

  @Override
  public Future<List<Review>> reviews(boolean openOnly) {
    return succeededFuture(s.reviewOrder.stream().map(s.reviews::get)
        .filter(r -> !openOnly || r.getState() == ReviewState.REVIEW_STATE_OPEN)
        .collect(Collectors.toList()));
  }

  @Override
  public Future<Void> insertAlert(Alert alert) {
    s.alerts.add(alert);
    tx.undo(() -> s.alerts.remove(s.alerts.size() - 1));
    return succeededFuture();
  }

  @Override
  public Future<Optional<Alert>> alert(String alertId) {
    return succeededFuture(s.alerts.stream().filter(a -> a.getAlertId().equals(alertId)).findFirst());
  }

  @Override
  public Future<Void> appendAudit(AuditEntry entry) {
    if (s.audit.putIfAbsent(entry.getEntryId(), entry) == null) {
      tx.undo(() -> s.audit.remove(entry.getEntryId()));
    }
    return succeededFuture();
  }

  @Override
  public Future<List<AuditEntry>> audit(int limit) {
    List<AuditEntry> newest = new ArrayList<>(s.audit.values());
    Collections.reverse(newest);
    return succeededFuture(newest.subList(0, Math.min(limit, newest.size())));
  }

  @Override
  public Future<List<Alert>> alerts(int limit, String storeId) {
    List<Alert> newest = new ArrayList<>(s.alerts);
    newest.removeIf(a -> !storeId.isEmpty() && !a.getStoreId().equals(storeId));
    Collections.reverse(newest);
    return succeededFuture(newest.subList(0, Math.min(limit, newest.size())));
  }
}
