package org.ezshop.gateway.fusion;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;

/** Pending changes as rows of {@code gateway.pending_changes}, so that any gateway process can take them over. */
final class PendingRows implements PendingStore {

  private final Pool pool;

  private PendingRows(Pool pool) {
    this.pool = pool;
  }

  /** Migrates (on a worker), then connects. */
  static Future<PendingStore> open(Vertx vertx, String url) {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    return vertx.executeBlocking(() -> {
      Flyway.configure()
          .dataSource("jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase(),
              options.getUser(), options.getPassword())
          .schemas("gateway")
          .locations("classpath:db/gateway")
          .load()
          .migrate();
      return new PendingRows(PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(options)
          .using(vertx).build());
    });
  }

  @Override
  public Future<Void> put(String key, byte[] body) {
    return pool.preparedQuery("INSERT INTO gateway.pending_changes (key, body) VALUES ($1, $2) "
            + "ON CONFLICT (key) DO UPDATE SET body = EXCLUDED.body, kept_at = now()")
        .execute(Tuple.of(key, Buffer.buffer(body))).mapEmpty();
  }

  @Override
  public Future<Void> delete(String key) {
    return pool.preparedQuery("DELETE FROM gateway.pending_changes WHERE key = $1").execute(Tuple.of(key)).mapEmpty();
  }

  @Override
  public Future<List<byte[]>> all() {
    return pool.query("SELECT body FROM gateway.pending_changes ORDER BY key").execute().map(rows -> {
      List<byte[]> bodies = new ArrayList<>();
      rows.forEach(row -> bodies.add(row.getBuffer(0).getBytes()));
      return bodies;
    });
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }
}
