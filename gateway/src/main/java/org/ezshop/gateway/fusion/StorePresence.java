package org.ezshop.gateway.fusion;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ezshop.gateway.ServiceClient;
import org.ezshop.gateway.shelf.ShelfChange;
import org.ezshop.store.v1.ListShoppersRequest;
import org.ezshop.store.v1.Shopper;
import org.ezshop.store.v1.StoreServiceGrpcClient;

/** Who a change may go to: the shoppers in the store at its onset, and those holding its item. */
final class StorePresence {

  private record Left(Shopper shopper, long atMillis) {
  }

  private final ServiceClient store;
  private final long keepMillis;
  private final Map<String, Left> left = new ConcurrentHashMap<>();

  /** @param keepMillis how long a change can wait for its decision: who walked out is remembered that long */
  StorePresence(ServiceClient store, long keepMillis) {
    this.store = store;
    this.keepMillis = keepMillis;
  }

  /** Those in the store now, and those who walked out after the change's onset, by face. */
  Future<Map<String, Shopper>> inStore(ShelfChange change) {
    return store.call(StoreServiceGrpcClient.ListShoppers, ListShoppersRequest.newBuilder().setInStoreOnly(true)
        .build()).map(list -> {
          Map<String, Shopper> byFace = new HashMap<>();
          list.getShoppersList().forEach(s -> byFace.put(s.getFaceId(), s));
          left.values().stream().filter(l -> l.atMillis() >= change.onsetMillis())
              .forEach(l -> byFace.putIfAbsent(l.shopper().getFaceId(), l.shopper()));
          return byFace;
        });
  }

  /** The shopper walked out at {@code atMillis}: a change from before it, decided after it, is still theirs. */
  void left(Shopper shopper, long atMillis) {
    left.values().removeIf(l -> l.atMillis() < System.currentTimeMillis() - keepMillis);
    left.put(shopper.getShopperId(), new Left(shopper, atMillis));
  }

  // store-svc applies the rule for who holds an item (the same rule that refuses a put-back), in one call.
  Future<Set<String>> holders(String sku) {
    return store.call(StoreServiceGrpcClient.ListShoppers, ListShoppersRequest.newBuilder().setHoldingSku(sku)
        .build()).map(list -> {
          Set<String> holding = new HashSet<>();
          list.getShoppersList().forEach(s -> holding.add(s.getShopperId()));
          return holding;
        });
  }
}
