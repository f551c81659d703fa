package org.ezshop.store.storage;

import io.vertx.core.Future;
import java.util.function.Function;

/** A storage that runs work in transactions: all of it commits, or none of it. */
public interface Transactions {

  <T> Future<T> inTx(Function<Tx, Future<T>> work);

  /**
   * Runs work that reads with {@link Tx#cartEventState} and then writes once, with {@link Tx#writeCartChange},
   * holding no locks in between: the write re-checks what the read saw and fails with {@link Tx.Stale} if it moved.
   * Half the round trips of a locking transaction, for the common case; the caller falls back to {@link #inTx}.
   */
  <T> Future<T> unlocked(Function<Tx, Future<T>> work);

  /** Where committed events come out, for watchers. */
  EventFeed feed();

  /** True while the storage can serve calls. */
  Future<Boolean> reachable();

  Future<Void> close();
}
