package org.ezshop.store.pg;

import static org.ezshop.store.pg.PgTx.all;
import static org.ezshop.store.pg.PgTx.bytes;
import static org.ezshop.store.pg.PgTx.first;
import static org.ezshop.store.pg.PgTx.parse;
import static org.ezshop.store.pg.PgTx.time;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.ezshop.store.rules.Reviews;
import org.ezshop.store.storage.FollowUpTx;
import org.ezshop.store.v1.*;

/** Reviews and alerts in SQL. */
final class PgFollowUps implements FollowUpTx {

  private final PgTx tx;

  PgFollowUps(PgTx tx) {
    this.tx = tx;
  }

  @Override
  public Future<Void> putReview(Review r) {
    return tx.sql("INSERT INTO reviews VALUES ($1, $2, $3, $4) ON CONFLICT (review_id) DO UPDATE SET state = "
        + "EXCLUDED.state, body = EXCLUDED.body", r.getReviewId(), r.getStateValue(), time(r.getCreatedAt()), bytes(r))
        .mapEmpty();
  }

  @Override
  public Future<Optional<Review>> review(String reviewId) {
    return first(tx.sql("SELECT body FROM reviews WHERE review_id = $1 FOR UPDATE", reviewId),
        r -> parse(Review.parser(), r.getBuffer("body")));
  }

  @Override
  public Future<List<Review>> reviews(boolean openOnly) {
    return all(tx.sql("SELECT body FROM reviews WHERE NOT $1 OR state = $2 ORDER BY created_at, review_id", openOnly,
        ReviewState.REVIEW_STATE_OPEN_VALUE), r -> parse(Review.parser(), r.getBuffer("body")));
  }

  @Override
  public Future<Void> insertAlert(Alert a) {
    return tx.sql("INSERT INTO alerts VALUES ($1, $2, $3, $4)", a.getAlertId(), time(a.getAt()), bytes(a),
        a.getStoreId()).mapEmpty();
  }

  @Override
  public Future<Optional<Alert>> alert(String alertId) {
    return first(tx.sql("SELECT body FROM alerts WHERE alert_id = $1", alertId),
        r -> parse(Alert.parser(), r.getBuffer("body")));
  }

  @Override
  public Future<Void> appendAudit(AuditEntry e) {
    return tx.sql("INSERT INTO audit_entries VALUES ($1, $2, $3) ON CONFLICT (entry_id) DO NOTHING", e.getEntryId(),
        time(e.getAt()), bytes(e)).mapEmpty();
  }

  @Override
  public Future<List<AuditEntry>> audit(int limit) {
    return all(tx.sql("SELECT body FROM audit_entries ORDER BY at DESC, entry_id DESC LIMIT $1", (long) limit),
        r -> parse(AuditEntry.parser(), r.getBuffer("body")));
  }

  @Override
  public Future<List<Alert>> alerts(int limit, String storeId) {
    return all(tx.sql("SELECT body FROM alerts WHERE $2 = '' OR store_id = $2 ORDER BY at DESC LIMIT $1", (long) limit,
            storeId),
        r -> parse(Alert.parser(), r.getBuffer("body")));
  }
}
