package org.ezshop.load.chaos;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ezshop.store.v1.CartEvent;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.ReceiptAdjustment;
import org.ezshop.store.v1.Review;

/** What the store of record holds at the end of a run, read from its tables. */
record Ledger(List<Applied> cartEvents, List<Review> reviews, Map<String, Long> stock, Map<String, Long> adjusted,
    List<Receipt> receipts) {

  /** The receipts with the adjustments kept beside them. */

  /** A cart event as recorded: applied to the cart and stock, or refused (a put-back of an item not held). */
  record Applied(CartEvent event, String visitId, boolean refused) {
  }

  static Ledger read(Pool db) throws Exception {
    List<Applied> events = new ArrayList<>();
    for (Row row : query(db, "SELECT body, visit_id, refused FROM cart_events ORDER BY event_id")) {
      events.add(new Applied(CartEvent.parseFrom(row.getBuffer(0).getBytes()), row.getString(1), row.getBoolean(2)));
    }
    List<Review> reviews = new ArrayList<>();
    for (Row row : query(db, "SELECT body FROM reviews")) {
      reviews.add(Review.parseFrom(row.getBuffer(0).getBytes()));
    }
    Map<String, Long> stock = new HashMap<>();
    for (Row row : query(db, "SELECT sku, stock FROM items")) {
      stock.put(row.getString(0), row.getLong(1));
    }
    Map<String, Long> adjusted = new HashMap<>();
    for (Row row : query(db, "SELECT sku, delta FROM stock_adjustments")) {
      adjusted.merge(row.getString(0), row.getLong(1), Long::sum);
    }
    Map<String, List<ReceiptAdjustment>> adjustments = new HashMap<>();
    for (Row row : query(db, "SELECT receipt_id, body FROM receipt_adjustments ORDER BY at")) {
      adjustments.computeIfAbsent(row.getString(0), r -> new ArrayList<>())
          .add(ReceiptAdjustment.parseFrom(row.getBuffer(1).getBytes()));
    }
    List<Receipt> receipts = new ArrayList<>();
    for (Row row : query(db, "SELECT body FROM receipts")) {
      Receipt r = Receipt.parseFrom(row.getBuffer(0).getBytes());
      receipts.add(r.toBuilder().addAllAdjustments(adjustments.getOrDefault(r.getReceiptId(), List.of())).build());
    }
    return new Ledger(events, reviews, stock, adjusted, receipts);
  }

  private static Iterable<Row> query(Pool db, String sql) throws Exception {
    return db.query(sql).execute().await(30, TimeUnit.SECONDS);
  }
}
