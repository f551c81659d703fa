package org.ezshop.gateway;

import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.ServiceName;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service's replicas, which share nothing but PostgreSQL. Calls go round the replicas in turn, skipping one
 * that could not be reached or that its health check (each second) did not find SERVING, until a check finds it
 * serving again; when none is known to serve, round all of them. A target given by host name is looked up every
 * {@link #RESOLVE_MILLIS}: a name with several addresses (a DNS name with an address per replica) is a replica per
 * address, reached by address, so with TLS each replica's certificate must cover its address (`--tls auto` covers the
 * host's own); a name with one address is reached by name, as given.
 */
public final class Replicas {

  static final long CHECK_MILLIS = 1000;
  static final long RESOLVE_MILLIS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(Replicas.class);

  private final GrpcClient client;
  private final ServiceName service;
  private final List<SocketAddress> configured;
  // Per target given, its addresses at the last lookup that succeeded (itself until then).
  private final List<List<SocketAddress>> lastKnown = new ArrayList<>();
  private volatile Members members;
  private final AtomicInteger turn = new AtomicInteger();
  private Vertx vertx;
  private long timer = -1;
  private long ticks;

  /** The replicas known now, each with its health check and whether it was last found serving. */
  private record Members(List<SocketAddress> targets, List<DownstreamHealth> health, AtomicIntegerArray up) {

    static Members of(GrpcClient client, ServiceName service, List<SocketAddress> targets, Members before) {
      AtomicIntegerArray up = new AtomicIntegerArray(targets.size());
      for (int i = 0; i < targets.size(); i++) {
        int was = before == null ? -1 : before.targets.indexOf(targets.get(i));
        up.set(i, was < 0 ? 1 : before.up.get(was)); // a new one is up until a check says otherwise
      }
      return new Members(List.copyOf(targets), targets.stream()
          .map(target -> new DownstreamHealth(client, target, service)).toList(), up);
    }
  }

  Replicas(GrpcClient client, List<SocketAddress> targets, ServiceName service) {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no replica of " + service.name());
    }
    this.client = client;
    this.service = service;
    this.configured = List.copyOf(targets);
    configured.forEach(target -> lastKnown.add(List.of(target)));
    this.members = Members.of(client, service, configured, null);
  }

  /** One fixed target, never checked. */
  static Replicas of(SocketAddress target) {
    return new Replicas(null, List.of(target), ServiceName.create("unchecked"));
  }

  /** Looks names up and checks each replica, now and then periodically; one fixed address is never checked. */
  void start(Vertx vertx) {
    if (configured.size() > 1 || configured.stream().anyMatch(Replicas::named)) {
      this.vertx = vertx;
      resolve();
      timer = vertx.setPeriodic(CHECK_MILLIS, t -> {
        if (++ticks % (RESOLVE_MILLIS / CHECK_MILLIS) == 0) {
          resolve();
        } else {
          check();
        }
      });
    }
  }

  void stop() {
    if (vertx != null) {
      vertx.cancelTimer(timer);
    }
  }

  private static boolean named(SocketAddress target) {
    return !NetUtil.isValidIpV4Address(target.host()) && !NetUtil.isValidIpV6Address(target.host());
  }

  // The JDK's resolver (/etc/hosts, then DNS) blocks: a worker's job. A name that does not resolve keeps what it had.
  private void resolve() {
    vertx.executeBlocking(() -> {
      List<SocketAddress> now = new ArrayList<>();
      for (int t = 0; t < configured.size(); t++) {
        SocketAddress target = configured.get(t);
        if (named(target)) {
          try {
            List<SocketAddress> addresses = new ArrayList<>();
            for (InetAddress address : InetAddress.getAllByName(target.host())) {
              addresses.add(SocketAddress.inetSocketAddress(target.port(), address.getHostAddress()));
            }
            lastKnown.set(t, addresses.size() == 1 ? List.of(target) : addresses); // one: TLS checks the name
          } catch (UnknownHostException e) {
            LOG.warn("event=replica_name_unresolved service={} target={}", service.name(), target);
          }
        }
        now.addAll(lastKnown.get(t));
      }
      return now;
    }, true).onSuccess(now -> {
      if (!now.equals(members.targets)) {
        LOG.info("event=replicas_changed service={} replicas={}", service.name(), now);
        members = Members.of(client, service, now, members);
      }
      check();
    });
  }

  private void check() {
    Members now = members;
    for (int i = 0; i < now.targets.size(); i++) {
      int replica = i;
      now.health.get(i).serving().onSuccess(serving -> now.up.set(replica, serving ? 1 : 0));
    }
  }

  /** The next replica in turn that is known to serve (any, when none is). */
  SocketAddress pick() {
    Members now = members;
    int n = now.targets.size();
    int first = Math.floorMod(turn.getAndIncrement(), n);
    for (int k = 0; k < n; k++) {
      int i = (first + k) % n;
      if (now.up.get(i) == 1) {
        return now.targets.get(i);
      }
    }
    return now.targets.get(first);
  }

  /** The replica could not be reached: skipped until a check finds it serving. */
  void unreachable(SocketAddress target) {
    Members now = members;
    int i = now.targets.indexOf(target);
    if (i >= 0 && now.targets.size() > 1) {
      now.up.set(i, 0);
    }
  }

  /**
   * True when a replica serves: one alone is asked now; of several, what the checks each second found (asking them
   * all again for every health probe and /metrics scrape would double that work).
   */
  Future<Boolean> serving() {
    Members now = members;
    if (now.targets.size() == 1) {
      return now.health.get(0).serving();
    }
    for (int i = 0; i < now.targets.size(); i++) {
      if (now.up.get(i) == 1) {
        return Future.succeededFuture(true);
      }
    }
    return Future.succeededFuture(false);
  }

  /** The replicas known now: the targets given, each name replaced by its addresses once looked up. */
  public List<SocketAddress> targets() {
    return members.targets;
  }

  @Override
  public String toString() {
    List<SocketAddress> now = members.targets;
    return now.size() == 1 ? now.get(0).toString() : now.toString();
  }
}
