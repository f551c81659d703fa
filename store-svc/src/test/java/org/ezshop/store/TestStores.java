package org.ezshop.store;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.ezshop.testing.TestPostgres;

/** Configs for store-svc under test: the in-memory store, or a fresh PostgreSQL database per test class. */
final class TestStores {

  static final String MANAGER = "manager-token-for-tests";
  static final byte[] SECRET = "a-session-secret-of-32-bytes-for-tests".getBytes(StandardCharsets.UTF_8);

  private TestStores() {
  }

  /** Small, so that tests can make a watcher fall behind. */
  static final int WATCH_BUFFER = 20;

  static StoreConfig memory() {
    return new StoreConfig("127.0.0.1", 0, Optional.empty(), MANAGER, SECRET, WATCH_BUFFER);
  }

  static StoreConfig postgres(String url) {
    return new StoreConfig("127.0.0.1", 0, Optional.of(url), MANAGER, SECRET, WATCH_BUFFER);
  }

  /** Creates an empty database next to EZSHOP_PG_URL's and returns its URL. */
  static String freshDatabase(Vertx vertx) throws Exception {
    String name = "ezshop_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    PgConnectOptions base = PgConnectOptions.fromUri(TestPostgres.url());
    Pool admin = PgBuilder.pool().connectingTo(base).using(vertx).build();
    try {
      admin.query("CREATE DATABASE " + name).execute().await(30, TimeUnit.SECONDS);
    } finally {
      admin.close().await(10, TimeUnit.SECONDS);
    }
    return "postgresql://" + base.getUser() + ":" + base.getPassword() + "@" + base.getHost() + ":" + base.getPort()
        + "/" + name;
  }
}
