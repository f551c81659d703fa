package org.ezshop.store;

import io.vertx.core.Future;
import java.util.function.Function;

/** A storage that runs work in transactions: all of it commits, or none of it. */
public interface Transactions {

  <T> Future<T> inTx(Function<Tx, Future<T>> work);

  /** Where committed events come out, for watchers. */
  EventFeed feed();

  /** True while the storage can serve calls. */
  Future<Boolean> reachable();

  Future<Void> close();
}
