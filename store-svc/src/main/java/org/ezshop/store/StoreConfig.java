package org.ezshop.store;

import java.time.Duration;
import java.util.Optional;
import org.ezshop.rpc.Tls;

/**
 * Settings of store-svc.
 *
 * @param host          address to bind
 * @param port          gRPC port (0 picks a free one)
 * @param pgUrl         PostgreSQL URL (postgresql://user:pass@host:port/db); empty runs on the in-memory store
 * @param managerToken  bearer token of managers and of the services that call store-svc
 * @param sessionSecret key that signs shopper session tokens, shared with the gateway (at least 32 bytes)
 * @param watchBuffer   events a live stream may fall behind by before it is resynced with a snapshot
 * @param journalRetention how long the PostgreSQL event journal (store_events) keeps rows every replica has read
 * @param tls           the server's certificate and key; none: plaintext
 */
public record StoreConfig(String host, int port, Optional<String> pgUrl, String managerToken, byte[] sessionSecret,
    int watchBuffer, Duration journalRetention, Tls tls) {

  public static final int DEFAULT_PORT = 7001;
  public static final int DEFAULT_WATCH_BUFFER = 1000;
  /** Far longer than any replica lags: rows are only read again by a replica catching up. */
  public static final Duration DEFAULT_JOURNAL_RETENTION = Duration.ofHours(24);
  public static final int POOL_SIZE = 8;

  public StoreConfig(String host, int port, Optional<String> pgUrl, String managerToken, byte[] sessionSecret) {
    this(host, port, pgUrl, managerToken, sessionSecret, DEFAULT_WATCH_BUFFER, DEFAULT_JOURNAL_RETENTION, Tls.OFF);
  }
}
