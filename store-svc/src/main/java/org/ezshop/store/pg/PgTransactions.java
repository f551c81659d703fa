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
import io.vertx.sqlclient.Transaction;
import java.net.ConnectException;
import java.time.Duration;
import io.vertx.sqlclient.Tuple;
import java.util.function.Function;
import org.ezshop.store.storage.EventFeed;
import org.ezshop.store.storage.Failures;
import org.ezshop.store.storage.Transactions;
import org.ezshop.store.storage.Tx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store of record on PostgreSQL. Schema through Flyway migrations at start. Each transaction appends its
 * events to the store_events journal; after commit a NOTIFY (the doorbell) tells every replica to read the
 * journal on to its watchers. Reconnects by itself: while the database is away, calls fail with UNAVAILABLE
 * and the feed catches up once it is back.
 */
public final class PgTransactions implements Transactions {

  static final String CHANNEL = "ezshop_events";
  private static final long SAFETY_POLL_MS = 1000;
  private static final long PRUNE_EVERY_MS = 3_600_000;
  private static final Logger LOG = LoggerFactory.getLogger(PgTransactions.class);

  private final Vertx vertx;
  private final Pool pool;
  private final PgSubscriber subscriber;
  private final JournalReader reader;
  private final Doorbell doorbell;
  private final long poll;
  private final long prune;

  private PgTransactions(Vertx vertx, Pool pool, PgSubscriber subscriber, JournalReader reader, Duration retention) {
    this.vertx = vertx;
    this.pool = pool;
    this.subscriber = subscriber;
    this.reader = reader;
    this.doorbell = new Doorbell(pool, CHANNEL);
    // The safety net under NOTIFY: a replica that dies between commit and doorbell is caught up within a second.
    this.poll = vertx.setPeriodic(SAFETY_POLL_MS, t -> reader.catchUp());
    this.prune = vertx.setPeriodic(PRUNE_EVERY_MS, t -> pruneJournal(retention));
  }

  /**
   * Deletes journal rows older than {@code retention} that this replica has delivered: watchers only read what
   * commits while they watch, and a replica further behind than that resyncs its watchers anyway. The count.
   */
  public Future<Integer> pruneJournal(Duration retention) {
    return pool.preparedQuery("DELETE FROM store_events WHERE at < now() - $1 * interval '1 millisecond' "
            + "AND event_id < $2").execute(Tuple.of(retention.toMillis(), reader.deliveredRow()))
        .map(rows -> {
          if (rows.rowCount() > 0) {
            LOG.info("event=journal_pruned rows={} older_than_ms={}", rows.rowCount(), retention.toMillis());
          }
          return rows.rowCount();
        })
        .onFailure(e -> LOG.warn("event=journal_prune_failed error={}", e.getMessage()));
  }

  /** Migrates the schema (on a worker thread: Flyway is JDBC), then connects the pool and the feed. */
  public static Future<PgTransactions> start(Vertx vertx, String url, int poolSize, Duration journalRetention) {
    PgConnectOptions options = PgConnectOptions.fromUri(url).setCachePreparedStatements(true);
    return vertx.executeBlocking(() -> {
      Migrations.apply(options);
      return null;
    }).compose(v -> {
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(poolSize)).connectingTo(options).using(vertx).build();
      PgSubscriber subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 500L);
      JournalReader reader = new JournalReader(vertx, pool, new EventFeed());
      subscriber.channel(CHANNEL)
          .subscribeHandler(x -> { // after every (re)connect: whatever was missed meanwhile
            // A restart of PostgreSQL resets the LISTEN connection; the subscriber reconnects, so a line says it.
            subscriber.actualConnection().exceptionHandler(e -> LOG.info("event=listen_lost error={}",
                e.getMessage()));
            reader.catchUp();
          })
          .handler(payload -> reader.catchUp());
      return reader.startAtEnd()
          .compose(x -> subscriber.connect())
          .map(x -> new PgTransactions(vertx, pool, subscriber, reader, journalRetention))
          .onFailure(e -> {
            pool.close();
            subscriber.close();
          });
    });
  }

  @Override
  public <T> Future<T> inTx(Function<Tx, Future<T>> work) {
    return published(pool.withConnection(conn -> {
      // Unlike Pool.withTransaction, the work's first statements go out right behind BEGIN, not after its answer.
      Future<Transaction> begun = conn.begin();
      PgTx tx = new PgTx(conn, true);
      Future<Journaled<T>> done = run(tx, work);
      return Future.join(begun, done).transform(x -> begun.failed() ? Future.failedFuture(begun.cause())
          : done.succeeded() ? begun.result().commit().map(done.result())
          : begun.result().rollback().transform(y -> Future.failedFuture(done.cause())));
    }));
  }

  @Override
  public <T> Future<T> unlocked(Function<Tx, Future<T>> work) {
    return published(run(new PgTx(pool, false), work));
  }

  private record Journaled<T>(T result, boolean journaled) {
  }

  private static <T> Future<Journaled<T>> run(PgTx tx, Function<Tx, Future<T>> work) {
    return Future.succeededFuture(tx).compose(work)
        .compose(result -> tx.journal().map(journaled -> new Journaled<>(result, journaled)));
  }

  /** After a commit that journalled events: this replica reads them on at once, the doorbell tells the others. */
  private <T> Future<T> published(Future<Journaled<T>> committed) {
    return committed.map(done -> {
      if (done.journaled()) {
        reader.catchUp();
        doorbell.ring();
      }
      return done.result();
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
    vertx.cancelTimer(poll);
    vertx.cancelTimer(prune);
    return subscriber.close().eventually(pool::close);
  }
}
