package org.ezshop.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.ezshop.rpc.GrpcEndpoint;
import org.ezshop.rpc.SessionTokens;
import org.ezshop.store.memory.MemoryTransactions;
import org.ezshop.store.pg.PgTransactions;
import org.ezshop.store.storage.Transactions;
import org.ezshop.store.v1.StoreServiceGrpcService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** store-svc: the store of record, served over gRPC, on PostgreSQL or in memory. */
public final class StoreServer {

  private static final Logger LOG = LoggerFactory.getLogger(StoreServer.class);
  private static final long MAX_MESSAGE_BYTES = 1 << 20;

  private final GrpcEndpoint endpoint;
  private final Transactions store;

  private StoreServer(GrpcEndpoint endpoint, Transactions store) {
    this.endpoint = endpoint;
    this.store = store;
  }

  public static Future<StoreServer> start(Vertx vertx, StoreConfig config) {
    Access access = new Access(config.managerToken(), new SessionTokens(config.sessionSecret()));
    Future<Transactions> storage = config.pgUrl()
        .<Future<Transactions>>map(url -> PgTransactions.start(vertx, url, StoreConfig.POOL_SIZE,
            config.journalRetention()).map(pg -> pg))
        .orElseGet(() -> Future.succeededFuture(new MemoryTransactions()));
    return storage.compose(store -> GrpcEndpoint.start(vertx, config.host(), config.port(), MAX_MESSAGE_BYTES,
            List.of(new StoreApi(vertx, access, store, config.watchBuffer())), config.tls())
        .map(endpoint -> {
          endpoint.health().register(StoreServiceGrpcService.SERVICE_NAME, store::reachable);
          LOG.info("event=started service=store-svc port={} storage={}", endpoint.port(),
              config.pgUrl().isPresent() ? "postgresql" : "memory");
          return new StoreServer(endpoint, store);
        })
        .onFailure(e -> store.close()));
  }

  public int port() {
    return endpoint.port();
  }

  public Future<Void> close(Duration grace) {
    return endpoint.close(grace).eventually(store::close);
  }
}
