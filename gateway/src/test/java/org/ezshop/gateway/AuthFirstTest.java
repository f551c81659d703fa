package org.ezshop.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ezshop.identity.v1.IdentityServiceGrpc;
import org.ezshop.rpc.SessionTokens;
import org.ezshop.shop.v1.ShopServiceGrpc;
import org.ezshop.store.v1.StoreServiceGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every method of store-svc, identity-svc and the gateway's ShopService, found by reflection, called with an empty
 * request: without a token and with a wrong one it is UNAUTHENTICATED, with a shopper's session token on a
 * manager's call PERMISSION_DENIED (identity-svc: UNAUTHENTICATED); never an answer that shows a field was read
 * before the caller was known.
 */
class AuthFirstTest {

  /** The one call that makes a session, so it takes none. */
  private static final Set<String> PUBLIC = Set.of("ezshop.shop.v1.ShopService/LoginWithFace");
  /** Calls a shopper's own session token may make (each then checks whose data it asks for). */
  private static final Set<String> SHOPPER = Set.of("ezshop.shop.v1.ShopService/WatchMyCart",
      "ezshop.shop.v1.ShopService/DeleteMyData",
      "ezshop.shop.v1.ShopService/GetMyReceipts", "ezshop.shop.v1.ShopService/DisputeReceiptLine",
      "ezshop.store.v1.StoreService/GetCart", "ezshop.store.v1.StoreService/DisputeReceiptLine",
      "ezshop.store.v1.StoreService/GetReceipt", "ezshop.store.v1.StoreService/ListReceipts",
      "ezshop.store.v1.StoreService/WatchCart");

  private TestPlatform platform;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    platform = new TestPlatform(10_000, 4);
  }

  @AfterEach
  void stop() throws Exception {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    platform.close();
  }

  @Test
  void everyCallOfEveryServiceKnowsItsCallerBeforeItReadsTheRequest() throws Exception {
    String shopper = new SessionTokens(TestPlatform.SECRET).issue(platform.registeredShopper("Nobody"),
        Instant.now().plusSeconds(600));
    int walked = 0;
    for (var service : List.of(new Object[] {StoreServiceGrpc.getServiceDescriptor(), platform.store.port()},
        new Object[] {IdentityServiceGrpc.getServiceDescriptor(), platform.identity.port()},
        new Object[] {ShopServiceGrpc.getServiceDescriptor(), platform.gateway.port()})) {
      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", (int) service[1]).usePlaintext().build();
      channels.add(channel);
      for (MethodDescriptor<?, ?> method : ((ServiceDescriptor) service[0]).getMethods()) {
        String name = method.getFullMethodName();
        if (PUBLIC.contains(name)) {
          continue;
        }
        walked++;
        assertEquals(Status.Code.UNAUTHENTICATED, call(channel, method, null), name + " without a token");
        assertEquals(Status.Code.UNAUTHENTICATED, call(channel, method, "not-a-token-0123456789"),
            name + " with a wrong token");
        Status.Code asShopper = call(channel, method, shopper);
        if (SHOPPER.contains(name)) {
          assertTrue(asShopper != Status.Code.UNAUTHENTICATED, name + " takes a shopper's token: " + asShopper);
        } else { // identity-svc knows no sessions: to it a shopper's token is no credential at all
          assertEquals(name.startsWith("ezshop.identity.") ? Status.Code.UNAUTHENTICATED
              : Status.Code.PERMISSION_DENIED, asShopper, name + " with a shopper's token");
        }
      }
    }
    assertEquals(StoreServiceGrpc.getServiceDescriptor().getMethods().size()
        + IdentityServiceGrpc.getServiceDescriptor().getMethods().size()
        + ShopServiceGrpc.getServiceDescriptor().getMethods().size() - PUBLIC.size(), walked);
  }

  /** Calls the method with its empty request; the status it ends with (OK if it answered). */
  private static <Q, R> Status.Code call(ManagedChannel channel, MethodDescriptor<Q, R> method, String token)
      throws Exception {
    Q empty = method.parseRequest(new ByteArrayInputStream(new byte[0]));
    Metadata headers = new Metadata();
    if (token != null) {
      headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    }
    CompletableFuture<Status> ended = new CompletableFuture<>();
    ClientCall<Q, R> call = channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
    call.start(new ClientCall.Listener<R>() {
      @Override
      public void onMessage(R message) {
        ended.complete(Status.OK); // it answered: whatever status follows, the call was let in
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        ended.complete(status);
      }
    }, headers);
    call.request(1);
    call.sendMessage(empty);
    call.halfClose();
    Status status = ended.get(15, TimeUnit.SECONDS);
    call.cancel("done", null);
    return status.getCode();
  }
}
