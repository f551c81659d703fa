package org.ezshop.store.pg;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.ezshop.store.EventFeed;
import org.ezshop.store.v1.StoreEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the store_events journal past what this replica has delivered, one read at a time, in id order. */
final class JournalReader {

  private static final Logger LOG = LoggerFactory.getLogger(JournalReader.class);
  private static final int BATCH = 500;

  private final Pool pool;
  private final EventFeed feed;
  private long delivered;
  private boolean reading;
  private boolean again;

  JournalReader(Pool pool, EventFeed feed) {
    this.pool = pool;
    this.feed = feed;
  }

  EventFeed feed() {
    return feed;
  }

  /** Watchers see what commits from now on, not the history. */
  Future<Void> startAtEnd() {
    return pool.query("SELECT coalesce(max(event_id), 0) FROM store_events").execute()
        .map(rows -> {
          delivered = rows.iterator().next().getLong(0);
          return null;
        });
  }

  /** Called on every notification and reconnect; coalesces while a read is under way. */
  synchronized void catchUp() {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    read();
  }

  private void read() {
    pool.preparedQuery("SELECT event_id, at, body FROM store_events WHERE event_id > $1 ORDER BY event_id LIMIT " + BATCH)
        .execute(Tuple.of(delivered))
        .onComplete(result -> {
          int count = 0;
          if (result.succeeded()) {
            for (Row row : result.result()) {
              StoreEvent event = PgTx.parse(StoreEvent.parser(), row.getBuffer("body")).toBuilder()
                  .setEventId(row.getLong("event_id"))
                  .setAt(org.ezshop.store.Stamps.of(row.getOffsetDateTime("at").toInstant()))
                  .build();
              delivered = event.getEventId();
              feed.deliver(event);
              count++;
            }
          } else {
            LOG.warn("event=journal_read_failed error={}", result.cause().getMessage());
          }
          synchronized (this) {
            if (count == BATCH || again) {
              again = false;
              read();
            } else {
              reading = false;
            }
          }
        });
  }
}
