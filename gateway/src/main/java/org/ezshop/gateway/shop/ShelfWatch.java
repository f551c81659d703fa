package org.ezshop.gateway.shop;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.HashMap;
import java.util.Map;
import org.ezshop.gateway.link.DeviceLink;
import org.ezshop.gateway.link.EdgeLinks;
import org.ezshop.gateway.shelf.Shelves;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.shop.v1.ShelfState;
import org.ezshop.store.v1.ShelfSensor;

/**
 * WatchShelves: every shelf sensor's state, looked at 4 times a second; a sensor's state goes out when it changed
 * since it last went out. A watcher that cannot keep up is skipped until it drains (the next look sends the news).
 */
public final class ShelfWatch {

  static final long EVERY_MILLIS = 250;

  private final Vertx vertx;
  private final Shelves shelves;
  private final EdgeLinks links;

  public ShelfWatch(Vertx vertx, Shelves shelves, EdgeLinks links) {
    this.vertx = vertx;
    this.shelves = shelves;
    this.links = links;
  }

  Future<Void> stream(GrpcServerRequest<?, ShelfState> call) {
    GrpcServerResponse<?, ShelfState> out = call.response();
    Map<String, ShelfState> sent = new HashMap<>();
    long timer = vertx.setPeriodic(1, EVERY_MILLIS, t -> {
      if (out.writeQueueFull()) {
        return;
      }
      try {
        for (Shelves.Slot slot : shelves.slots()) {
          ShelfState state = state(slot);
          if (!state.equals(sent.put(state.getSensorId(), state))) {
            out.write(state);
          }
        }
      } catch (IllegalStateException cancelled) { // Vert.x says the watcher left only by refusing the write
        vertx.cancelTimer(t);
      }
    });
    call.exceptionHandler(gone -> vertx.cancelTimer(timer));
    out.exceptionHandler(gone -> vertx.cancelTimer(timer));
    return Future.succeededFuture();
  }

  private ShelfState state(Shelves.Slot slot) {
    ShelfSensor sensor = slot.placement().sensor();
    Shelves.State now = slot.state();
    DeviceLink link = links.get(sensor.getDeviceId());
    ShelfState.Builder state = ShelfState.newBuilder().setRowId(slot.placement().row().getRowId())
        .setSku(slot.placement().row().getSku()).setSensorId(sensor.getSensorId()).setType(sensor.getType())
        .setLevel(now.level()).setFiltered(now.filtered()).setDeviceId(sensor.getDeviceId())
        .setLinked(link != null && link.connected()).setCalibration(slot.placement().row().getCalibration());
    if (now.atMillis() > 0) {
      state.setAt(EpochMillis.timestamp(now.atMillis()));
    }
    return state.build();
  }
}
