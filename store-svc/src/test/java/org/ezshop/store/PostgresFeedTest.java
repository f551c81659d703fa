package org.ezshop.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ezshop.common.v1.Money;
import org.ezshop.rpc.EventLoops;
import org.ezshop.store.v1.*;
import org.junit.jupiter.api.Test;

/** LISTEN/NOTIFY: a commit reaches watchers on this replica and on another store-svc process on the same database. */
class PostgresFeedTest {

  private static final int PICKS = 50;

  @Test
  void aPickReachesWatchersOnBothReplicas() throws Exception {
    Vertx vertx = EventLoops.vertx();
    String url = TestStores.freshDatabase(vertx);
    StoreServer local = StoreServer.start(vertx, TestStores.postgres(url)).await(60, TimeUnit.SECONDS);
    Process replica = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), StoreReplicaMain.class.getName(), url)
        .redirectErrorStream(true).start();
    try (StoreClient here = new StoreClient(local.port()); StoreClient there = new StoreClient(replicaPort(replica));
         Streams<CartUpdate> hereUpdates = new Streams<>(); Streams<CartUpdate> thereUpdates = new Streams<>()) {
      StoreServiceGrpc.StoreServiceBlockingStub manager = here.manager();
      Item soda = manager.createItem(CreateItemRequest.newBuilder().setItem(Item.newBuilder().setSku("soda").setName("Soda")
          .setStock(1000).setPrice(Money.newBuilder().setMinorUnits(125).setCurrency("USD"))).build()).getItem();
      Shopper ana = manager.registerShopper(RegisterShopperRequest.newBuilder().setName("Ana").setFaceId("face-ana").build())
          .getShopper();
      manager.enterStore(EnterStoreRequest.newBuilder().setShopperId(ana.getShopperId()).build());
      WatchCartRequest watch = WatchCartRequest.newBuilder().setShopperId(ana.getShopperId()).build();
      hereUpdates.context.run(() -> here.shopperAsync(ana.getShopperId()).watchCart(watch, hereUpdates));
      thereUpdates.context.run(() -> there.shopperAsync(ana.getShopperId()).watchCart(watch, thereUpdates));
      assertTrue(hereUpdates.next().getSnapshot());
      assertTrue(thereUpdates.next().getSnapshot());

      List<Long> hereMicros = new ArrayList<>();
      List<Long> thereMicros = new ArrayList<>();
      for (int i = 1; i <= PICKS; i++) {
        CartEvent pick = StoreContract.event(ana, soda, 1);
        manager.applyCartEvent(ApplyCartEventRequest.newBuilder().setEvent(pick).build());
        long committed = System.nanoTime();
        CartUpdate seenHere = hereUpdates.next();
        hereMicros.add((System.nanoTime() - committed) / 1000);
        CartUpdate seenThere = thereUpdates.next();
        thereMicros.add((System.nanoTime() - committed) / 1000);
        assertEquals(pick.getIdempotencyKey(), seenHere.getEvent().getIdempotencyKey());
        assertEquals(pick.getIdempotencyKey(), seenThere.getEvent().getIdempotencyKey());
        assertEquals(i, seenThere.getCart().getLines(0).getQuantity());
      }
      System.out.printf("feed latency after commit, %d picks: this replica p50 %.1f ms p99 %.1f ms; "
              + "other process p50 %.1f ms p99 %.1f ms%n", PICKS, pct(hereMicros, 50), pct(hereMicros, 99),
          pct(thereMicros, 50), pct(thereMicros, 99));
    } finally {
      replica.getOutputStream().close();
      replica.waitFor(10, TimeUnit.SECONDS);
      replica.destroyForcibly();
      local.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static int replicaPort(Process replica) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(replica.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith("replica port ")) {
        return Integer.parseInt(line.substring("replica port ".length()));
      }
      seen.append(line).append('\n');
    }
    throw new AssertionError("the replica did not start:\n" + seen);
  }

  static double pct(List<Long> micros, int percentile) {
    List<Long> sorted = new ArrayList<>(micros);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percentile / 100)) / 1000.0;
  }
}
