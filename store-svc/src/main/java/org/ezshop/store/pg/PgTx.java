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
import org.ezshop.store.storage.Stamps;
import org.ezshop.store.storage.Tx;
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

  private final PgCatalogue catalogue = new PgCatalogue(this);
  private final PgEnrolment enrolment = new PgEnrolment(this);
  private final PgVisits visits = new PgVisits(this);
  private final PgFollowUps followUps = new PgFollowUps(this);

  PgTx(SqlClient client, boolean locking) {
    this.client = client;
    this.locking = locking;
  }

  @Override
  public PgCatalogue catalogue() {
    return catalogue;
  }

  @Override
  public PgEnrolment enrolment() {
    return enrolment;
  }

  @Override
  public PgVisits visits() {
    return visits;
  }

  @Override
  public PgFollowUps followUps() {
    return followUps;
  }

  Future<RowSet<Row>> sql(String sql, Object... args) {
    return client.preparedQuery(sql).execute(Tuple.wrap(args));
  }

  static <T> Future<Optional<T>> first(Future<RowSet<Row>> rows, Function<Row, T> map) {
    return rows.map(set -> set.size() == 0 ? Optional.empty() : Optional.of(map.apply(set.iterator().next())));
  }

  static <T> Future<List<T>> all(Future<RowSet<Row>> rows, Function<Row, T> map) {
    return rows.map(set -> {
      List<T> list = new ArrayList<>(set.size());
      set.forEach(row -> list.add(map.apply(row)));
      return list;
    });
  }

  static Future<Void> unique(Future<RowSet<Row>> insert, String conflict) {
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

  static Timestamp stamp(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? Timestamp.getDefaultInstance() : Stamps.of(value.toInstant());
  }

  // One row per cart line (one with empty line columns for an empty cart), all from one snapshot.
  private static final String CART_EVENT_STATE = "WITH "
      + "v AS (SELECT visit_id, shopper_id, entered_at, exited_at, receipt_id, cart_version, store_id FROM visits "
      + "WHERE shopper_id = $2 AND exited_at IS NULL), "
      + "n AS (SELECT nextval('cart_events_event_id_seq') AS new_event_id FROM (SELECT count(*) FROM v) locked), "
      + "i AS (SELECT " + PgCatalogue.ITEM_COLUMNS + " FROM items "
      + "WHERE sku = $3), "
      + "e AS (SELECT event_id, body, refused FROM cart_events WHERE idempotency_key = $1) "
      + "SELECT n.new_event_id, v.*, i.*, e.*, cl.sku AS line_sku, cl.name AS line_name, cl.quantity AS line_quantity, "
      + "cl.unit_price_minor AS line_unit_price_minor, cl.currency AS line_currency "
      + "FROM n LEFT JOIN v ON true LEFT JOIN i ON true LEFT JOIN e ON true "
      + "LEFT JOIN cart_lines cl ON cl.visit_id = v.visit_id ORDER BY cl.sku";

  /**
   * Without locks, the same reads as the separate ones in one statement and one round trip: the write that follows
   * re-checks the cart's version and the stock. Locking, the separate reads: one statement would lock the newest
   * visit row yet join the cart lines of the snapshot it started with, from before the transaction it waited for
   * (a resolved review's move, say), and write back a line that transaction had changed.
   */
  @Override
  public Future<CartEventState> cartEventState(CartEvent event) {
    if (locking) {
      return Tx.super.cartEventState(event);
    }
    return sql(CART_EVENT_STATE, event.getIdempotencyKey(),
        event.getShopperId(), event.getSku()).map(rows -> {
          Row r = rows.iterator().next();
          List<CartLine> lines = new ArrayList<>();
          rows.forEach(line -> {
            if (line.getString("line_sku") != null) {
              lines.add(PgVisits.cartLine(line, "line_"));
            }
          });
          boolean open = r.getString("visit_id") != null;
          return new CartEventState(
              r.getLong("event_id") == null ? Optional.empty() : Optional.of(PgVisits.recordedEvent(r)),
              open ? Optional.of(PgVisits.visit(r)) : Optional.empty(),
              open ? r.getLong("cart_version") : 0,
              r.getLong("new_event_id"),
              r.getString("sku") == null ? Optional.empty() : Optional.of(PgCatalogue.item(r)),
              lines);
        });
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

  Buffer[] takePublished() {
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
