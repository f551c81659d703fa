package org.ezshop.dist.setup;

import static org.ezshop.edgelink.AgentYaml.quoted;

import java.math.BigDecimal;
import java.util.List;
import org.ezshop.common.v1.Calibration;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.edgelink.AgentYaml;
import org.ezshop.store.v1.CameraRegion;
import org.ezshop.store.v1.Device;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.ShelfRow;
import org.ezshop.store.v1.ShelfSensor;

/**
 * A running store written as a {@link StoreFile}. What the platform does not keep is not in it: an agent's
 * wiring (pins), and camera runners' image folders; an item's stock is today's.
 */
final class StoreFileText {

  private StoreFileText() {
  }

  static String of(List<Item> items, List<Device> devices, List<ShelfRow> rows) {
    StringBuilder y = new StringBuilder("# Written by `ezshop setup export`; agents' wiring (pins) is not kept by the "
        + "platform: add it to each sensor before applying this to a new platform.\n");
    y.append("currency: ").append(items.isEmpty() ? "USD" : items.get(0).getPrice().getCurrency()).append('\n');
    y.append("items:").append(items.isEmpty() ? " []\n" : "\n");
    for (Item i : items) {
      y.append("  - sku: ").append(quoted(i.getSku())).append("\n    name: ").append(quoted(i.getName()))
          .append("\n    price: ").append(BigDecimal.valueOf(i.getPrice().getMinorUnits(), 2).toPlainString())
          .append("\n    stock: ").append(i.getStock()).append("\n    low_stock: ").append(i.getLowStockThreshold())
          .append('\n');
      if (!i.getImageUrl().isEmpty()) {
        y.append("    image_url: ").append(quoted(i.getImageUrl())).append('\n');
      }
      if (i.getAgeRestricted()) {
        y.append("    age_restricted: true\n    minimum_age: ").append(i.getMinimumAge()).append('\n');
      }
    }
    y.append("devices:").append(devices.isEmpty() ? " []\n" : "\n");
    for (Device d : devices) {
      boolean camera = d.getKind() == DeviceKind.DEVICE_KIND_CAMERA;
      y.append("  - id: ").append(quoted(d.getDeviceId())).append("\n    kind: ")
          .append(camera ? "camera" : "shelf").append('\n');
      if (camera) {
        y.append("    role: ").append(AgentYaml.role(d.getCameraRole())).append('\n');
      }
    }
    y.append("rows:").append(rows.isEmpty() ? " []\n" : "\n");
    for (ShelfRow r : rows) {
      y.append("  - id: ").append(quoted(r.getRowId())).append("\n    sku: ").append(quoted(r.getSku()))
          .append('\n');
      Calibration c = r.getCalibration();
      if (c.getCapacity() > 0) {
        y.append("    capacity: ").append(c.getCapacity()).append('\n');
      }
      y.append("    sensors:\n");
      for (ShelfSensor s : r.getSensorsList()) {
        y.append("      - {id: ").append(quoted(s.getSensorId())).append(", type: ").append(AgentYaml.sensorKind(s.getType()))
            .append(", device: ").append(quoted(s.getDeviceId())).append("}\n");
      }
      y.append("    calibration: {empty_distance_mm: ").append(c.getEmptyDistanceMm()).append(", item_depth_mm: ")
          .append(c.getItemDepthMm()).append(", tare_g: ").append(c.getTareG()).append(", unit_weight_g: ")
          .append(c.getUnitWeightG()).append("}\n");
      if (r.getCameraIdsCount() > 0) {
        y.append("    cameras: [").append(String.join(", ", r.getCameraIdsList().stream().map(AgentYaml::quoted)
            .toList())).append("]\n");
      }
      if (r.getCameraRegionsCount() > 0) {
        y.append("    camera_regions:\n");
        for (CameraRegion g : r.getCameraRegionsList()) {
          y.append("      - {camera: ").append(quoted(g.getCameraId())).append(", x_min: ").append(g.getXMin())
              .append(", x_max: ").append(g.getXMax());
          if (g.getYMax() > 0) {
            y.append(", y_min: ").append(g.getYMin()).append(", y_max: ").append(g.getYMax());
          }
          y.append("}\n");
        }
      }
    }
    return y.toString();
  }
}
