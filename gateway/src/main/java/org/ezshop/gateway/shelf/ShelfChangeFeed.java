package org.ezshop.gateway.shelf;

import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every shelf change, logged and shown to whoever follows them (metrics, tests), then passed to the next stage. */
public final class ShelfChangeFeed implements ShelfChangeSink {

  private static final Logger LOG = LoggerFactory.getLogger(ShelfChangeFeed.class);

  private final List<Consumer<ShelfChange>> listeners = new CopyOnWriteArrayList<>();
  private final ShelfChangeSink next;

  public ShelfChangeFeed(ShelfChangeSink next) {
    this.next = next;
  }

  @Override
  public Future<Void> accept(ShelfChange change) {
    LOG.info("event=shelf_change row={} sku={} delta={} level={} onset={} settled={} confidence={}",
        change.rowId(), change.sku(), change.delta(), change.level(), change.onsetMillis(), change.settledMillis(),
        String.format("%.2f", change.confidence()));
    listeners.forEach(listener -> listener.accept(change));
    return next.accept(change);
  }

  public void listen(Consumer<ShelfChange> listener) {
    listeners.add(listener);
  }
}
