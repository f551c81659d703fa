package org.ezshop.store.storage;

import io.vertx.core.Future;
import java.util.function.Function;
import org.ezshop.store.v1.AuditEntry;

/**
 * The same storage, each transaction also appending one audit entry before it commits: a manager's action and its
 * record are kept whole or not at all.
 */
public final class Audited implements Transactions {

  private final Transactions store;
  private final AuditEntry entry;

  public Audited(Transactions store, AuditEntry entry) {
    this.store = store;
    this.entry = entry;
  }

  @Override
  public <T> Future<T> inTx(Function<Tx, Future<T>> work) {
    return store.inTx(tx -> work.apply(tx).compose(result -> tx.followUps().appendAudit(entry).map(result)));
  }

  @Override
  public <T> Future<T> unlocked(Function<Tx, Future<T>> work) {
    return inTx(work); // an audited action writes its entry too: it takes the locking path
  }

  @Override
  public EventFeed feed() {
    return store.feed();
  }

  @Override
  public Future<Boolean> reachable() {
    return store.reachable();
  }

  @Override
  public Future<Void> close() {
    return store.close();
  }
}
