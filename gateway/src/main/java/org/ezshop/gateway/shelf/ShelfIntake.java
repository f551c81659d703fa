package org.ezshop.gateway.shelf;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.ezshop.edge.v1.DeviceConfig;
import org.ezshop.edge.v1.GatewayNoticeKind;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.gateway.Notices;
import org.ezshop.rpc.EpochMillis;

/**
 * Where a shelf device's readings enter shelf processing: each is checked against its sensor, put in gateway
 * time and offered to its row's {@link Shelves.Slot}; every change that makes goes to the next stage.
 */
public final class ShelfIntake {

  private final Shelves shelves;
  private final ShelfChangeSink next;

  public ShelfIntake(Shelves shelves, ShelfChangeSink next) {
    this.shelves = shelves;
    this.next = next;
  }

  /**
   * One batch from {@code deviceId}, whose clock runs {@code clockOffsetMillis} ahead of the gateway's. Completes
   * once every change it made is accepted downstream.
   */
  public Future<Void> accept(String deviceId, ReadingBatch batch, long clockOffsetMillis, Notices notices) {
    List<Future<Void>> passed = null;
    Shelves.Slot slot = null;
    for (int i = 0; i < batch.getReadingsCount(); i++) {
      Reading r = batch.getReadings(i);
      if (slot == null || !slot.placement().sensor().getSensorId().equals(r.getSensorId())) {
        slot = shelves.slot(r.getSensorId()); // a batch mostly repeats a few sensors
      }
      if (slot == null || !slot.placement().sensor().getDeviceId().equals(deviceId)) {
        slot = null;
        notices.add(GatewayNoticeKind.GATEWAY_NOTICE_KIND_UNKNOWN_SOURCE, "readings[" + i + "].sensor_id",
            "sensor '" + r.getSensorId() + "' is not in this device's shelf layout");
        continue;
      }
      if (!r.hasCapturedAt()) {
        notices.add(GatewayNoticeKind.GATEWAY_NOTICE_KIND_INVALID_DATA, "readings[" + i + "].captured_at", "required");
        continue;
      }
      long at = EpochMillis.of(r.getCapturedAt()) - clockOffsetMillis;
      if (r.hasDropout()) {
        slot.dropout();
        continue;
      }
      double value = ReadingValues.of(r, slot.placement().sensor().getType(), i, notices);
      if (Double.isNaN(value)) {
        continue; // refused: the notice says why
      }
      ShelfChange change = slot.offer(at, value);
      if (change != null) {
        if (passed == null) {
          passed = new ArrayList<>();
        }
        passed.add(next.accept(change));
      }
    }
    notices.summarise();
    return passed == null ? Future.succeededFuture() : Future.all(passed).mapEmpty();
  }

  /** The device's sensors, rows and calibration in the current layout; null when it has none. */
  public DeviceConfig configOf(String deviceId) {
    List<ShelfLayout.Placement> mine = new ArrayList<>(shelves.layout().sensorsOf(deviceId));
    if (mine.isEmpty()) {
      return null;
    }
    mine.sort(Comparator.comparing(p -> p.sensor().getSensorId()));
    DeviceConfig.Builder config = DeviceConfig.newBuilder();
    mine.forEach(p -> config.addSensorsBuilder().setSensorId(p.sensor().getSensorId()).setRowId(p.row().getRowId())
        .setType(p.sensor().getType()).setCalibration(p.row().getCalibration()));
    return config.build();
  }
}
