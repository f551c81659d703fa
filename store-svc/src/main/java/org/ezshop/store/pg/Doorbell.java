package org.ezshop.store.pg;

import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NOTIFY after commit, on its own: PostgreSQL serialises the commits of transactions that NOTIFY, which inside
 * the write transactions would cap the store at one fsync at a time. Rings coalesce: while one NOTIFY is on
 * its way, any number of further rings send just one more.
 */
final class Doorbell {

  private static final Logger LOG = LoggerFactory.getLogger(Doorbell.class);

  private final Pool pool;
  private final String sql;
  private boolean ringing;
  private boolean again;

  Doorbell(Pool pool, String channel) {
    this.pool = pool;
    this.sql = "SELECT pg_notify('" + channel + "', '')";
  }

  synchronized void ring() {
    if (ringing) {
      again = true;
      return;
    }
    ringing = true;
    send();
  }

  private void send() {
    pool.query(sql).execute().onComplete(result -> {
      if (result.failed()) {
        LOG.warn("event=notify_failed error={}", result.cause().getMessage()); // the journal poll catches up
      }
      synchronized (this) {
        if (again) {
          again = false;
          send();
        } else {
          ringing = false;
        }
      }
    });
  }
}
