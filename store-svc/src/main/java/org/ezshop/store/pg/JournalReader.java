package org.ezshop.store.pg;

import com.google.protobuf.Timestamp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.ezshop.store.storage.EventFeed;
import org.ezshop.store.storage.Stamps;
import org.ezshop.store.v1.StoreEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the store_events journal to this replica's feed in id order, one read at a time. A row holds one
 * transaction's events; an event's id is the row's id * {@link #EVENTS_PER_ROW} plus its position. Row ids
 * are taken when a transaction writes its events, not when it commits, so a later id can be visible before an
 * earlier one: the reader stops at such a gap and reads again shortly, until the earlier id shows up or, after
 * {@code GAP_GIVE_UP_MS}, is taken to be a rolled-back transaction's and skipped.
 */
final class JournalReader {

  private static final Logger LOG = LoggerFactory.getLogger(JournalReader.class);
  static final int EVENTS_PER_ROW = 256;
  private static final int BATCH = 500;
  private static final long GAP_RETRY_MS = 5;
  private static final long GAP_GIVE_UP_MS = 5000;

  private final Vertx vertx;
  private final Pool pool;
  private final EventFeed feed;
  private long delivered;
  private long gapSince;
  private boolean reading;
  private boolean again;

  JournalReader(Vertx vertx, Pool pool, EventFeed feed) {
    this.vertx = vertx;
    this.pool = pool;
    this.feed = feed;
  }

  EventFeed feed() {
    return feed;
  }

  /** The newest journal row this replica has delivered; rows before it it will not read again. */
  synchronized long deliveredRow() {
    return delivered;
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
    pool.preparedQuery("SELECT event_id, at, bodies FROM store_events WHERE event_id > $1 ORDER BY event_id LIMIT " + BATCH)
        .execute(Tuple.of(delivered))
        .onComplete(result -> {
          int count = 0;
          boolean gap = false;
          if (result.succeeded()) {
            for (Row row : result.result()) {
              long id = row.getLong("event_id");
              if (id != delivered + 1 && !gapExpired()) {
                gap = true;
                break;
              }
              if (id != delivered + 1) {
                LOG.warn("event=journal_gap_skipped from={} to={}", delivered + 1, id - 1);
              }
              gapSince = 0;
              delivered = id;
              Timestamp at = Stamps.of(row.getOffsetDateTime("at").toInstant());
              Buffer[] bodies = row.getArrayOfBuffers("bodies");
              for (int i = 0; i < bodies.length; i++) {
                feed.deliver(PgTx.parse(StoreEvent.parser(), bodies[i]).toBuilder()
                    .setEventId(id * EVENTS_PER_ROW + i).setAt(at).build());
              }
              count++;
            }
          } else {
            LOG.warn("event=journal_read_failed error={}", result.cause().getMessage());
          }
          next(count == BATCH, gap);
        });
  }

  private boolean gapExpired() {
    long now = System.currentTimeMillis();
    if (gapSince == 0) {
      gapSince = now;
    }
    return now - gapSince > GAP_GIVE_UP_MS;
  }

  private synchronized void next(boolean more, boolean gap) {
    if (gap) {
      again = false;
      vertx.setTimer(GAP_RETRY_MS, t -> read());
    } else if (more || again) {
      again = false;
      read();
    } else {
      reading = false;
    }
  }
}
