package org.ezshop.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.ezshop.rpc.EventLoops;
import org.ezshop.store.pg.PgTransactions;
import org.ezshop.store.v1.Alert;
import org.ezshop.store.v1.StoreEvent;
import org.junit.jupiter.api.Test;

/** The event journal drops what is older than its retention and this replica has read, and nothing else. */
class JournalRetentionTest {

  @Test
  void rowsOlderThanTheRetentionThatThisReplicaHasReadAreDropped() throws Exception {
    Vertx vertx = EventLoops.vertx();
    String url = TestStores.freshDatabase(vertx);
    PgTransactions store = PgTransactions.start(vertx, url, 2, Duration.ofHours(24)).await(60, TimeUnit.SECONDS);
    Pool sql = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(url)).using(vertx).build();
    try {
      for (String id : new String[] {"old", "new"}) {
        store.inTx(tx -> {
          tx.publish(StoreEvent.newBuilder().setAlert(Alert.newBuilder().setAlertId(id)).build());
          return Future.succeededFuture();
        }).await(10, TimeUnit.SECONDS);
      }
      sql.query("UPDATE store_events SET at = now() - interval '2 days' WHERE event_id = "
          + "(SELECT min(event_id) FROM store_events)").execute().await(10, TimeUnit.SECONDS);

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      int pruned = 0;
      while (pruned == 0 && System.nanoTime() < deadline) { // once this replica has read past the old row
        pruned = store.pruneJournal(Duration.ofHours(24)).await(10, TimeUnit.SECONDS);
      }
      assertEquals(1, pruned, "the row of two days ago");
      assertEquals(0, store.pruneJournal(Duration.ZERO).await(10, TimeUnit.SECONDS),
          "the newest row stays: it is where this replica reads on from");
      assertEquals(1L, sql.query("SELECT count(*) FROM store_events").execute().await(10, TimeUnit.SECONDS)
          .iterator().next().getLong(0));
    } finally {
      sql.close().await(10, TimeUnit.SECONDS);
      store.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
