package org.ezshop.rpc;

/** The metadata that binds a call to store-svc to one store of a chain; a gateway started with --store-id sends it. */
public final class BoundStore {

  public static final String HEADER = "ezshop-store-id";

  private BoundStore() {
  }
}
