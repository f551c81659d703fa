package org.ezshop.store.pg;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.Timestamp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.common.v1.Money;
import org.ezshop.store.Stamps;
import org.ezshop.store.Tx;
import org.ezshop.store.v1.*;

/**
 * Plain SQL for one PostgreSQL transaction, over one connection, where rows to be changed are read FOR UPDATE;
 * or, for {@link org.ezshop.store.Transactions#unlocked} work, over the pool without locks, each statement on
 * its own.
 */
final class PgTx implements Tx {

  private final SqlClient client;
  private final boolean locking;
  private final List<StoreEvent> published = new ArrayList<>();
  private boolean journaled;

  PgTx(SqlClient client, boolean locking) {
    this.client = client;
    this.locking = locking;
  }

  private Future<RowSet<Row>> sql(String sql, Object... args) {
    return client.preparedQuery(sql).execute(Tuple.wrap(args));
  }

  private static <T> Future<Optional<T>> first(Future<RowSet<Row>> rows, Function<Row, T> map) {
    return rows.map(set -> set.size() == 0 ? Optional.empty() : Optional.of(map.apply(set.iterator().next())));
  }

  private static <T> Future<List<T>> all(Future<RowSet<Row>> rows, Function<Row, T> map) {
    return rows.map(set -> {
      List<T> list = new ArrayList<>(set.size());
      set.forEach(row -> list.add(map.apply(row)));
      return list;
    });
  }

  private static Future<Void> unique(Future<RowSet<Row>> insert, String conflict) {
    return insert.<Void>mapEmpty().recover(e -> Future.failedFuture(
        e instanceof PgException && "23505".equals(((PgException) e).getSqlState()) ? new Conflict(conflict) : e));
  }

  static Buffer bytes(Message message) {
    return Buffer.buffer(message.toByteArray());
  }

  static <M extends Message> M parse(Parser<M> parser, Buffer body) {
    try {
      return parser.parseFrom(body.getBytes());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt record", e);
    }
  }

  static OffsetDateTime time(Timestamp t) {
    return Stamps.instant(t).atOffset(ZoneOffset.UTC);
  }

  private static Timestamp stamp(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? Timestamp.getDefaultInstance() : Stamps.of(value.toInstant());
  }

  private static final String ITEM = "SELECT sku, name, price_minor, currency, stock, image_url, low_stock_threshold, "
      + "updated_at FROM items ";

  private static Item item(Row r) {
    return Item.newBuilder().setSku(r.getString("sku")).setName(r.getString("name"))
        .setPrice(Money.newBuilder().setMinorUnits(r.getLong("price_minor"))
            .setCurrency(r.getString("currency")))
        .setStock(r.getLong("stock")).setImageUrl(r.getString("image_url"))
        .setLowStockThreshold(r.getLong("low_stock_threshold")).setUpdatedAt(stamp(r, "updated_at")).build();
  }

  @Override
  public Future<Optional<Item>> item(String sku) {
    return first(sql(ITEM + "WHERE sku = $1 FOR UPDATE", sku), PgTx::item);
  }

  @Override
  public Future<List<Item>> items(String afterSku, int limit) {
    return all(sql(ITEM + "WHERE sku > $1 ORDER BY sku LIMIT $2", afterSku, limit == 0 ? Long.MAX_VALUE : (long) limit),
        PgTx::item);
  }

  @Override
  public Future<Void> insertItem(Item i) {
    return unique(sql("INSERT INTO items VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", i.getSku(), i.getName(),
        i.getPrice().getMinorUnits(), i.getPrice().getCurrency(), i.getStock(), i.getImageUrl(),
        i.getLowStockThreshold(), time(i.getUpdatedAt())), "item " + i.getSku() + " exists");
  }

  @Override
  public Future<Void> updateItem(Item i) {
    return sql("UPDATE items SET name = $2, price_minor = $3, currency = $4, stock = $5, image_url = $6, "
            + "low_stock_threshold = $7, updated_at = $8 WHERE sku = $1", i.getSku(), i.getName(),
        i.getPrice().getMinorUnits(), i.getPrice().getCurrency(), i.getStock(), i.getImageUrl(),
        i.getLowStockThreshold(), time(i.getUpdatedAt())).mapEmpty();
  }

  @Override
  public Future<Item> addStock(String sku, long delta) {
    return first(sql("UPDATE items SET stock = stock + $2, updated_at = now() WHERE sku = $1 RETURNING *", sku, delta),
        PgTx::item).map(Optional::orElseThrow);
  }

  @Override
  public Future<List<ShelfRow>> rows() {
    return all(sql("SELECT body FROM shelf_rows ORDER BY row_id"), r -> parse(ShelfRow.parser(), r.getBuffer("body")));
  }

  @Override
  public Future<Void> putRow(ShelfRow row) {
    return sql("INSERT INTO shelf_rows VALUES ($1, $2, $3, $4) ON CONFLICT (row_id) DO UPDATE "
            + "SET sku = EXCLUDED.sku, camera_ids = EXCLUDED.camera_ids, body = EXCLUDED.body",
        row.getRowId(), row.getSku(), row.getCameraIdsList().toArray(new String[0]), bytes(row))
        .compose(v -> sql("DELETE FROM shelf_sensors WHERE row_id = $1", row.getRowId()))
        .compose(v -> {
          Future<RowSet<Row>> chain = Future.succeededFuture();
          for (ShelfSensor s : row.getSensorsList()) {
            chain = chain.compose(x -> sql("INSERT INTO shelf_sensors VALUES ($1, $2, $3)", s.getSensorId(),
                row.getRowId(), s.getDeviceId()));
          }
          return chain;
        }).mapEmpty();
  }

  private static final String SHOPPER = "SELECT s.*, v.entered_at FROM shoppers s "
      + "LEFT JOIN visits v ON v.shopper_id = s.shopper_id AND v.exited_at IS NULL ";

  private static Shopper shopper(Row r) {
    Shopper.Builder s = Shopper.newBuilder().setShopperId(r.getString("shopper_id")).setName(r.getString("name"))
        .setFaceId(r.getString("face_id")).setPushToken(r.getString("push_token"))
        .setRegisteredAt(stamp(r, "registered_at"));
    if (r.getOffsetDateTime("entered_at") != null) {
      s.setInStore(true).setEnteredAt(stamp(r, "entered_at"));
    }
    return s.build();
  }

  @Override
  public Future<Optional<Shopper>> shopper(String shopperId) {
    return first(sql(SHOPPER + "WHERE s.shopper_id = $1", shopperId), PgTx::shopper);
  }

  @Override
  public Future<List<Shopper>> shoppers() {
    return all(sql(SHOPPER + "ORDER BY s.name, s.shopper_id"), PgTx::shopper);
  }

  @Override
  public Future<Void> insertShopper(Shopper s) {
    return unique(sql("INSERT INTO shoppers VALUES ($1, $2, $3, $4, $5)", s.getShopperId(), s.getFaceId(), s.getName(),
        s.getPushToken(), time(s.getRegisteredAt())), "face " + s.getFaceId() + " is registered already");
  }

  private static Device device(Row r) {
    return Device.newBuilder().setDeviceId(r.getString("device_id"))
        .setKind(DeviceKind.forNumber(r.getInteger("kind"))).setCameraRole(CameraRole.forNumber(r.getInteger("camera_role")))
        .setRegisteredAt(stamp(r, "registered_at")).build();
  }

  @Override
  public Future<Void> putDevice(Device d, byte[] tokenHash) {
    return unique(sql("INSERT INTO devices VALUES ($1, $2, $3, $4, $5) ON CONFLICT (device_id) DO UPDATE SET "
            + "token_hash = EXCLUDED.token_hash, kind = EXCLUDED.kind, camera_role = EXCLUDED.camera_role, "
            + "registered_at = EXCLUDED.registered_at", d.getDeviceId(), Buffer.buffer(tokenHash), d.getKindValue(),
        d.getCameraRoleValue(), time(d.getRegisteredAt())), "the token belongs to another device");
  }

  @Override
  public Future<List<Device>> devices() {
    return all(sql("SELECT * FROM devices ORDER BY device_id"), PgTx::device);
  }

  @Override
  public Future<Optional<Device>> deviceByToken(byte[] tokenHash) {
    return first(sql("SELECT * FROM devices WHERE token_hash = $1", Buffer.buffer(tokenHash)), PgTx::device);
  }

  private static Visit visit(Row r) {
    Visit.Builder v = Visit.newBuilder().setVisitId(r.getString("visit_id")).setShopperId(r.getString("shopper_id"))
        .setEnteredAt(stamp(r, "entered_at"));
    if (r.getOffsetDateTime("exited_at") != null) {
      v.setExitedAt(stamp(r, "exited_at")).setReceiptId(r.getString("receipt_id"));
    }
    return v.build();
  }

  @Override
  public Future<Optional<Visit>> openVisit(String shopperId) {
    return first(sql("SELECT * FROM visits WHERE shopper_id = $1 AND exited_at IS NULL FOR UPDATE", shopperId),
        PgTx::visit);
  }

  @Override
  public Future<Optional<Visit>> lastVisit(String shopperId) {
    return first(sql("SELECT * FROM visits WHERE shopper_id = $1 ORDER BY entered_at DESC LIMIT 1", shopperId),
        PgTx::visit);
  }

  @Override
  public Future<Void> insertVisit(Visit v) {
    return sql("INSERT INTO visits (visit_id, shopper_id, entered_at) VALUES ($1, $2, $3)", v.getVisitId(),
        v.getShopperId(), time(v.getEnteredAt())).mapEmpty();
  }

  @Override
  public Future<Void> closeVisit(Visit v) {
    return sql("UPDATE visits SET exited_at = $2, receipt_id = $3 WHERE visit_id = $1", v.getVisitId(),
        time(v.getExitedAt()), v.getReceiptId()).mapEmpty();
  }

  @Override
  public Future<Long> cartVersion(String visitId) {
    return first(sql("SELECT cart_version FROM visits WHERE visit_id = $1", visitId), r -> r.getLong(0))
        .map(found -> found.orElse(0L));
  }

  @Override
  public Future<Long> newEventId() {
    return first(sql("SELECT nextval('cart_events_event_id_seq')"), r -> r.getLong(0))
        .map(Optional::orElseThrow);
  }

  @Override
  public Future<List<CartLine>> cartLines(String visitId) {
    return all(sql("SELECT * FROM cart_lines WHERE visit_id = $1 ORDER BY sku", visitId), PgTx::cartLine);
  }

  private static CartLine cartLine(Row r) {
    return cartLine(r, "");
  }

  private static CartLine cartLine(Row r, String prefix) {
    int quantity = r.getInteger(prefix + "quantity");
    Money unit = Money.newBuilder().setMinorUnits(r.getLong(prefix + "unit_price_minor"))
        .setCurrency(r.getString(prefix + "currency")).build();
    return CartLine.newBuilder().setSku(r.getString(prefix + "sku")).setName(r.getString(prefix + "name"))
        .setQuantity(quantity).setUnitPrice(unit)
        .setLineTotal(unit.toBuilder().setMinorUnits(unit.getMinorUnits() * quantity)).build();
  }

  @Override
  public Future<List<CartLine>> openCartLines(String shopperId) {
    return all(sql("SELECT cl.* FROM cart_lines cl JOIN visits v ON v.visit_id = cl.visit_id "
        + "WHERE v.shopper_id = $1 AND v.exited_at IS NULL ORDER BY cl.sku", shopperId), PgTx::cartLine);
  }

  // One row per cart line (one with empty line columns for an empty cart). The id comes from n, which counts
  // the visit rows first, so in a locking transaction it is taken after the visit's lock.
  private static final String CART_EVENT_STATE = "WITH "
      + "v AS (SELECT visit_id, shopper_id, entered_at, exited_at, receipt_id, cart_version FROM visits "
      + "WHERE shopper_id = $2 AND exited_at IS NULL %1$s), "
      + "n AS (SELECT nextval('cart_events_event_id_seq') AS new_event_id FROM (SELECT count(*) FROM v) locked), "
      + "i AS (SELECT sku, name, price_minor, currency, stock, image_url, low_stock_threshold, updated_at FROM items "
      + "WHERE sku = $3 %1$s), "
      + "e AS (SELECT event_id, body, refused FROM cart_events WHERE idempotency_key = $1) "
      + "SELECT n.new_event_id, v.*, i.*, e.*, cl.sku AS line_sku, cl.name AS line_name, cl.quantity AS line_quantity, "
      + "cl.unit_price_minor AS line_unit_price_minor, cl.currency AS line_currency "
      + "FROM n LEFT JOIN v ON true LEFT JOIN i ON true LEFT JOIN e ON true "
      + "LEFT JOIN cart_lines cl ON cl.visit_id = v.visit_id ORDER BY cl.sku";
  private static final String CART_EVENT_STATE_LOCKED = String.format(CART_EVENT_STATE, "FOR UPDATE");
  private static final String CART_EVENT_STATE_UNLOCKED = String.format(CART_EVENT_STATE, "");

  /** The same reads as the separate ones, in one statement and one round trip. */
  @Override
  public Future<CartEventState> cartEventState(CartEvent event) {
    return sql(locking ? CART_EVENT_STATE_LOCKED : CART_EVENT_STATE_UNLOCKED, event.getIdempotencyKey(),
        event.getShopperId(), event.getSku()).map(rows -> {
          Row r = rows.iterator().next();
          List<CartLine> lines = new ArrayList<>();
          rows.forEach(line -> {
            if (line.getString("line_sku") != null) {
              lines.add(cartLine(line, "line_"));
            }
          });
          boolean open = r.getString("visit_id") != null;
          return new CartEventState(
              r.getLong("event_id") == null ? Optional.empty() : Optional.of(recordedEvent(r)),
              open ? Optional.of(visit(r)) : Optional.empty(),
              open ? r.getLong("cart_version") : 0,
              r.getLong("new_event_id"),
              r.getString("sku") == null ? Optional.empty() : Optional.of(item(r)),
              lines);
        });
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
    Buffer[] journal = takePublished();
    Future<RowSet<Row>> written = sql(CART_CHANGE, e.getEventId(), e.getIdempotencyKey(), e.getShopperId(), visitId,
        e.getSku(), e.getQuantityDelta(), bytes(e), line.getQuantity(), line.getUnitPrice().getMinorUnits(),
        line.getUnitPrice().getCurrency(), line.getName(), journal, cartVersion, item.getStock());
    return unique(written, "idempotency key " + e.getIdempotencyKey() + " was taken meanwhile")
        .compose(v -> written.result().iterator().next().getLong(0) == 1 ? Future.<Void>succeededFuture()
            : Future.failedFuture(new Stale("cart " + visitId + " or item " + e.getSku() + " changed since read")));
  }

  @Override
  public Future<Optional<Long>> recordEvent(CartEvent e, String visitId, boolean refused) {
    // The body leaves event_id out: it is the row's own column, set again on every read.
    return first(sql("INSERT INTO cart_events (idempotency_key, shopper_id, visit_id, sku, quantity_delta, refused, body) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING RETURNING event_id",
        e.getIdempotencyKey(), e.getShopperId(), visitId, e.getSku(), e.getQuantityDelta(), refused, bytes(e)),
        r -> r.getLong(0));
  }

  @Override
  public Future<Optional<RecordedEvent>> eventByKey(String key) {
    return first(sql("SELECT event_id, body, refused FROM cart_events WHERE idempotency_key = $1", key),
        PgTx::recordedEvent);
  }

  private static RecordedEvent recordedEvent(Row r) {
    return new RecordedEvent(parse(CartEvent.parser(), r.getBuffer("body")).toBuilder()
        .setEventId(r.getLong("event_id")).build(), r.getBoolean("refused"));
  }

  @Override
  public Future<Void> putReceipt(Receipt r) {
    return sql("INSERT INTO receipts VALUES ($1, $2, $3, $4, $5) ON CONFLICT (receipt_id) DO UPDATE SET body = "
        + "EXCLUDED.body", r.getReceiptId(), r.getVisitId(), r.getShopperId(), time(r.getIssuedAt()), bytes(r)).mapEmpty();
  }

  @Override
  public Future<Optional<Receipt>> receipt(String receiptId) {
    return first(sql("SELECT body FROM receipts WHERE receipt_id = $1 FOR UPDATE", receiptId),
        r -> parse(Receipt.parser(), r.getBuffer("body")));
  }

  @Override
  public Future<List<Receipt>> receipts(String shopperId) {
    return all(sql("SELECT body FROM receipts WHERE shopper_id = $1 ORDER BY issued_at DESC", shopperId),
        r -> parse(Receipt.parser(), r.getBuffer("body")));
  }

  @Override
  public Future<Void> putReview(Review r) {
    return sql("INSERT INTO reviews VALUES ($1, $2, $3, $4) ON CONFLICT (review_id) DO UPDATE SET state = "
        + "EXCLUDED.state, body = EXCLUDED.body", r.getReviewId(), r.getStateValue(), time(r.getCreatedAt()), bytes(r))
        .mapEmpty();
  }

  @Override
  public Future<Optional<Review>> review(String reviewId) {
    return first(sql("SELECT body FROM reviews WHERE review_id = $1 FOR UPDATE", reviewId),
        r -> parse(Review.parser(), r.getBuffer("body")));
  }

  @Override
  public Future<List<Review>> reviews(boolean openOnly) {
    return all(sql("SELECT body FROM reviews WHERE NOT $1 OR state = $2 ORDER BY created_at, review_id", openOnly,
        ReviewState.REVIEW_STATE_OPEN_VALUE), r -> parse(Review.parser(), r.getBuffer("body")));
  }

  @Override
  public Future<Void> insertAlert(Alert a) {
    return sql("INSERT INTO alerts VALUES ($1, $2, $3)", a.getAlertId(), time(a.getAt()), bytes(a)).mapEmpty();
  }

  @Override
  public Future<List<Alert>> alerts(int limit) {
    return all(sql("SELECT body FROM alerts ORDER BY at DESC LIMIT $1", (long) limit),
        r -> parse(Alert.parser(), r.getBuffer("body")));
  }

  @Override
  public Future<Boolean> recordAdjustment(String key, String sku, long delta, String reason) {
    return sql("INSERT INTO stock_adjustments VALUES ($1, $2, $3, $4, now()) ON CONFLICT DO NOTHING", key, sku, delta,
        reason).map(rows -> rows.rowCount() == 1);
  }

  @Override
  public void publish(StoreEvent event) {
    published.add(event);
  }

  /**
   * Appends the events not yet journalled (a cart write carries those published before it) as one journal row;
   * true when this transaction journalled anything at all.
   */
  Future<Boolean> journal() {
    if (published.isEmpty()) {
      return Future.succeededFuture(journaled);
    }
    if (!locking) {
      throw new IllegalStateException("unlocked work journals its events with its one write, not after it");
    }
    return sql("INSERT INTO store_events (bodies) VALUES ($1)", (Object) takePublished()).map(true);
  }

  private Buffer[] takePublished() {
    if (published.size() > JournalReader.EVENTS_PER_ROW) {
      throw new IllegalStateException("a transaction published " + published.size() + " events; a journal row holds "
          + JournalReader.EVENTS_PER_ROW);
    }
    Buffer[] bodies = published.stream().map(PgTx::bytes).toArray(Buffer[]::new);
    journaled |= bodies.length > 0;
    published.clear();
    return bodies;
  }
}
