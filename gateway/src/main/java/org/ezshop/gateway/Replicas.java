package org.ezshop.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.ServiceName;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * One service's replicas, which share nothing but PostgreSQL. Calls go round the replicas in turn, skipping one
 * that could not be reached or that its health check (each second) did not find SERVING, until a check finds it
 * serving again; when none is known to serve, round all of them.
 */
public final class Replicas {

  static final long CHECK_MILLIS = 1000;

  private final List<SocketAddress> targets;
  private final List<DownstreamHealth> health;
  private final AtomicIntegerArray up;
  private final AtomicInteger turn = new AtomicInteger();
  private Vertx vertx;
  private long timer = -1;

  Replicas(GrpcClient client, List<SocketAddress> targets, ServiceName service) {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no replica of " + service.name());
    }
    this.targets = List.copyOf(targets);
    this.health = targets.stream().map(target -> new DownstreamHealth(client, target, service)).toList();
    this.up = new AtomicIntegerArray(targets.size());
    for (int i = 0; i < targets.size(); i++) {
      up.set(i, 1); // until a check says otherwise
    }
  }

  /** One fixed target, never checked. */
  static Replicas of(SocketAddress target) {
    return new Replicas(null, List.of(target), ServiceName.create("unchecked"));
  }

  /** Checks each replica now and then every {@link #CHECK_MILLIS}, with more than one. */
  void start(Vertx vertx) {
    if (targets.size() > 1) {
      this.vertx = vertx;
      check();
      timer = vertx.setPeriodic(CHECK_MILLIS, t -> check());
    }
  }

  void stop() {
    if (vertx != null) {
      vertx.cancelTimer(timer);
    }
  }

  private void check() {
    for (int i = 0; i < targets.size(); i++) {
      int replica = i;
      health.get(i).serving().onSuccess(serving -> up.set(replica, serving ? 1 : 0));
    }
  }

  /** The next replica in turn that is known to serve (any, when none is). */
  SocketAddress pick() {
    int n = targets.size();
    int first = Math.floorMod(turn.getAndIncrement(), n);
    for (int k = 0; k < n; k++) {
      int i = (first + k) % n;
      if (up.get(i) == 1) {
        return targets.get(i);
      }
    }
    return targets.get(first);
  }

  /** The replica could not be reached: skipped until a check finds it serving. */
  void unreachable(SocketAddress target) {
    int i = targets.indexOf(target);
    if (i >= 0 && targets.size() > 1) {
      up.set(i, 0);
    }
  }

  /**
   * True when a replica serves: one alone is asked now; of several, what the checks each second found (asking them
   * all again for every health probe and /metrics scrape would double that work).
   */
  Future<Boolean> serving() {
    if (targets.size() == 1) {
      return health.get(0).serving();
    }
    for (int i = 0; i < targets.size(); i++) {
      if (up.get(i) == 1) {
        return Future.succeededFuture(true);
      }
    }
    return Future.succeededFuture(false);
  }

  public List<SocketAddress> targets() {
    return targets;
  }

  @Override
  public String toString() {
    return targets.size() == 1 ? targets.get(0).toString() : targets.toString();
  }
}
