package org.ezshop.gateway.state;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** What the gateway keeps in its {@link StatePlace}, by area (e.g. "pending", "levels"), opened once. */
public final class GatewayState {

  /** How a place stores bodies; each call may run on any thread. */
  interface Backend {
    Future<Void> put(String area, String key, byte[] body);

    Future<Void> delete(String area, String key);

    /** Every body of the area, in key order. */
    Future<List<byte[]>> all(String area);

    Future<Void> close();
  }

  private final Backend backend;

  private GatewayState(Backend backend) {
    this.backend = backend;
  }

  /** Opens the place; PostgreSQL is migrated first. */
  public static Future<GatewayState> open(Vertx vertx, StatePlace place) {
    if (place instanceof StatePlace.Directory d) {
      return Future.succeededFuture(new GatewayState(new StateFiles(vertx, d.dir())));
    }
    if (place instanceof StatePlace.Postgres p) {
      return StateRows.open(vertx, p.url()).map(GatewayState::new);
    }
    return Future.succeededFuture(new GatewayState(new Nowhere()));
  }

  /** In memory: nothing kept, nothing found. */
  public static GatewayState inMemory() {
    return new GatewayState(new Nowhere());
  }

  public StateArea area(String name) {
    return new StateArea(backend, name);
  }

  public Future<Void> close() {
    return backend.close();
  }

  /** Memory only: the callers keep what they need themselves. */
  private static final class Nowhere implements Backend {
    public Future<Void> put(String area, String key, byte[] body) {
      return Future.succeededFuture();
    }

    public Future<Void> delete(String area, String key) {
      return Future.succeededFuture();
    }

    public Future<List<byte[]>> all(String area) {
      return Future.succeededFuture(List.of());
    }

    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }
}
