package org.ezshop.store.pg;

import static org.ezshop.store.pg.PgTx.all;
import static org.ezshop.store.pg.PgTx.bytes;
import static org.ezshop.store.pg.PgTx.first;
import static org.ezshop.store.pg.PgTx.parse;
import static org.ezshop.store.pg.PgTx.stamp;
import static org.ezshop.store.pg.PgTx.time;
import static org.ezshop.store.pg.PgTx.unique;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.List;
import java.util.Optional;
import org.ezshop.common.v1.Money;
import org.ezshop.store.storage.CatalogueTx;
import org.ezshop.store.v1.*;

/** The catalogue in SQL: items, shelf rows, stock adjustments. */
final class PgCatalogue implements CatalogueTx {

  private final PgTx tx;

  PgCatalogue(PgTx tx) {
    this.tx = tx;
  }

  static final String ITEM_COLUMNS = "sku, name, price_minor, currency, stock, image_url, low_stock_threshold, "
      + "updated_at, store_id AS item_store_id, age_restricted, minimum_age";
  private static final String ITEM = "SELECT " + ITEM_COLUMNS + " FROM items ";

  static Item item(Row r) {
    return Item.newBuilder().setSku(r.getString("sku")).setName(r.getString("name"))
        .setPrice(Money.newBuilder().setMinorUnits(r.getLong("price_minor"))
            .setCurrency(r.getString("currency")))
        .setStock(r.getLong("stock")).setImageUrl(r.getString("image_url"))
        .setLowStockThreshold(r.getLong("low_stock_threshold")).setUpdatedAt(stamp(r, "updated_at"))
        .setStoreId(r.getString("item_store_id")).setAgeRestricted(r.getBoolean("age_restricted"))
        .setMinimumAge(r.getInteger("minimum_age")).build();
  }

  @Override
  public Future<Optional<Item>> item(String sku) {
    return first(tx.sql(ITEM + "WHERE sku = $1 FOR UPDATE", sku), PgCatalogue::item);
  }

  @Override
  public Future<List<Item>> items(String afterSku, int limit, String storeId) {
    return all(tx.sql(ITEM + "WHERE sku > $1 AND ($3 = '' OR store_id = $3) ORDER BY sku LIMIT $2", afterSku,
        limit == 0 ? Long.MAX_VALUE : (long) limit, storeId), PgCatalogue::item);
  }

  @Override
  public Future<List<Store>> stores() {
    return all(tx.sql("SELECT * FROM stores ORDER BY store_id"), r -> Store.newBuilder()
        .setStoreId(r.getString("store_id")).setName(r.getString("name")).setCreatedAt(stamp(r, "created_at")).build());
  }

  @Override
  public Future<Void> insertStore(Store s) {
    return unique(tx.sql("INSERT INTO stores VALUES ($1, $2, $3)", s.getStoreId(), s.getName(), time(s.getCreatedAt())),
        "store " + s.getStoreId() + " exists");
  }

  @Override
  public Future<Void> insertItem(Item i) {
    return unique(tx.sql("INSERT INTO items (sku, name, price_minor, currency, stock, image_url, low_stock_threshold, "
            + "updated_at, store_id, age_restricted, minimum_age) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        i.getSku(), i.getName(), i.getPrice().getMinorUnits(), i.getPrice().getCurrency(), i.getStock(),
        i.getImageUrl(), i.getLowStockThreshold(), time(i.getUpdatedAt()), i.getStoreId(), i.getAgeRestricted(),
        i.getMinimumAge()), "item " + i.getSku() + " exists");
  }

  @Override
  public Future<Void> updateItem(Item i) {
    return tx.sql("UPDATE items SET name = $2, price_minor = $3, currency = $4, stock = $5, image_url = $6, "
            + "low_stock_threshold = $7, updated_at = $8, age_restricted = $9, minimum_age = $10 WHERE sku = $1",
        i.getSku(), i.getName(), i.getPrice().getMinorUnits(), i.getPrice().getCurrency(), i.getStock(),
        i.getImageUrl(), i.getLowStockThreshold(), time(i.getUpdatedAt()), i.getAgeRestricted(), i.getMinimumAge())
        .mapEmpty();
  }

  @Override
  public Future<Item> addStock(String sku, long delta) {
    return first(tx.sql("UPDATE items SET stock = stock + $2, updated_at = now() WHERE sku = $1 RETURNING "
        + ITEM_COLUMNS, sku, delta),
        PgCatalogue::item).map(Optional::orElseThrow);
  }

  @Override
  public Future<List<ShelfRow>> rows() {
    return all(tx.sql("SELECT body FROM shelf_rows ORDER BY row_id"), r -> parse(ShelfRow.parser(), r.getBuffer("body")));
  }

  @Override
  public Future<Void> putRow(ShelfRow row) {
    return tx.sql("INSERT INTO shelf_rows VALUES ($1, $2, $3, $4) ON CONFLICT (row_id) DO UPDATE "
            + "SET sku = EXCLUDED.sku, camera_ids = EXCLUDED.camera_ids, body = EXCLUDED.body",
        row.getRowId(), row.getSku(), row.getCameraIdsList().toArray(new String[0]), bytes(row))
        .compose(v -> tx.sql("DELETE FROM shelf_sensors WHERE row_id = $1", row.getRowId()))
        .compose(v -> {
          Future<RowSet<Row>> chain = Future.succeededFuture();
          for (ShelfSensor s : row.getSensorsList()) {
            chain = chain.compose(x -> tx.sql("INSERT INTO shelf_sensors VALUES ($1, $2, $3)", s.getSensorId(),
                row.getRowId(), s.getDeviceId()));
          }
          return chain;
        }).mapEmpty();
  }

  @Override
  public Future<Boolean> recordAdjustment(String key, String sku, long delta, String reason) {
    return tx.sql("INSERT INTO stock_adjustments VALUES ($1, $2, $3, $4, now()) ON CONFLICT DO NOTHING", key, sku, delta,
        reason).map(rows -> rows.rowCount() == 1);
  }
}
