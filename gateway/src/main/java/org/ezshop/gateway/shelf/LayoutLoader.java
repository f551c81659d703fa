package org.ezshop.gateway.shelf;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClientRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.ezshop.gateway.ServiceClient;
import org.ezshop.store.v1.Device;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.ListDevicesRequest;
import org.ezshop.store.v1.ListDevicesResponse;
import org.ezshop.store.v1.ListItemsRequest;
import org.ezshop.store.v1.ListItemsResponse;
import org.ezshop.store.v1.ListShelfRowsRequest;
import org.ezshop.store.v1.ListShelfRowsResponse;
import org.ezshop.store.v1.ShelfRow;
import org.ezshop.store.v1.StoreEvent;
import org.ezshop.store.v1.StoreEventKind;
import org.ezshop.store.v1.StoreServiceGrpcClient;
import org.ezshop.store.v1.WatchRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the shelves' layout in step with store-svc's: read whole at start, then followed through store-svc's
 * layout and stock events, so that a row put changes that row alone and nothing is reread while nothing changes.
 * Read whole again when the stream breaks (every {@code retryMillis} until it is back) or falls behind. Whoever
 * follows hears of the registered devices (the device links: entrances, revoked tokens) and of the devices whose
 * sensors changed (their config is pushed again). Runs on the context that started it.
 */
public final class LayoutLoader {

  private static final Logger LOG = LoggerFactory.getLogger(LayoutLoader.class);
  private static final WatchRequest FOLLOWED = WatchRequest.newBuilder()
      .addKinds(StoreEventKind.STORE_EVENT_KIND_LAYOUT).addKinds(StoreEventKind.STORE_EVENT_KIND_STOCK).build();

  private final ServiceClient store;
  private final Shelves shelves;
  private final Vertx vertx;
  private final Consumer<List<Device>> registered;
  private final Consumer<Set<String>> configsChanged;
  private final Map<String, ShelfRow> rows = new LinkedHashMap<>();
  private final Map<String, Item> items = new LinkedHashMap<>();
  private final Map<String, Device> devices = new LinkedHashMap<>();
  private long retryMillis;
  private GrpcClientRequest<WatchRequest, StoreEvent> following;
  private List<StoreEvent> early; // events that came while a whole read was under way, applied after it
  private boolean reading;
  private Promise<Void> next; // a whole read asked for during another: it starts when that one ends
  private volatile boolean stopped;
  private int generation;
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong followed = new AtomicLong();
  private Context context;

  public LayoutLoader(Vertx vertx, ServiceClient store, Shelves shelves, Consumer<List<Device>> registered,
      Consumer<Set<String>> configsChanged) {
    this.vertx = vertx;
    this.store = store;
    this.shelves = shelves;
    this.registered = registered;
    this.configsChanged = configsChanged;
  }

  /** Follows store-svc's layout from now on; the future is the first whole read (a failure is logged and retried). */
  public Future<Void> start(long retryMillis) {
    this.retryMillis = retryMillis;
    this.context = vertx.getOrCreateContext();
    Promise<Void> first = Promise.promise();
    context.runOnContext(v -> follow().otherwiseEmpty().onComplete(first));
    return first.future();
  }

  private Future<Void> follow() {
    int mine = ++generation;
    early = new ArrayList<>();
    return store.<WatchRequest, StoreEvent>follow(StoreServiceGrpcClient.Watch, FOLLOWED,
            event -> context.runOnContext(v -> {
              if (mine == generation) {
                event(event);
              }
            }),
            ended -> context.runOnContext(v -> broke(mine, ended)))
        .compose(call -> {
          following = call;
          return read();
        })
        .onFailure(failure -> broke(mine, failure));
  }

  /** Reads the whole layout now (from any thread), and applies it with whatever the stream brought meanwhile. */
  public Future<Void> load() {
    Promise<Void> done = Promise.promise();
    (context != null ? context : vertx.getOrCreateContext()).runOnContext(v -> read().onComplete(done));
    return done.future();
  }

  // One at a time, so that an older snapshot never lands over the events applied after a newer one.
  private Future<Void> read() {
    if (reading) {
      next = next == null ? Promise.promise() : next;
      return next.future();
    }
    reading = true;
    if (early == null) {
      early = new ArrayList<>();
    }
    return Future.all(store.call(StoreServiceGrpcClient.ListShelfRows, ListShelfRowsRequest.getDefaultInstance()),
            store.call(StoreServiceGrpcClient.ListItems, ListItemsRequest.getDefaultInstance()),
            store.call(StoreServiceGrpcClient.ListDevices, ListDevicesRequest.getDefaultInstance()))
        .<Void>map(all -> {
          reads.incrementAndGet();
          List<StoreEvent> meanwhile = early == null ? List.of() : early;
          early = next == null ? null : new ArrayList<>();
          rows.clear();
          all.<ListShelfRowsResponse>resultAt(0).getRowsList().forEach(r -> rows.put(r.getRowId(), r));
          items.clear();
          all.<ListItemsResponse>resultAt(1).getItemsList().forEach(i -> items.put(i.getSku(), i));
          devices.clear();
          all.<ListDevicesResponse>resultAt(2).getDevicesList().forEach(d -> devices.put(d.getDeviceId(), d));
          meanwhile.forEach(this::apply);
          relayout();
          registered.accept(List.copyOf(devices.values()));
          return null;
        })
        .onFailure(e -> {
          early = next == null ? null : early;
          LOG.warn("event=layout_load_failed error={}", e.getMessage());
        })
        .onComplete(x -> {
          reading = false;
          if (next != null) {
            Promise<Void> queued = next;
            next = null;
            read().onComplete(queued);
          }
        });
  }

  private void event(StoreEvent event) {
    if (event.hasResync()) {
      read();
    } else if (early != null) {
      early.add(event);
    } else if (apply(event)) {
      followed.incrementAndGet();
      if (event.hasShelfRow()) {
        relayout();
      } else {
        registered.accept(List.copyOf(devices.values()));
      }
    }
  }

  /** True when the layout or the devices changed (an item's stock only matters to a row put later). */
  private boolean apply(StoreEvent event) {
    switch (event.getBodyCase()) {
      case SHELF_ROW -> rows.put(event.getShelfRow().getRowId(), event.getShelfRow());
      case DEVICE -> devices.put(event.getDevice().getDeviceId(), event.getDevice());
      case ITEM -> items.put(event.getItem().getSku(), event.getItem());
      default -> {
      }
    }
    return event.hasShelfRow() || event.hasDevice();
  }

  /** Whole reads of the layout from store-svc, at start and after a break. */
  public long reads() {
    return reads.get();
  }

  /** Rows and devices changed one at a time from store-svc's events. */
  public long followed() {
    return followed.get();
  }

  private void relayout() {
    Set<String> changed = shelves.layout(new ShelfLayout(List.copyOf(rows.values()), List.copyOf(items.values())));
    if (!changed.isEmpty()) {
      configsChanged.accept(changed);
    }
  }

  private void broke(int which, Throwable failure) {
    if (which != generation || stopped) {
      return;
    }
    generation++; // what the broken stream still brings is stale
    cancel();
    early = null;
    LOG.warn("event=layout_stream_ended error={} retry_ms={}", failure == null ? "completed" : failure.getMessage(),
        retryMillis);
    vertx.setTimer(retryMillis, t -> {
      if (!stopped) {
        follow();
      }
    });
  }

  private void cancel() {
    if (following != null) {
      try {
        following.cancel();
      } catch (IllegalStateException ended) {
        // it had ended already
      }
      following = null;
    }
  }

  public void stop() {
    stopped = true;
    if (context != null) {
      context.runOnContext(v -> cancel());
    }
  }
}
