package org.ezshop.store;

import java.util.Optional;

/**
 * Settings of store-svc.
 *
 * @param host  address to bind
 * @param port  gRPC port (0 picks a free one)
 * @param pgUrl PostgreSQL URL (postgresql://user:pass@host:port/db); empty runs on the in-memory store
 */
public record StoreConfig(String host, int port, Optional<String> pgUrl) {

  public static final int DEFAULT_PORT = 7001;
}
