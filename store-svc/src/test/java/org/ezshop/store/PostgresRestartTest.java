package org.ezshop.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.ezshop.common.v1.Money;
import org.ezshop.rpc.EventLoops;
import org.ezshop.store.v1.*;
import org.ezshop.testing.GrpcProbe;
import org.ezshop.testing.TestPostgres;
import org.junit.jupiter.api.Test;

/** PostgreSQL stops and starts under a running store-svc: calls fail UNAVAILABLE meanwhile, then all recovers. */
class PostgresRestartTest {

  @Test
  void theServiceRecoversWithoutARestartOfItsOwn() throws Exception {
    Vertx vertx = EventLoops.vertx();
    StoreServer server = StoreServer.start(vertx, TestStores.postgres(TestStores.freshDatabase(vertx)))
        .await(60, TimeUnit.SECONDS);
    try (StoreClient client = new StoreClient(server.port()); GrpcProbe probe = new GrpcProbe(server.port());
         Streams<CartUpdate> updates = new Streams<>()) {
      StoreServiceGrpc.StoreServiceBlockingStub manager = client.manager();
      Item soda = manager.createItem(CreateItemRequest.newBuilder().setItem(Item.newBuilder().setSku("soda").setName("Soda")
          .setStock(10).setPrice(Money.newBuilder().setMinorUnits(125).setCurrency("USD"))).build()).getItem();
      Shopper ana = manager.registerShopper(RegisterShopperRequest.newBuilder().setName("Ana").setFaceId("f-ana").build())
          .getShopper();
      manager.enterStore(EnterStoreRequest.newBuilder().setShopperId(ana.getShopperId()).build());
      updates.context.run(() -> client.shopperAsync(ana.getShopperId())
          .watchCart(WatchCartRequest.newBuilder().setShopperId(ana.getShopperId()).build(), updates));
      updates.next();
      manager.applyCartEvent(ApplyCartEventRequest.newBuilder().setEvent(StoreContract.event(ana, soda, 1)).build());
      updates.next();

      TestPostgres.cluster("stop");
      try {
        StatusRuntimeException down = assertThrows(StatusRuntimeException.class, () -> manager.applyCartEvent(
            ApplyCartEventRequest.newBuilder().setEvent(StoreContract.event(ana, soda, 1)).build()));
        assertEquals(Status.Code.UNAVAILABLE, down.getStatus().getCode(), down.getStatus().toString());
        assertEquals(ServingStatus.NOT_SERVING, probe.health("ezshop.store.v1.StoreService"));
      } finally {
        TestPostgres.cluster("start");
      }

      CartEvent after = StoreContract.event(ana, soda, 2);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      ApplyCartEventResponse applied = null;
      while (applied == null) {
        try {
          applied = manager.applyCartEvent(ApplyCartEventRequest.newBuilder().setEvent(after).build());
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(200);
        }
      }
      assertEquals(3, applied.getCart().getLines(0).getQuantity(), "the pick committed before the restart is kept");
      assertEquals(ServingStatus.SERVING, probe.health("ezshop.store.v1.StoreService"));
      // The live feed reconnected by itself: the watcher opened before the restart sees the new pick.
      CartUpdate update = updates.next();
      while (!update.getEvent().getIdempotencyKey().equals(after.getIdempotencyKey())) {
        update = updates.next();
      }
      assertEquals(3, update.getCart().getLines(0).getQuantity());
    } finally {
      server.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
