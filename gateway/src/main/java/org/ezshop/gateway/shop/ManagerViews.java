package org.ezshop.gateway.shop;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.ezshop.gateway.ServiceClient;
import org.ezshop.gateway.link.DeviceLink;
import org.ezshop.gateway.link.EdgeLinks;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.shop.v1.GetInventoryResponse;
import org.ezshop.shop.v1.InventoryLine;
import org.ezshop.shop.v1.ListDeviceLinksResponse;
import org.ezshop.shop.v1.ListShoppersInStoreResponse;
import org.ezshop.shop.v1.ShopperInStore;
import org.ezshop.store.v1.GetCartRequest;
import org.ezshop.store.v1.ListItemsRequest;
import org.ezshop.store.v1.ListShelfRowsRequest;
import org.ezshop.store.v1.ListShoppersRequest;
import org.ezshop.store.v1.ShelfRow;
import org.ezshop.store.v1.StoreServiceGrpcClient;

/** The manager's views: who is in store with what, the inventory by row, and every device's link. */
final class ManagerViews {

  private final ServiceClient store;
  private final EdgeLinks links;

  ManagerViews(ServiceClient store, EdgeLinks links) {
    this.store = store;
    this.links = links;
  }

  Future<ListShoppersInStoreResponse> shoppersInStore() {
    return store.call(StoreServiceGrpcClient.ListShoppers, ListShoppersRequest.newBuilder().setInStoreOnly(true).build())
        .compose(list -> {
          List<Future<ShopperInStore>> each = new ArrayList<>();
          list.getShoppersList().forEach(shopper -> each.add(store.call(StoreServiceGrpcClient.GetCart,
                  GetCartRequest.newBuilder().setShopperId(shopper.getShopperId()).build())
              .map(cart -> ShopperInStore.newBuilder().setShopper(shopper).setCart(cart.getCart()).build())));
          return Future.all(each).map(all -> ListShoppersInStoreResponse.newBuilder()
              .addAllShoppers(all.<ShopperInStore>list()).build());
        });
  }

  Future<GetInventoryResponse> inventory() {
    return Future.all(store.call(StoreServiceGrpcClient.ListItems, ListItemsRequest.getDefaultInstance()),
            store.call(StoreServiceGrpcClient.ListShelfRows, ListShelfRowsRequest.getDefaultInstance()))
        .map(all -> {
          Map<String, List<ShelfRow>> rowsBySku = all.<org.ezshop.store.v1.ListShelfRowsResponse>resultAt(1)
              .getRowsList().stream().collect(Collectors.groupingBy(ShelfRow::getSku));
          GetInventoryResponse.Builder out = GetInventoryResponse.newBuilder();
          all.<org.ezshop.store.v1.ListItemsResponse>resultAt(0).getItemsList().forEach(item -> out.addLines(
              InventoryLine.newBuilder().setItem(item).addAllRows(rowsBySku.getOrDefault(item.getSku(), List.of()))
                  .addAllRowIds(rowsBySku.getOrDefault(item.getSku(), List.of()).stream().map(ShelfRow::getRowId)
                      .toList())
                  .setLow(item.getLowStockThreshold() > 0 && item.getStock() <= item.getLowStockThreshold())));
          return out.build();
        });
  }

  ListDeviceLinksResponse deviceLinks() {
    long now = System.currentTimeMillis();
    ListDeviceLinksResponse.Builder out = ListDeviceLinksResponse.newBuilder();
    for (DeviceLink link : links.all()) {
      out.addLinksBuilder()
          .setDeviceId(link.deviceId())
          .setKind(link.kind())
          .setConnected(link.connected())
          .setLastSeen(EpochMillis.timestamp(link.lastSeenMillis()))
          .setClockOffset(EpochMillis.duration(link.clockOffsetMillis()))
          .setAckedSeq(link.acked())
          .setMessagesPerSecond(link.messagesPerSecond(now))
          .setSoftwareVersion(link.softwareVersion())
          .setDropped(link.deviceDropped());
    }
    return out.build();
  }
}
