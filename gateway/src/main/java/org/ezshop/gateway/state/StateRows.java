package org.ezshop.gateway.state;

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

/** The state as rows of {@code gateway.state}, so that any gateway process on the database can take it over. */
final class StateRows implements GatewayState.Backend {

  private final Pool pool;

  private StateRows(Pool pool) {
    this.pool = pool;
  }

  /** Migrates (on a worker), then connects. */
  static Future<GatewayState.Backend> open(Vertx vertx, String url) {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    return vertx.executeBlocking(() -> {
      Flyway.configure()
          .dataSource("jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase(),
              options.getUser(), options.getPassword())
          .schemas("gateway")
          .locations("classpath:db/gateway")
          .load()
          .migrate();
      return new StateRows(PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(options)
          .using(vertx).build());
    });
  }

  @Override
  public Future<Void> put(String area, String key, byte[] body) {
    return pool.preparedQuery("INSERT INTO gateway.state (area, key, body) VALUES ($1, $2, $3) "
            + "ON CONFLICT (area, key) DO UPDATE SET body = EXCLUDED.body, kept_at = now()")
        .execute(Tuple.of(area, key, Buffer.buffer(body))).mapEmpty();
  }

  @Override
  public Future<Void> delete(String area, String key) {
    return pool.preparedQuery("DELETE FROM gateway.state WHERE area = $1 AND key = $2").execute(Tuple.of(area, key))
        .mapEmpty();
  }

  @Override
  public Future<List<byte[]>> all(String area) {
    return pool.preparedQuery("SELECT body FROM gateway.state WHERE area = $1 ORDER BY key").execute(Tuple.of(area))
        .map(rows -> {
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
