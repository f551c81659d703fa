package org.ezshop.store.memory;

import static io.vertx.core.Future.succeededFuture;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.ezshop.store.storage.CatalogueTx;
import org.ezshop.store.storage.Tx;
import org.ezshop.store.v1.*;

/** The catalogue in memory: items, shelf rows, stock adjustments. */
final class MemoryCatalogue implements CatalogueTx {

  private final MemoryTx tx;
  private final MemoryState s;

  MemoryCatalogue(MemoryTx tx, MemoryState state) {
    this.tx = tx;
    this.s = state;
  }

  @Override
  public Future<Optional<Item>> item(String sku) {
    return succeededFuture(Optional.ofNullable(s.items.get(sku)));
  }

  @Override
  public Future<List<Item>> items(String afterSku, int limit, String storeId) {
    return succeededFuture(s.items.values().stream()
        .filter(i -> i.getSku().compareTo(afterSku) > 0)
        .filter(i -> storeId.isEmpty() || i.getStoreId().equals(storeId))
        .limit(limit == 0 ? Long.MAX_VALUE : limit)
        .collect(Collectors.toList()));
  }

  @Override
  public Future<List<Store>> stores() {
    return succeededFuture(List.copyOf(s.stores.values()));
  }

  @Override
  public Future<Void> insertStore(Store store) {
    if (s.stores.containsKey(store.getStoreId())) {
      return Future.failedFuture(new Tx.Conflict("store " + store.getStoreId() + " exists"));
    }
    tx.put(s.stores, store.getStoreId(), store);
    return succeededFuture();
  }

  @Override
  public Future<Void> insertItem(Item item) {
    if (s.items.containsKey(item.getSku())) {
      return Future.failedFuture(new Tx.Conflict("item " + item.getSku() + " exists"));
    }
    tx.put(s.items, item.getSku(), item);
    return succeededFuture();
  }

  @Override
  public Future<Void> updateItem(Item item) {
    tx.put(s.items, item.getSku(), item);
    return succeededFuture();
  }

  @Override
  public Future<Item> addStock(String sku, long delta) {
    Item item = s.items.get(sku).toBuilder().setStock(s.items.get(sku).getStock() + delta).build();
    tx.put(s.items, sku, item);
    return succeededFuture(item);
  }

  @Override
  public Future<List<ShelfRow>> rows() {
    return succeededFuture(List.copyOf(s.rows.values()));
  }

  @Override
  public Future<Void> putRow(ShelfRow row) {
    tx.put(s.rows, row.getRowId(), row);
    return succeededFuture();
  }

  @Override
  public Future<Boolean> recordAdjustment(String idempotencyKey, String sku, long delta, String reason) {
    if (s.adjustments.containsKey(idempotencyKey)) {
      return succeededFuture(false);
    }
    tx.put(s.adjustments, idempotencyKey, true);
    return succeededFuture(true);
  }
}
