package org.ezshop.gateway.fusion;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** Durable records of pending changes, one body per change key. */
interface PendingStore {

  Future<Void> put(String key, byte[] body);

  Future<Void> delete(String key);

  /** Every body kept, in key order. */
  Future<List<byte[]>> all();

  Future<Void> close();

  static Future<PendingStore> open(Vertx vertx, PendingPlace place) {
    if (place instanceof PendingPlace.Directory d) {
      return Future.succeededFuture(new PendingFiles(vertx, d.dir()));
    }
    if (place instanceof PendingPlace.Postgres p) {
      return PendingRows.open(vertx, p.url());
    }
    return Future.succeededFuture(new PendingStore() {
      public Future<Void> put(String key, byte[] body) {
        return Future.succeededFuture();
      }

      public Future<Void> delete(String key) {
        return Future.succeededFuture();
      }

      public Future<List<byte[]>> all() {
        return Future.succeededFuture(List.of());
      }

      public Future<Void> close() {
        return Future.succeededFuture();
      }
    });
  }
}
