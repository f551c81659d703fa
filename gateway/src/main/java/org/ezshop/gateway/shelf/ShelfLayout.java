package org.ezshop.gateway.shelf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.ShelfRow;
import org.ezshop.store.v1.ShelfSensor;

/** The shelf rows from store-svc, by sensor id, with the stock recorded for rows that alone hold their item. */
public final class ShelfLayout {

  /** A sensor's place: its row and how to read it. */
  public record Placement(ShelfRow row, ShelfSensor sensor) {
  }

  private final Map<String, Placement> bySensor = new HashMap<>();
  private final Map<String, List<Placement>> byDevice = new HashMap<>();
  private final Map<String, Long> soleRowStock = new HashMap<>();

  public ShelfLayout(List<ShelfRow> rows, List<Item> items) {
    Map<String, Integer> rowsPerSku = new HashMap<>();
    for (ShelfRow row : rows) {
      rowsPerSku.merge(row.getSku(), 1, Integer::sum);
      for (ShelfSensor sensor : row.getSensorsList()) {
        Placement placement = new Placement(row, sensor);
        bySensor.put(sensor.getSensorId(), placement);
        byDevice.computeIfAbsent(sensor.getDeviceId(), d -> new ArrayList<>()).add(placement);
      }
    }
    for (Item item : items) {
      if (rowsPerSku.getOrDefault(item.getSku(), 0) == 1) {
        soleRowStock.put(item.getSku(), item.getStock());
      }
    }
  }

  public static ShelfLayout empty() {
    return new ShelfLayout(List.of(), List.of());
  }

  /** The sensors wired to one device, with their rows' calibration: the config pushed to it. */
  public List<Placement> sensorsOf(String deviceId) {
    return byDevice.getOrDefault(deviceId, List.of());
  }

  public java.util.Collection<Placement> placements() {
    return bySensor.values();
  }

  public Placement placement(String sensorId) {
    return bySensor.get(sensorId);
  }

  /** The recorded stock of a row's item when this row is the only one holding it; -1 when unknown. */
  long recordedLevel(ShelfRow row) {
    Long stock = soleRowStock.get(row.getSku());
    int capacity = row.getCalibration().getCapacity();
    return stock == null || stock < 0 || (capacity > 0 && stock > capacity) ? -1 : stock;
  }
}
