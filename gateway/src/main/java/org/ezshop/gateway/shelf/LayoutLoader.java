package org.ezshop.gateway.shelf;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Consumer;
import org.ezshop.gateway.ServiceClient;
import org.ezshop.store.v1.Device;
import org.ezshop.store.v1.ListDevicesRequest;
import org.ezshop.store.v1.ListDevicesResponse;
import org.ezshop.store.v1.ListItemsRequest;
import org.ezshop.store.v1.ListItemsResponse;
import org.ezshop.store.v1.ListShelfRowsRequest;
import org.ezshop.store.v1.ListShelfRowsResponse;
import org.ezshop.store.v1.StoreServiceGrpcClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the shelves' layout in step with store-svc's: read at start, then again every few seconds, with the
 * registered devices; whoever follows (the device links, to push changed configs and know the entrances) hears of
 * each new one.
 */
public final class LayoutLoader {

  private static final Logger LOG = LoggerFactory.getLogger(LayoutLoader.class);

  private final ServiceClient store;
  private final Shelves shelves;
  private final Vertx vertx;
  private final Consumer<List<Device>> loaded;
  private long timer = -1;

  public LayoutLoader(Vertx vertx, ServiceClient store, Shelves shelves, Consumer<List<Device>> loaded) {
    this.vertx = vertx;
    this.store = store;
    this.shelves = shelves;
    this.loaded = loaded;
  }

  /** Loads now (a failure is logged and retried at the next refresh), then every {@code everyMillis}. */
  public Future<Void> start(long everyMillis) {
    timer = vertx.setPeriodic(everyMillis, t -> load());
    return load().otherwiseEmpty();
  }

  public Future<Void> load() {
    return Future.all(store.call(StoreServiceGrpcClient.ListShelfRows, ListShelfRowsRequest.getDefaultInstance()),
            store.call(StoreServiceGrpcClient.ListItems, ListItemsRequest.getDefaultInstance()),
            store.call(StoreServiceGrpcClient.ListDevices, ListDevicesRequest.getDefaultInstance()))
        .<Void>map(all -> {
          shelves.layout(new ShelfLayout(all.<ListShelfRowsResponse>resultAt(0).getRowsList(),
              all.<ListItemsResponse>resultAt(1).getItemsList()));
          loaded.accept(all.<ListDevicesResponse>resultAt(2).getDevicesList());
          return null;
        })
        .onFailure(e -> LOG.warn("event=layout_load_failed error={}", e.getMessage()));
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }
}
