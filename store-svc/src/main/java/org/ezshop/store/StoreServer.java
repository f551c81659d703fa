package org.ezshop.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.ezshop.rpc.GrpcEndpoint;
import org.ezshop.store.v1.StoreServiceGrpcService;
import org.ezshop.store.v1.StoreServiceService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** store-svc: the store of record, served over gRPC. */
public final class StoreServer {

  private static final Logger LOG = LoggerFactory.getLogger(StoreServer.class);
  private static final long MAX_MESSAGE_BYTES = 1 << 20;

  private final GrpcEndpoint endpoint;
  private final Optional<Pool> pool;

  private StoreServer(GrpcEndpoint endpoint, Optional<Pool> pool) {
    this.endpoint = endpoint;
    this.pool = pool;
  }

  public static Future<StoreServer> start(Vertx vertx, StoreConfig config) {
    Optional<Pool> pool = config.pgUrl().map(url -> PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(8))
        .connectingTo(PgConnectOptions.fromUri(url))
        .using(vertx)
        .build());
    // No StoreService method is bound yet: calls answer UNIMPLEMENTED while reflection lists the whole API.
    return GrpcEndpoint.start(vertx, config.host(), config.port(), MAX_MESSAGE_BYTES,
            List.of(StoreServiceGrpcService.builder(new StoreServiceService()).build()))
        .map(endpoint -> {
          pool.ifPresent(p -> endpoint.health().register(StoreServiceGrpcService.SERVICE_NAME, () -> reachable(p)));
          LOG.info("event=started service=store-svc port={} storage={}", endpoint.port(),
              pool.isPresent() ? "postgresql" : "memory");
          return new StoreServer(endpoint, pool);
        });
  }

  public int port() {
    return endpoint.port();
  }

  public Future<Void> close(Duration grace) {
    return endpoint.close(grace).compose(v -> pool.map(Pool::close).orElse(Future.succeededFuture()));
  }

  // SERVING only while PostgreSQL answers.
  private static Future<Boolean> reachable(Pool pool) {
    return pool.query("SELECT 1").execute().map(rows -> true).otherwise(false);
  }
}
