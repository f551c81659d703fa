package org.ezshop.store.pg;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.ConnectException;
import java.util.function.Function;
import org.ezshop.store.EventFeed;
import org.ezshop.store.Failures;
import org.ezshop.store.Transactions;
import org.ezshop.store.Tx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store of record on PostgreSQL. Schema through Flyway migrations at start; committed events reach every
 * replica's watchers through LISTEN/NOTIFY and the store_events journal. Reconnects by itself: while the
 * database is away, calls fail with UNAVAILABLE and the feed catches up once it is back.
 */
public final class PgTransactions implements Transactions {

  static final String CHANNEL = "ezshop_events";
  static final long JOURNAL_LOCK = 0x65_7a_73_68_6fL; // "ezsho"
  private static final Logger LOG = LoggerFactory.getLogger(PgTransactions.class);

  private final Pool pool;
  private final PgSubscriber subscriber;
  private final JournalReader reader;

  private PgTransactions(Pool pool, PgSubscriber subscriber, JournalReader reader) {
    this.pool = pool;
    this.subscriber = subscriber;
    this.reader = reader;
  }

  /** Migrates the schema (on a worker thread: Flyway is JDBC), then connects the pool and the feed. */
  public static Future<PgTransactions> start(Vertx vertx, String url, int poolSize) {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    return vertx.executeBlocking(() -> {
      Migrations.apply(options);
      return null;
    }).compose(v -> {
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(poolSize)).connectingTo(options).using(vertx).build();
      PgSubscriber subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 500L);
      JournalReader reader = new JournalReader(pool, new EventFeed());
      subscriber.channel(CHANNEL)
          .subscribeHandler(x -> reader.catchUp()) // after every (re)connect: whatever was missed meanwhile
          .handler(payload -> reader.catchUp());
      return reader.startAtEnd()
          .compose(x -> subscriber.connect())
          .map(x -> new PgTransactions(pool, subscriber, reader))
          .onFailure(e -> {
            pool.close();
            subscriber.close();
          });
    });
  }

  @Override
  public <T> Future<T> inTx(Function<Tx, Future<T>> work) {
    return pool.withTransaction(conn -> {
      PgTx tx = new PgTx(conn);
      return work.apply(tx).compose(result -> tx.journal().map(result));
    }).recover(failure -> Future.failedFuture(unreachable(failure)
        ? Failures.unavailable("PostgreSQL is unreachable (" + failure.getMessage() + "); retry") : failure));
  }

  static boolean unreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof ClosedConnectionException) {
        return true;
      }
      if (t instanceof PgException) {
        String state = ((PgException) t).getSqlState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
      }
    }
    return false;
  }

  @Override
  public EventFeed feed() {
    return reader.feed();
  }

  @Override
  public Future<Boolean> reachable() {
    return pool.query("SELECT 1").execute().map(rows -> true).otherwise(false);
  }

  @Override
  public Future<Void> close() {
    LOG.info("event=closing storage=postgresql");
    return subscriber.close().eventually(pool::close);
  }
}
