package org.ezshop.store.feed;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.streams.WriteStream;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import org.ezshop.store.v1.StoreEvent;

/**
 * One live stream: takes feed events from any thread, writes them on the stream's own context as fast as the
 * client reads (HTTP/2 flow control), and buffers at most {@code limit}. A watcher that falls further behind
 * loses the backlog and gets one resync message (a fresh snapshot) instead, so memory stays bounded.
 */
final class Watcher<T> {

  private final Context context;
  private final WriteStream<T> out;
  private final Function<StoreEvent, Optional<T>> select;
  private final LongFunction<Future<T>> resync;
  private final int limit;
  private final Queue<T> backlog = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicLong skipped = new AtomicLong();
  // Held until start(): nothing from the feed is written before the snapshot.
  private final AtomicBoolean draining = new AtomicBoolean(true);
  private volatile boolean resyncing;
  private Predicate<T> stale = message -> false;

  /**
   * @param select which events this watcher wants, as what message
   * @param resync the message that replaces a lost backlog, given how many events were skipped
   */
  Watcher(Context context, WriteStream<T> out, Function<StoreEvent, Optional<T>> select,
      LongFunction<Future<T>> resync, int limit) {
    this.context = context;
    this.out = out;
    this.select = select;
    this.resync = resync;
    this.limit = limit;
  }

  /** Messages to leave out when their turn to be written comes (e.g. already in the snapshot). */
  Watcher<T> skipping(Predicate<T> stale) {
    this.stale = stale;
    return this;
  }

  /** Feed subscriber: any thread. */
  void offer(StoreEvent event) {
    Optional<T> message = select.apply(event);
    if (message.isEmpty()) {
      return;
    }
    if (size.incrementAndGet() > limit) {
      size.decrementAndGet();
      skipped.incrementAndGet();
      return;
    }
    backlog.add(message.get());
    if (draining.compareAndSet(false, true)) {
      context.runOnContext(v -> drain());
    }
  }

  /** Writes the first message (a snapshot), if any, then whatever the feed brought meanwhile. */
  void start(Optional<T> first) {
    context.runOnContext(v -> {
      first.ifPresent(out::write);
      drain();
    });
  }

  private void drain() {
    while (!out.writeQueueFull()) {
      if (skipped.get() > 0) {
        resyncNow();
        return;
      }
      T next = backlog.poll();
      if (next == null) {
        draining.set(false);
        // An offer may have slipped in between poll and set: take it now rather than strand it.
        if (!backlog.isEmpty() && draining.compareAndSet(false, true)) {
          continue;
        }
        return;
      }
      size.decrementAndGet();
      if (!stale.test(next)) {
        out.write(next);
      }
    }
    out.drainHandler(v -> drain());
  }

  private void resyncNow() {
    if (resyncing) {
      return;
    }
    resyncing = true;
    long lost = skipped.getAndSet(0);
    while (backlog.poll() != null) {
      size.decrementAndGet();
      lost++;
    }
    resync.apply(lost).onComplete(ar -> {
      resyncing = false;
      if (ar.succeeded()) {
        out.write(ar.result());
        drain();
      } else {
        out.end();
      }
    });
  }
}
