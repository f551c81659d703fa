package org.ezshop.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.ezshop.common.v1.Money;
import org.ezshop.rpc.EventLoops;
import org.ezshop.store.memory.MemoryTransactions;
import org.ezshop.store.pg.PgTransactions;
import org.ezshop.store.rules.Ledger;
import org.ezshop.store.rules.Stores;
import org.ezshop.store.storage.Stamps;
import org.ezshop.store.storage.Transactions;
import org.ezshop.store.storage.Tx;
import org.ezshop.store.v1.CartEvent;
import org.ezshop.store.v1.CartLine;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.Shopper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rule unlocked work stands on, on both storages: a cart write whose read went stale (the item's stock or the
 * cart moved in between) fails with Tx.Stale and changes nothing, and the ledger then applies the event once.
 */
class UnlockedWriteTest {

  static Vertx vertx;
  static Transactions memory;
  static Transactions postgres;

  @BeforeAll
  static void stores() throws Exception {
    vertx = EventLoops.vertx();
    memory = new MemoryTransactions();
    postgres = PgTransactions.start(vertx, TestStores.freshDatabase(vertx), 2, StoreConfig.DEFAULT_JOURNAL_RETENTION)
        .await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void close() throws Exception {
    postgres.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static List<String> storages() {
    return List.of("memory", "postgres");
  }

  static Transactions store(String name) {
    return name.equals("memory") ? memory : postgres;
  }

  @ParameterizedTest
  @MethodSource("storages")
  void aWriteAfterTheStockMovedIsStaleAndChangesNothing(String storage) throws Exception {
    Transactions store = store(storage);
    Item soda = item(store, 10);
    Shopper ana = inStore(store);
    CartEvent pick = StoreContract.event(ana, soda, 2);

    Throwable stale = writeAfter(store, pick, () -> store.inTx(tx -> tx.catalogue().addStock(soda.getSku(), -1)));

    assertInstanceOf(Tx.Stale.class, stale, String.valueOf(stale));
    assertEquals(9, await(store.inTx(tx -> tx.catalogue().item(soda.getSku()))).orElseThrow().getStock());
    assertTrue(await(store.inTx(tx -> tx.visits().openCartLines(ana.getShopperId()))).isEmpty());
    assertAppliedOnce(store, pick, 7, 2);
  }

  @ParameterizedTest
  @MethodSource("storages")
  void aWriteAfterTheCartMovedIsStaleAndChangesNothing(String storage) throws Exception {
    Transactions store = store(storage);
    Item soda = item(store, 10);
    Item chips = item(store, 10);
    Shopper ana = inStore(store);
    CartEvent pick = StoreContract.event(ana, soda, 1);
    Ledger ledger = new Ledger(store);

    Throwable stale = writeAfter(store, pick, () -> ledger.applyCartEvent(StoreContract.event(ana, chips, 1)));

    assertInstanceOf(Tx.Stale.class, stale, String.valueOf(stale));
    assertEquals(10, await(store.inTx(tx -> tx.catalogue().item(soda.getSku()))).orElseThrow().getStock());
    assertEquals(List.of(chips.getSku()), await(store.inTx(tx -> tx.visits().openCartLines(ana.getShopperId()))).stream()
        .map(CartLine::getSku).toList());
    assertAppliedOnce(store, pick, 9, 1);
  }

  /** Reads the pick's state without locks, lets {@code meanwhile} commit, then writes the pick as read. */
  private static Throwable writeAfter(Transactions store, CartEvent pick, Supplier<Future<?>> meanwhile) throws Exception {
    Future<Void> write = store.unlocked(tx -> tx.cartEventState(pick).compose(state -> meanwhile.get().compose(v ->
        Ledger.applyToCart(tx, state.visit().orElseThrow(), state.item().orElseThrow(), state.lines(),
            state.cartVersion(), pick.toBuilder().setEventId(state.newEventId()).build())).mapEmpty()));
    return write.transform(done -> Future.succeededFuture(done.cause())).await(30, TimeUnit.SECONDS);
  }

  private static void assertAppliedOnce(Transactions store, CartEvent pick, long stock, int held) throws Exception {
    Ledger ledger = new Ledger(store);
    assertEquals(held, await(ledger.applyCartEvent(pick)).getCart().getLinesList().stream()
        .filter(l -> l.getSku().equals(pick.getSku())).findFirst().orElseThrow().getQuantity());
    assertTrue(await(ledger.applyCartEvent(pick)).getDuplicate());
    assertEquals(stock, await(store.inTx(tx -> tx.catalogue().item(pick.getSku()))).orElseThrow().getStock());
  }

  private static Item item(Transactions store, long stock) throws Exception {
    Item item = Item.newBuilder().setSku(StoreContract.unique("sku")).setName("Soda").setStock(stock)
        .setPrice(Money.newBuilder().setMinorUnits(125).setCurrency("USD")).setUpdatedAt(Stamps.now())
        .setStoreId(Stores.DEFAULT).build();
    await(store.inTx(tx -> tx.catalogue().insertItem(item)));
    return item;
  }

  private static Shopper inStore(Transactions store) throws Exception {
    Shopper shopper = Shopper.newBuilder().setShopperId(StoreContract.unique("s")).setFaceId(StoreContract.unique("face"))
        .setName("Ana").setRegisteredAt(Stamps.now()).build();
    await(store.inTx(tx -> tx.enrolment().insertShopper(shopper)));
    await(new Ledger(store).enterStore(shopper.getShopperId(), Stamps.now(), Stores.DEFAULT));
    return shopper;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(30, TimeUnit.SECONDS);
  }
}
