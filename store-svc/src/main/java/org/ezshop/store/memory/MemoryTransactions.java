package org.ezshop.store.memory;

import com.google.protobuf.Timestamp;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.function.Function;
import org.ezshop.store.storage.EventFeed;
import org.ezshop.store.storage.Transactions;
import org.ezshop.store.storage.Tx;
import org.ezshop.store.v1.StoreEvent;

/**
 * The embedded store for trying EZShop out: everything in this JVM's memory, gone at exit. Transactions run
 * one at a time under a lock and complete synchronously (never blocking: no I/O happens under the lock).
 */
public final class MemoryTransactions implements Transactions {

  private final MemoryState state = new MemoryState();
  private final EventFeed feed = new EventFeed();

  @Override
  public synchronized <T> Future<T> inTx(Function<Tx, Future<T>> work) {
    MemoryTx tx = new MemoryTx(state);
    Future<T> result;
    try {
      result = work.apply(tx);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    if (!result.isComplete()) {
      tx.rollback();
      return Future.failedFuture(new IllegalStateException("a memory transaction must complete synchronously"));
    }
    if (result.failed()) {
      tx.rollback();
    } else {
      Instant now = Instant.now();
      for (StoreEvent event : tx.published) {
        feed.deliver(event.toBuilder().setEventId(state.nextStoreEventId++)
            .setAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano())).build());
      }
    }
    return result;
  }

  /** One at a time under the lock already: nothing can move between the read and the write. */
  @Override
  public <T> Future<T> unlocked(Function<Tx, Future<T>> work) {
    return inTx(work);
  }

  @Override
  public EventFeed feed() {
    return feed;
  }

  @Override
  public Future<Boolean> reachable() {
    return Future.succeededFuture(true);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
