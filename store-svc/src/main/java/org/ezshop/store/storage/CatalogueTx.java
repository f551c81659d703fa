package org.ezshop.store.storage;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.ezshop.store.v1.*;

/** The catalogue in one transaction: items, their stock, shelf rows and stock adjustments. */
public interface CatalogueTx {

  Future<Optional<Item>> item(String sku);

  /** Items in SKU order, after the given SKU ("" for the first page); limit 0 means all; one store's, or "" all. */
  Future<List<Item>> items(String afterSku, int limit, String storeId);

  Future<List<Store>> stores();

  /** Fails with {@link Tx.Conflict} when the store exists. */
  Future<Void> insertStore(Store store);

  /** Fails with {@link Tx.Conflict} when the SKU exists. */
  Future<Void> insertItem(Item item);

  Future<Void> updateItem(Item item);

  /** Adds to recorded stock atomically and returns the item after the change. */
  Future<Item> addStock(String sku, long delta);

  Future<List<ShelfRow>> rows();

  Future<Void> putRow(ShelfRow row);

  /** Records a stock adjustment's key; false when it was recorded before. */
  Future<Boolean> recordAdjustment(String idempotencyKey, String sku, long delta, String reason);
}
