package org.ezshop.store.pg;

import static org.ezshop.store.pg.PgTx.all;
import static org.ezshop.store.pg.PgTx.bytes;
import static org.ezshop.store.pg.PgTx.first;
import static org.ezshop.store.pg.PgTx.parse;
import static org.ezshop.store.pg.PgTx.stamp;
import static org.ezshop.store.pg.PgTx.time;
import static org.ezshop.store.pg.PgTx.unique;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.List;
import java.util.Optional;
import org.ezshop.common.v1.Money;
import org.ezshop.store.storage.Tx;
import org.ezshop.store.storage.VisitTx;
import org.ezshop.store.v1.*;

/** Visits, carts, cart events and receipts in SQL. */
final class PgVisits implements VisitTx {

  private final PgTx tx;

  PgVisits(PgTx tx) {
    this.tx = tx;
  }

  static Visit visit(Row r) {
    Visit.Builder v = Visit.newBuilder().setVisitId(r.getString("visit_id")).setShopperId(r.getString("shopper_id"))
        .setEnteredAt(stamp(r, "entered_at")).setStoreId(r.getString("store_id"));
    if (r.getOffsetDateTime("exited_at") != null) {
      v.setExitedAt(stamp(r, "exited_at")).setReceiptId(r.getString("receipt_id"));
    }
    return v.build();
  }

  @Override
  public Future<Optional<Visit>> openVisit(String shopperId) {
    return first(tx.sql("SELECT * FROM visits WHERE shopper_id = $1 AND exited_at IS NULL FOR UPDATE", shopperId),
        PgVisits::visit);
  }

  @Override
  public Future<Optional<Visit>> lastVisit(String shopperId) {
    return first(tx.sql("SELECT * FROM visits WHERE shopper_id = $1 ORDER BY entered_at DESC LIMIT 1", shopperId),
        PgVisits::visit);
  }

  @Override
  public Future<Void> insertVisit(Visit v) {
    return tx.sql("INSERT INTO visits (visit_id, shopper_id, entered_at, store_id) VALUES ($1, $2, $3, $4)",
        v.getVisitId(), v.getShopperId(), time(v.getEnteredAt()), v.getStoreId()).mapEmpty();
  }

  @Override
  public Future<Void> closeVisit(Visit v) {
    return tx.sql("UPDATE visits SET exited_at = $2, receipt_id = $3 WHERE visit_id = $1", v.getVisitId(),
        time(v.getExitedAt()), v.getReceiptId()).mapEmpty();
  }

  @Override
  public Future<Long> cartVersion(String visitId) {
    return first(tx.sql("SELECT cart_version FROM visits WHERE visit_id = $1", visitId), r -> r.getLong(0))
        .map(found -> found.orElse(0L));
  }

  @Override
  public Future<Long> newEventId() {
    return first(tx.sql("SELECT nextval('cart_events_event_id_seq')"), r -> r.getLong(0))
        .map(Optional::orElseThrow);
  }

  @Override
  public Future<List<CartLine>> cartLines(String visitId) {
    return all(tx.sql("SELECT * FROM cart_lines WHERE visit_id = $1 ORDER BY sku", visitId), PgVisits::cartLine);
  }

  static CartLine cartLine(Row r) {
    return cartLine(r, "");
  }

  static CartLine cartLine(Row r, String prefix) {
    int quantity = r.getInteger(prefix + "quantity");
    Money unit = Money.newBuilder().setMinorUnits(r.getLong(prefix + "unit_price_minor"))
        .setCurrency(r.getString(prefix + "currency")).build();
    return CartLine.newBuilder().setSku(r.getString(prefix + "sku")).setName(r.getString(prefix + "name"))
        .setQuantity(quantity).setUnitPrice(unit)
        .setLineTotal(unit.toBuilder().setMinorUnits(unit.getMinorUnits() * quantity)).build();
  }

  @Override
  public Future<List<CartLine>> openCartLines(String shopperId) {
    return all(tx.sql("SELECT cl.* FROM cart_lines cl JOIN visits v ON v.visit_id = cl.visit_id "
        + "WHERE v.shopper_id = $1 AND v.exited_at IS NULL ORDER BY cl.sku", shopperId), PgVisits::cartLine);
  }

  // One statement, one round trip: the cart's version, the stock, the event, the cart line and the journal rows
  // published so far; each only if the one before applied. The two UPDATEs carry the caller's read as conditions,
  // which PostgreSQL re-checks on the newest row after waiting for a concurrent writer (READ COMMITTED). When the
  // stock moved but the version matched, the version alone advances: harmless, a cart's versions only grow.
  private static final String CART_CHANGE = "WITH "
      + "version AS (UPDATE visits SET cart_version = $1 WHERE visit_id = $4 AND exited_at IS NULL "
      + "AND cart_version = $13 RETURNING 1), "
      + "stock AS (UPDATE items SET stock = stock - $6, updated_at = now() WHERE sku = $5 AND stock = $14 "
      + "AND EXISTS (SELECT FROM version) RETURNING 1), "
      + "ev AS (INSERT INTO cart_events (event_id, idempotency_key, shopper_id, visit_id, sku, quantity_delta, refused, "
      + "body) SELECT $1, $2, $3, $4, $5, $6, false, $7 FROM stock), "
      + "gone AS (DELETE FROM cart_lines WHERE $8 = 0 AND visit_id = $4 AND sku = $5 AND EXISTS (SELECT FROM stock)), "
      + "line AS (INSERT INTO cart_lines SELECT $4, $5, $8, $9, $10, $11 FROM stock WHERE $8 > 0 "
      + "ON CONFLICT (visit_id, sku) DO UPDATE SET quantity = EXCLUDED.quantity), "
      + "journal AS (INSERT INTO store_events (bodies) SELECT $12 FROM stock WHERE cardinality($12::bytea[]) > 0) "
      + "SELECT count(*) FROM stock";

  @Override
  public Future<Void> writeCartChange(String visitId, long cartVersion, Item item, CartEvent e, CartLine line) {
    Buffer[] journal = tx.takePublished();
    Future<RowSet<Row>> written = tx.sql(CART_CHANGE, e.getEventId(), e.getIdempotencyKey(), e.getShopperId(), visitId,
        e.getSku(), e.getQuantityDelta(), bytes(e), line.getQuantity(), line.getUnitPrice().getMinorUnits(),
        line.getUnitPrice().getCurrency(), line.getName(), journal, cartVersion, item.getStock());
    return unique(written, "idempotency key " + e.getIdempotencyKey() + " was taken meanwhile")
        .compose(v -> written.result().iterator().next().getLong(0) == 1 ? Future.<Void>succeededFuture()
            : Future.failedFuture(new Tx.Stale("cart " + visitId + " or item " + e.getSku() + " changed since read")));
  }

  @Override
  public Future<Optional<Long>> recordEvent(CartEvent e, String visitId, boolean refused) {
    // The body leaves event_id out: it is the row's own column, set again on every read.
    return first(tx.sql("INSERT INTO cart_events (idempotency_key, shopper_id, visit_id, sku, quantity_delta, refused, body) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING RETURNING event_id",
        e.getIdempotencyKey(), e.getShopperId(), visitId, e.getSku(), e.getQuantityDelta(), refused, bytes(e)),
        r -> r.getLong(0));
  }

  @Override
  public Future<Optional<Tx.RecordedEvent>> eventByKey(String key) {
    return first(tx.sql("SELECT event_id, body, refused FROM cart_events WHERE idempotency_key = $1", key),
        PgVisits::recordedEvent);
  }

  static Tx.RecordedEvent recordedEvent(Row r) {
    return new Tx.RecordedEvent(parse(CartEvent.parser(), r.getBuffer("body")).toBuilder()
        .setEventId(r.getLong("event_id")).build(), r.getBoolean("refused"));
  }

  @Override
  public Future<List<CartEvent>> cartEvents(String visitId) {
    return all(tx.sql("SELECT event_id, body, refused FROM cart_events WHERE visit_id = $1 AND NOT refused "
        + "ORDER BY event_id", visitId), r -> recordedEvent(r).event());
  }

  @Override
  public Future<Boolean> appendAdjustment(ReceiptAdjustment a) {
    return first(tx.sql("INSERT INTO receipt_adjustments VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idempotency_key) "
        + "DO NOTHING RETURNING 1", a.getAdjustmentId(), a.getIdempotencyKey(), a.getReceiptId(), time(a.getAt()),
        bytes(a)), r -> true).map(Optional::isPresent);
  }

  @Override
  public Future<List<ReceiptAdjustment>> adjustments(String receiptId) {
    return all(tx.sql("SELECT body FROM receipt_adjustments WHERE receipt_id = $1 ORDER BY at, adjustment_id",
        receiptId), r -> parse(ReceiptAdjustment.parser(), r.getBuffer("body")));
  }

  @Override
  public Future<Void> putReceipt(Receipt issued) {
    Receipt r = issued.toBuilder().clearAdjustments().clearNetTotal().build();
    return tx.sql("INSERT INTO receipts VALUES ($1, $2, $3, $4, $5) ON CONFLICT (receipt_id) DO UPDATE SET body = "
        + "EXCLUDED.body", r.getReceiptId(), r.getVisitId(), r.getShopperId(), time(r.getIssuedAt()), bytes(r)).mapEmpty();
  }

  @Override
  public Future<Optional<Receipt>> receipt(String receiptId) {
    return first(tx.sql("SELECT body FROM receipts WHERE receipt_id = $1 FOR UPDATE", receiptId),
        r -> parse(Receipt.parser(), r.getBuffer("body")));
  }

  @Override
  public Future<List<Receipt>> receipts(String shopperId) {
    return all(tx.sql("SELECT body FROM receipts WHERE shopper_id = $1 ORDER BY issued_at DESC", shopperId),
        r -> parse(Receipt.parser(), r.getBuffer("body")));
  }
}
