package org.ezshop.load.store;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.ezshop.common.v1.Money;
import org.ezshop.load.ClientAuth;
import org.ezshop.load.Phase;
import org.ezshop.store.v1.ApplyCartEventRequest;
import org.ezshop.store.v1.CartEvent;
import org.ezshop.store.v1.CartEventCause;
import org.ezshop.store.v1.CreateItemRequest;
import org.ezshop.store.v1.EnterStoreRequest;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.RegisterShopperRequest;
import org.ezshop.store.v1.StoreServiceGrpc;

/**
 * ApplyCartEvent through store-svc's public API at N concurrent clients (closed loop, one shopper and one item
 * per client), beside the floor it stands on: a raw INSERT ... ON CONFLICT + UPDATE transaction loop over
 * vertx-pg-client on the same database, at the same concurrency, in the same run; and the same calls to a
 * store-svc on the in-memory store, the cost of the gRPC round trip alone.
 */
public final class CartEventBenchmark {

  /**
   * The phases and their ratios. {@code grpcOnly} is the same calls against a store-svc on the in-memory store:
   * what the gRPC round trip alone costs on this machine, to read the main ratio against.
   */
  public record Result(int clients, Phase store, Phase raw, Phase grpcOnly) {
    public double ratio() {
      return store.perSecond() / raw.perSecond();
    }

    @Override
    public String toString() {
      return store + "\n" + raw + "\n" + grpcOnly
          + String.format("%nratio store-svc / raw loop: %.0f%% at %d clients", 100 * ratio(), clients)
          + String.format("%nratio in-memory store-svc / raw loop: %.0f%%", 100 * grpcOnly.perSecond() / raw.perSecond());
    }
  }

  private CartEventBenchmark() {
  }

  /**
   * @param poolSize connections of the raw loop; give it store-svc's pool size so both have the same database access
   */
  public static Result run(Vertx vertx, String storeHost, int storePort, int memoryStorePort, String managerToken,
      String pgUrl, int clients, int poolSize, int seconds) throws Exception {
    Phase store = storePhase("store-svc ApplyCartEvent", storeHost, storePort, managerToken, clients, seconds);
    Phase raw = rawPhase(vertx, pgUrl, clients, poolSize, seconds);
    Phase grpcOnly = storePhase("in-memory store-svc", storeHost, memoryStorePort, managerToken, clients, seconds);
    return new Result(clients, store, raw, grpcOnly);
  }

  private static Phase storePhase(String name, String host, int port, String token, int clients, int seconds)
      throws Exception {
    List<ManagedChannel> channels = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    Recorder latencies = new Recorder(3);
    AtomicLong done = new AtomicLong();
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean running = new AtomicBoolean(true);
    String run = UUID.randomUUID().toString().substring(0, 8);
    for (int c = 0; c < clients; c++) {
      ManagedChannel channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().directExecutor().build();
      channels.add(channel);
      StoreServiceGrpc.StoreServiceBlockingStub stub = StoreServiceGrpc.newBlockingStub(channel)
          .withInterceptors(ClientAuth.bearer(token));
      String sku = "bench-" + run + "-" + c;
      stub.createItem(CreateItemRequest.newBuilder().setItem(Item.newBuilder().setSku(sku).setName("Bench " + c)
          .setStock(100_000_000).setPrice(Money.newBuilder().setMinorUnits(100).setCurrency("USD"))).build());
      String shopper = stub.registerShopper(RegisterShopperRequest.newBuilder().setName("Bench " + c)
          .setFaceId("bench-face-" + run + "-" + c).build()).getShopper().getShopperId();
      stub.enterStore(EnterStoreRequest.newBuilder().setShopperId(shopper).build());
      Thread thread = new Thread(() -> {
        for (long i = 0; running.get(); i++) {
          CartEvent event = CartEvent.newBuilder().setIdempotencyKey("bench:" + sku + ":" + i).setShopperId(shopper)
              .setSku(sku).setQuantityDelta(1).setConfidence(1).setCause(CartEventCause.CART_EVENT_CAUSE_SHELF).build();
          long start = System.nanoTime();
          stub.withDeadlineAfter(30, TimeUnit.SECONDS).applyCartEvent(ApplyCartEventRequest.newBuilder().setEvent(event).build());
          if (measuring.get()) {
            latencies.recordValue((System.nanoTime() - start) / 1000);
            done.incrementAndGet();
          }
        }
      }, "bench-store-" + c);
      threads.add(thread);
    }
    try {
      return Phase.measure(name, threads, measuring, running, done, latencies, seconds);
    } finally {
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static Phase rawPhase(Vertx vertx, String pgUrl, int clients, int poolSize, int seconds) throws Exception {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(poolSize))
        .connectingTo(PgConnectOptions.fromUri(pgUrl).setCachePreparedStatements(true)).using(vertx).build();
    try {
      pool.query("CREATE TABLE IF NOT EXISTS bench_events (key text PRIMARY KEY, sku text NOT NULL, delta int NOT NULL)")
          .execute().compose(v -> pool.query("CREATE TABLE IF NOT EXISTS bench_stock (sku text PRIMARY KEY, stock bigint)")
              .execute()).await(30, TimeUnit.SECONDS);
      String run = UUID.randomUUID().toString().substring(0, 8);
      Recorder latencies = new Recorder(3);
      AtomicLong done = new AtomicLong();
      AtomicBoolean measuring = new AtomicBoolean();
      AtomicBoolean running = new AtomicBoolean(true);
      List<Promise<Void>> stopped = new ArrayList<>();
      List<Thread> starters = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        String sku = "raw-" + run + "-" + c;
        pool.preparedQuery("INSERT INTO bench_stock VALUES ($1, 100000000)").execute(Tuple.of(sku)).await(30, TimeUnit.SECONDS);
        Promise<Void> stop = Promise.promise();
        stopped.add(stop);
        starters.add(new Thread(() -> vertx.runOnContext(v -> rawLoop(pool, sku, 0, running, measuring, done, latencies, stop))));
      }
      Phase phase = Phase.measure("raw INSERT+UPDATE loop", starters, measuring, running, done, latencies, seconds);
      Future.all(stopped.stream().map(Promise::future).toList()).await(30, TimeUnit.SECONDS);
      return phase;
    } finally {
      pool.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static void rawLoop(Pool pool, String sku, long i, AtomicBoolean running, AtomicBoolean measuring,
      AtomicLong done, Recorder latencies, Promise<Void> stopped) {
    if (!running.get()) {
      stopped.complete();
      return;
    }
    long start = System.nanoTime();
    pool.withTransaction(conn -> conn
            .preparedQuery("INSERT INTO bench_events VALUES ($1, $2, 1) ON CONFLICT (key) DO NOTHING")
            .execute(Tuple.of("raw:" + sku + ":" + i, sku))
            .compose(v -> conn.preparedQuery("UPDATE bench_stock SET stock = stock - 1 WHERE sku = $1").execute(Tuple.of(sku))))
        .onComplete(ar -> {
          if (ar.failed()) {
            stopped.fail(ar.cause());
            return;
          }
          if (measuring.get()) {
            latencies.recordValue((System.nanoTime() - start) / 1000);
            done.incrementAndGet();
          }
          rawLoop(pool, sku, i + 1, running, measuring, done, latencies, stopped);
        });
  }
}
