package org.ezshop.load.store;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.HdrHistogram.Recorder;
import org.ezshop.common.v1.Money;
import org.ezshop.load.ClientAuth;
import org.ezshop.load.Phase;
import org.ezshop.store.v1.ApplyCartEventRequest;
import org.ezshop.store.v1.ApplyCartEventResponse;
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
   * The measured rounds (store-svc then the raw loop in each) and their ratio. {@code grpcOnly} is the same calls
   * against a store-svc on the in-memory store: what the gRPC round trip alone costs on this machine.
   */
  public record Result(int clients, List<Phase> store, List<Phase> raw, Phase grpcOnly, List<Phase> replicated) {
    public double ratio() {
      return perSecond(store) / perSecond(raw);
    }

    /** Two store-svc replicas on the one database against one; NaN when not measured. */
    public double replicaRatio() {
      return replicated.isEmpty() ? Double.NaN : perSecond(replicated) / perSecond(store);
    }

    private static double perSecond(List<Phase> phases) {
      return phases.stream().mapToLong(Phase::operations).sum() / phases.stream().mapToDouble(Phase::seconds).sum();
    }

    @Override
    public String toString() {
      return grpcOnly + String.format("%nratio store-svc / raw loop: %.0f%% at %d clients (%.1f / %.1f ops/s over %d rounds)"
          + "%nratio in-memory store-svc / raw loop: %.0f%%", 100 * ratio(), clients, perSecond(store), perSecond(raw),
          store.size(), 100 * grpcOnly.perSecond() / perSecond(raw)) + (replicated.isEmpty() ? ""
          : String.format("%nratio 2 store-svc replicas / 1: %.0f%% (%.1f / %.1f ops/s, the clients split between them)",
              100 * replicaRatio(), perSecond(replicated), perSecond(store)));
    }
  }

  private CartEventBenchmark() {
  }

  /**
   * A warm-up round, then {@code rounds} measured rounds of store-svc and the raw loop in turn, then the in-memory
   * store once. The warm-up matters: on two cores the JIT compiles store-svc's far larger code path (gRPC at both
   * ends, protobuf, the ledger) for over a minute, so store-svc warms up for three phases' time, the raw loop for one.
   *
   * @param poolSize    connections of the raw loop; give it store-svc's pool size so both have the same database access
   * @param replicaPort a second store-svc on the same database, 0 for none; with one, each round also measures the
   *                    clients split between the two
   */
  public static Result run(Vertx vertx, String storeHost, int storePort, int replicaPort, int memoryStorePort,
      String managerToken, String pgUrl, int clients, int poolSize, int seconds, int rounds, PrintStream progress)
      throws Exception {
    List<Phase> store = new ArrayList<>();
    List<Phase> raw = new ArrayList<>();
    List<Phase> replicated = new ArrayList<>();
    for (int round = 0; round <= rounds; round++) {
      String label = round == 0 ? " (warm-up)" : " (round " + round + ")";
      Phase s = storePhase("store-svc ApplyCartEvent" + label, storeHost, managerToken, clients,
          round == 0 ? 3 * seconds : seconds, storePort);
      Phase r = rawPhase("raw INSERT+UPDATE loop" + label, vertx, pgUrl, clients, poolSize, seconds);
      progress.println(s + "\n" + r);
      if (round > 0) {
        store.add(s);
        raw.add(r);
      }
      if (replicaPort > 0) {
        Phase two = storePhase("2 store-svc replicas ApplyCartEvent" + label, storeHost, managerToken, clients,
            seconds, storePort, replicaPort);
        progress.println(two);
        if (round > 0) {
          replicated.add(two);
        }
      }
    }
    Phase grpcOnly = storePhase("in-memory store-svc", storeHost, managerToken, clients, seconds, memoryStorePort);
    return new Result(clients, store, raw, grpcOnly, replicated);
  }

  /** Closed-loop clients: each call starts when the previous one has answered, until the phase ends. */
  private static final class ClosedLoops {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean measuring = new AtomicBoolean();
    private final AtomicLong done = new AtomicLong();
    private final Recorder latencies = new Recorder(3);
    private final List<Thread> starters = new ArrayList<>();
    private final List<Future<Void>> stopped = new ArrayList<>();

    /** Adds a client whose call number i is {@code call.apply(i)}; {@code starter} runs the first call. */
    void add(LongFunction<Future<?>> call, Consumer<Runnable> starter) {
      Promise<Void> stop = Promise.promise();
      stopped.add(stop.future());
      starters.add(new Thread(() -> starter.accept(() -> next(call, 0, stop))));
    }

    private void next(LongFunction<Future<?>> call, long i, Promise<Void> stop) {
      if (!running.get()) {
        stop.complete();
        return;
      }
      long start = System.nanoTime();
      call.apply(i).onComplete(ar -> {
        if (ar.failed()) {
          stop.fail(ar.cause());
          return;
        }
        if (measuring.get()) {
          latencies.recordValue((System.nanoTime() - start) / 1000);
          done.incrementAndGet();
        }
        next(call, i + 1, stop);
      });
    }

    Phase measure(String name, int seconds) throws Exception {
      Phase phase = Phase.measure(name, starters, measuring, running, done, latencies, seconds);
      Future.all(stopped).await(30, TimeUnit.SECONDS);
      return phase;
    }
  }

  // Async calls, each client on its own channel: the load generator spends no thread hand-off per call on the
  // cores it shares with the server.
  /** Client c calls the store-svc at {@code ports[c % ports.length]}. */
  private static Phase storePhase(String name, String host, String token, int clients, int seconds, int... ports)
      throws Exception {
    List<ManagedChannel> channels = new ArrayList<>();
    ClosedLoops loops = new ClosedLoops();
    String run = UUID.randomUUID().toString().substring(0, 8);
    for (int c = 0; c < clients; c++) {
      ManagedChannel channel = NettyChannelBuilder.forAddress(host, ports[c % ports.length]).usePlaintext()
          .directExecutor().build();
      channels.add(channel);
      StoreServiceGrpc.StoreServiceBlockingStub setup = ClientAuth.as(StoreServiceGrpc.newBlockingStub(channel), token);
      String sku = "bench-" + run + "-" + c;
      setup.createItem(CreateItemRequest.newBuilder().setItem(Item.newBuilder().setSku(sku).setName("Bench " + c)
          .setStock(100_000_000).setPrice(Money.newBuilder().setMinorUnits(100).setCurrency("USD"))).build());
      String shopper = setup.registerShopper(RegisterShopperRequest.newBuilder().setName("Bench " + c)
          .setFaceId("bench-face-" + run + "-" + c).build()).getShopper().getShopperId();
      setup.enterStore(EnterStoreRequest.newBuilder().setShopperId(shopper).build());
      StoreServiceGrpc.StoreServiceStub stub = ClientAuth.as(StoreServiceGrpc.newStub(channel), token);
      loops.add(i -> {
        CartEvent event = CartEvent.newBuilder().setIdempotencyKey("bench:" + sku + ":" + i).setShopperId(shopper)
            .setSku(sku).setQuantityDelta(1).setConfidence(1).setCause(CartEventCause.CART_EVENT_CAUSE_SHELF).build();
        Promise<Void> answered = Promise.promise();
        stub.withDeadlineAfter(30, TimeUnit.SECONDS).applyCartEvent(
            ApplyCartEventRequest.newBuilder().setEvent(event).build(), new StreamObserver<>() {
              @Override
              public void onNext(ApplyCartEventResponse response) {
              }

              @Override
              public void onError(Throwable failure) {
                answered.fail(failure);
              }

              @Override
              public void onCompleted() {
                answered.complete();
              }
            });
        return answered.future();
      }, Runnable::run);
    }
    try {
      return loops.measure(name, seconds);
    } finally {
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static Phase rawPhase(String name, Vertx vertx, String pgUrl, int clients, int poolSize, int seconds) throws Exception {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(poolSize))
        .connectingTo(PgConnectOptions.fromUri(pgUrl).setCachePreparedStatements(true)).using(vertx).build();
    try {
      pool.query("CREATE TABLE IF NOT EXISTS bench_events (key text PRIMARY KEY, sku text NOT NULL, delta int NOT NULL)")
          .execute().compose(v -> pool.query("CREATE TABLE IF NOT EXISTS bench_stock (sku text PRIMARY KEY, stock bigint)")
              .execute()).await(30, TimeUnit.SECONDS);
      String run = UUID.randomUUID().toString().substring(0, 8);
      ClosedLoops loops = new ClosedLoops();
      for (int c = 0; c < clients; c++) {
        String sku = "raw-" + run + "-" + c;
        pool.preparedQuery("INSERT INTO bench_stock VALUES ($1, 100000000)").execute(Tuple.of(sku)).await(30, TimeUnit.SECONDS);
        loops.add(i -> pool.withTransaction(conn -> conn
                .preparedQuery("INSERT INTO bench_events VALUES ($1, $2, 1) ON CONFLICT (key) DO NOTHING")
                .execute(Tuple.of("raw:" + sku + ":" + i, sku))
                .compose(v -> conn.preparedQuery("UPDATE bench_stock SET stock = stock - 1 WHERE sku = $1")
                    .execute(Tuple.of(sku)))),
            first -> vertx.runOnContext(v -> first.run()));
      }
      return loops.measure(name, seconds);
    } finally {
      pool.close().await(10, TimeUnit.SECONDS);
    }
  }
}
