package org.ezshop.gateway.shelf;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The last shelf changes in memory, logged and handed to listeners; what the gateway does with them for now. */
public final class RecentShelfChanges implements ShelfChangeSink {

  private static final Logger LOG = LoggerFactory.getLogger(RecentShelfChanges.class);

  private final int keep;
  private final ArrayDeque<ShelfChange> recent = new ArrayDeque<>();
  private final List<Consumer<ShelfChange>> listeners = new CopyOnWriteArrayList<>();

  public RecentShelfChanges(int keep) {
    this.keep = keep;
  }

  @Override
  public Future<Void> accept(ShelfChange change) {
    LOG.info("event=shelf_change row={} sku={} delta={} level={} at={} confidence={}", change.rowId(), change.sku(),
        change.delta(), change.level(), change.atMillis(), String.format("%.2f", change.confidence()));
    synchronized (recent) {
      recent.addLast(change);
      if (recent.size() > keep) {
        recent.removeFirst();
      }
    }
    listeners.forEach(listener -> listener.accept(change));
    return Future.succeededFuture();
  }

  public void listen(Consumer<ShelfChange> listener) {
    listeners.add(listener);
  }

  public List<ShelfChange> recent() {
    synchronized (recent) {
      return new ArrayList<>(recent);
    }
  }
}
