package org.ezshop.store;

import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.ezshop.rpc.Tls;
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
    return new StoreConfig("127.0.0.1", 0, Optional.empty(), MANAGER, SECRET, WATCH_BUFFER,
        StoreConfig.DEFAULT_JOURNAL_RETENTION, Tls.OFF);
  }

  static StoreConfig postgres(String url) {
    return new StoreConfig("127.0.0.1", 0, Optional.of(url), MANAGER, SECRET, WATCH_BUFFER,
        StoreConfig.DEFAULT_JOURNAL_RETENTION, Tls.OFF);
  }

  static String freshDatabase(Vertx vertx) throws Exception {
    return TestPostgres.freshDatabase(vertx);
  }
}
