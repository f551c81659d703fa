package org.ezshop.store.rules;

import static io.vertx.core.Future.failedFuture;
import static io.vertx.core.Future.succeededFuture;

import io.vertx.core.Future;
import java.util.List;
import org.ezshop.store.storage.Failures;
import org.ezshop.store.storage.Stamps;
import org.ezshop.store.storage.Transactions;
import org.ezshop.store.storage.Tx;
import org.ezshop.store.v1.Store;

/**
 * A chain's stores, and which store a record or a call is about. A call may be bound to one store (a gateway's
 * calls are bound to the store it serves); "" is unbound: every store.
 */
public final class Stores {

  /** The store of every record that names none, so that a platform that never made a store has one. */
  public static final String DEFAULT = "default";
  public static final String ID = "[a-z0-9-]{1,40}";

  private final Transactions store;

  public Stores(Transactions store) {
    this.store = store;
  }

  /** A record's store: empty is the default store. */
  public static String of(String storeId) {
    return storeId.isEmpty() ? DEFAULT : storeId;
  }

  /** The store a call asks about: the one it names, else the one it is bound to ("" for every store). */
  public static String scope(String bound, String named) {
    if (named.isEmpty()) {
      return bound;
    }
    if (!bound.isEmpty() && !bound.equals(named)) {
      throw Failures.denied("this call is bound to store " + bound + ", not to store " + named);
    }
    return named;
  }

  /** PERMISSION_DENIED unless a call bound to a store touches only that store's records. */
  public static void same(String bound, String recordStore, String what) {
    if (!bound.isEmpty() && !of(recordStore).equals(bound)) {
      throw Failures.denied(what + " is store " + of(recordStore) + "'s; this call is bound to store " + bound);
    }
  }

  /** Whether the record is in the store a call asks about ("" for every store). */
  public static boolean in(String scope, String recordStore) {
    return scope.isEmpty() || of(recordStore).equals(scope);
  }

  public Future<Store> create(Store requested) {
    Store created = requested.toBuilder().setCreatedAt(Stamps.now()).build();
    return store.inTx(tx -> tx.catalogue().insertStore(created).map(created)).recover(failure -> failedFuture(
        failure instanceof Tx.Conflict ? Failures.exists(failure.getMessage()) : failure));
  }

  public Future<List<Store>> list() {
    return store.inTx(tx -> tx.catalogue().stores());
  }

  /** FAILED_PRECONDITION naming the store, when there is no such store. */
  static Future<Void> exists(Tx tx, String storeId) {
    return tx.catalogue().stores().compose(all -> all.stream().anyMatch(s -> s.getStoreId().equals(storeId))
        ? succeededFuture() : failedFuture(Failures.precondition("no store " + storeId + ": CreateStore makes one")));
  }
}
