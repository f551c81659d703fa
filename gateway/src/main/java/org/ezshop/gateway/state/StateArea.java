package org.ezshop.gateway.state;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** One area of the gateway's state: a body per key; writes of one key land in the order they were asked for. */
public final class StateArea {

  private final GatewayState.Backend backend;
  private final String area;
  private final Map<String, Future<Void>> writing = new HashMap<>();

  StateArea(GatewayState.Backend backend, String area) {
    this.backend = backend;
    this.area = area;
  }

  public synchronized Future<Void> put(String key, byte[] body) {
    return after(key, () -> backend.put(area, key, body));
  }

  public synchronized Future<Void> delete(String key) {
    return after(key, () -> backend.delete(area, key));
  }

  /** Every body kept, in key order. */
  public Future<List<byte[]>> all() {
    return backend.all(area);
  }

  private Future<Void> after(String key, Supplier<Future<Void>> step) {
    Future<Void> next = writing.getOrDefault(key, Future.succeededFuture()).transform(x -> step.get());
    writing.put(key, next);
    next.onComplete(x -> {
      synchronized (this) {
        writing.remove(key, next);
      }
    });
    return next;
  }
}
