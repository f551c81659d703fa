package org.ezshop.dist;

import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.ezshop.load.store.CartEventBenchmark;
import org.ezshop.rpc.EventLoops;
import org.ezshop.store.StoreConfig;
import org.ezshop.store.StoreServer;

/** Benchmarks that need a service of ours running in this JVM. */
final class Benchmarks {

  private Benchmarks() {
  }

  /** `ezshop bench-store`: store-svc on PostgreSQL, driven over gRPC on loopback, against the raw SQL loop. */
  static CartEventBenchmark.Result store(Settings settings, PrintStream out) throws Exception {
    StoreConfig config = settings.store();
    String url = config.pgUrl().orElseThrow(() -> new IllegalArgumentException(
        "bench-store measures PostgreSQL: set --pg-url or EZSHOP_PG_URL"));
    Vertx vertx = EventLoops.vertx();
    try {
      StoreServer store = StoreServer.start(vertx, config).await(60, TimeUnit.SECONDS);
      StoreServer memory = StoreServer.start(vertx, new StoreConfig("127.0.0.1", 0, Optional.empty(),
          config.managerToken(), config.sessionSecret())).await(60, TimeUnit.SECONDS);
      try {
        out.printf("bench-store: %d clients, %d s per phase, store-svc on port %d%n", settings.benchClients(),
            settings.benchSeconds(), store.port());
        CartEventBenchmark.Result result = CartEventBenchmark.run(vertx, "127.0.0.1", store.port(), memory.port(),
            config.managerToken(), url, settings.benchClients(), StoreConfig.POOL_SIZE, settings.benchSeconds());
        out.println(result);
        return result;
      } finally {
        memory.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
        store.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
