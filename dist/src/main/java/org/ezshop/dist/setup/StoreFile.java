package org.ezshop.dist.setup;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ezshop.common.v1.Calibration;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.common.v1.Money;
import org.ezshop.common.v1.SensorType;
import org.ezshop.edgelink.YamlConfig.Fields;
import org.ezshop.edgelink.YamlConfig.Invalid;
import org.ezshop.edgelink.YamlConfig;
import org.ezshop.store.v1.CameraRegion;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.ShelfRow;
import org.ezshop.store.v1.ShelfSensor;

/**
 * A whole store declared in YAML (examples/original-rack/store.yaml): its items, devices and shelf rows, read and
 * checked whole before anything is sent, every problem naming its line and field.
 *
 * @param sensors each row's sensors as its shelf agent reads them: kind and wiring, which the platform does not keep
 */
public record StoreFile(List<Item> items, List<Device> devices, List<ShelfRow> rows, List<AgentSensor> sensors) {

  /** A device to register; {@code sourceDir} is the desktop camera runner's folder of images (absolute). */
  public record Device(String id, DeviceKind kind, CameraRole role, Optional<String> sourceDir) {
  }

  /** A sensor as its agent's config lists it: the agent's kind (ultrasonic, light, light_rc, hx711) and wiring. */
  public record AgentSensor(String id, String rowId, String deviceId, String kind, Map<String, String> wiring) {
  }

  private static final Map<String, SensorType> KINDS = Map.of("ultrasonic", SensorType.SENSOR_TYPE_ULTRASONIC,
      "light", SensorType.SENSOR_TYPE_LIGHT, "light_rc", SensorType.SENSOR_TYPE_LIGHT,
      "hx711", SensorType.SENSOR_TYPE_WEIGHT);
  private static final Map<String, CameraRole> ROLES = Map.of("entrance", CameraRole.CAMERA_ROLE_ENTRANCE,
      "exit", CameraRole.CAMERA_ROLE_EXIT, "shelf", CameraRole.CAMERA_ROLE_SHELF);
  private static final Set<String> CALIBRATION = Set.of("empty_distance_mm", "item_depth_mm", "tare_g",
      "unit_weight_g");

  /** @throws Invalid naming file, line and field; {@code env} resolves values written as ${NAME} */
  public static StoreFile read(Path file, Map<String, String> env) throws Invalid {
    Fields top = YamlConfig.read(file, env, "currency, items, devices, rows");
    top.only(Set.of("currency", "items", "devices", "rows"));
    String currency = top.text("currency", "USD");
    if (!currency.matches("[A-Z]{3}")) {
      throw top.invalid("currency", "'" + currency + "' is not an ISO 4217 code such as USD");
    }
    Map<String, Item> items = new LinkedHashMap<>();
    for (Fields f : listed(top, "items")) {
      Item item = item(f, currency);
      if (items.putIfAbsent(item.getSku(), item) != null) {
        throw f.invalid("sku", "'" + item.getSku() + "' is listed twice");
      }
    }
    Map<String, Device> devices = new LinkedHashMap<>();
    for (Fields f : listed(top, "devices")) {
      Device device = device(f, file.toAbsolutePath().getParent());
      if (devices.putIfAbsent(device.id(), device) != null) {
        throw f.invalid("id", "'" + device.id() + "' is listed twice");
      }
    }
    List<ShelfRow> rows = new ArrayList<>();
    List<AgentSensor> sensors = new ArrayList<>();
    Map<String, String> rowIds = new HashMap<>();
    for (Fields f : listed(top, "rows")) {
      ShelfRow row = row(f, items, devices, sensors);
      if (rowIds.putIfAbsent(row.getRowId(), row.getRowId()) != null) {
        throw f.invalid("id", "'" + row.getRowId() + "' is listed twice");
      }
      rows.add(row);
    }
    return new StoreFile(List.copyOf(items.values()), List.copyOf(devices.values()), rows, sensors);
  }

  /**
   * The same store as one store of a chain: every id (items' SKUs, devices, cameras, rows, sensors) begins with
   * the store's id, as ids are unique across a chain.
   */
  public StoreFile forStore(String storeId) {
    java.util.function.UnaryOperator<String> id = name -> storeId + "-" + name;
    List<ShelfRow> prefixedRows = rows.stream().map(r -> {
      ShelfRow.Builder row = r.toBuilder().setRowId(id.apply(r.getRowId())).setSku(id.apply(r.getSku()))
          .clearCameraIds().addAllCameraIds(r.getCameraIdsList().stream().map(id).toList());
      row.getSensorsBuilderList().forEach(s -> s.setSensorId(id.apply(s.getSensorId()))
          .setDeviceId(id.apply(s.getDeviceId())));
      row.getCameraRegionsBuilderList().forEach(c -> c.setCameraId(id.apply(c.getCameraId())));
      return row.build();
    }).toList();
    return new StoreFile(
        items.stream().map(i -> i.toBuilder().setSku(id.apply(i.getSku())).build()).toList(),
        devices.stream().map(d -> new Device(id.apply(d.id()), d.kind(), d.role(), d.sourceDir())).toList(),
        prefixedRows,
        sensors.stream().map(s -> new AgentSensor(id.apply(s.id()), id.apply(s.rowId()), id.apply(s.deviceId()),
            s.kind(), s.wiring())).toList());
  }

  private static List<Fields> listed(Fields top, String key) throws Invalid {
    return top.has(key) ? top.sequence(key) : List.of();
  }

  private static Item item(Fields f, String currency) throws Invalid {
    f.only(Set.of("sku", "name", "price", "stock", "low_stock", "image_url", "age_restricted", "minimum_age"));
    BigDecimal price;
    try {
      price = new BigDecimal(f.text("price", null));
    } catch (NumberFormatException e) {
      throw f.invalid("price", "'" + f.text("price", null) + "' is not a number");
    }
    if (price.signum() < 0) {
      throw f.invalid("price", price + " is negative");
    }
    if (price.stripTrailingZeros().scale() > 2) {
      throw f.invalid("price", price + " has more than 2 decimals");
    }
    String restricted = f.text("age_restricted", "false");
    if (!restricted.equals("true") && !restricted.equals("false")) {
      throw f.invalid("age_restricted", "true or false, not '" + restricted + "'");
    }
    if (f.has("minimum_age") && restricted.equals("false")) {
      throw f.invalid("minimum_age", "only an item with age_restricted: true has a minimum age");
    }
    return Item.newBuilder().setSku(f.text("sku", null)).setName(f.text("name", null))
        .setAgeRestricted(restricted.equals("true")).setMinimumAge(f.integer("minimum_age", 0, 0, 99))
        .setPrice(Money.newBuilder().setMinorUnits(price.movePointRight(2).longValueExact()).setCurrency(currency))
        .setStock(f.integer("stock", 0, 0, Integer.MAX_VALUE))
        .setLowStockThreshold(f.integer("low_stock", 0, 0, Integer.MAX_VALUE))
        .setImageUrl(f.has("image_url") ? f.text("image_url", null) : "").build();
  }

  private static Device device(Fields f, Path base) throws Invalid {
    f.only(Set.of("id", "kind", "role", "source_dir"));
    String id = f.text("id", null);
    String kind = f.text("kind", null);
    if (kind.equals("shelf")) {
      if (f.has("role") || f.has("source_dir")) {
        throw f.invalid(f.has("role") ? "role" : "source_dir", "only a camera has one");
      }
      return new Device(id, DeviceKind.DEVICE_KIND_SHELF, CameraRole.CAMERA_ROLE_UNSPECIFIED, Optional.empty());
    }
    if (!kind.equals("camera")) {
      throw f.invalid("kind", "'" + kind + "' is not one of shelf, camera");
    }
    CameraRole role = ROLES.get(f.text("role", null));
    if (role == null) {
      throw f.invalid("role", "'" + f.text("role", null) + "' is not one of entrance, exit, shelf");
    }
    return new Device(id, DeviceKind.DEVICE_KIND_CAMERA, role,
        f.has("source_dir") ? Optional.of(base.resolve(f.text("source_dir", null)).normalize().toString())
            : Optional.empty());
  }

  private static ShelfRow row(Fields f, Map<String, Item> items, Map<String, Device> devices,
      List<AgentSensor> sensors) throws Invalid {
    f.only(Set.of("id", "sku", "capacity", "sensors", "calibration", "cameras", "camera_regions"));
    String rowId = f.text("id", null);
    String sku = f.text("sku", null);
    if (!items.containsKey(sku)) {
      throw f.invalid("sku", "'" + sku + "' is not an item in this file");
    }
    ShelfRow.Builder row = ShelfRow.newBuilder().setRowId(rowId).setSku(sku);
    List<Fields> entries = f.sequence("sensors");
    if (entries.isEmpty()) {
      throw f.invalid("sensors", "a row needs at least one sensor");
    }
    Set<String> kinds = new java.util.HashSet<>();
    for (Fields s : entries) {
      String id = s.text("id", null);
      if (sensors.stream().anyMatch(other -> other.id().equals(id))) {
        throw s.invalid("id", "'" + id + "' is used by another sensor");
      }
      String kind = s.text("type", null);
      if (!KINDS.containsKey(kind)) {
        throw s.invalid("type", "'" + kind + "' is not one of ultrasonic, light, light_rc, hx711");
      }
      String deviceId = s.text("device", null);
      Device device = devices.get(deviceId);
      if (device == null || device.kind() != DeviceKind.DEVICE_KIND_SHELF) {
        throw s.invalid("device", "'" + deviceId + "' is not a shelf device in this file");
      }
      Map<String, String> wiring = new LinkedHashMap<>();
      for (String key : s.keys()) {
        if (!Set.of("id", "type", "device").contains(key)) {
          wiring.put(key, s.text(key, null));
        }
      }
      sensors.add(new AgentSensor(id, rowId, deviceId, kind, wiring));
      kinds.add(kind);
      row.addSensors(ShelfSensor.newBuilder().setSensorId(id).setType(KINDS.get(kind)).setDeviceId(deviceId));
    }
    row.setCalibration(calibration(f, kinds));
    List<String> cameras = f.texts("cameras");
    for (String camera : cameras) {
      Device device = devices.get(camera);
      if (device == null || device.role() != CameraRole.CAMERA_ROLE_SHELF) {
        throw f.invalid("cameras", "'" + camera + "' is not a shelf camera in this file");
      }
    }
    row.addAllCameraIds(cameras);
    if (f.has("camera_regions")) {
      for (Fields r : f.sequence("camera_regions")) {
        row.addCameraRegions(region(r, cameras));
      }
    }
    return row.build();
  }

  private static Calibration calibration(Fields row, Set<String> kinds) throws Invalid {
    Fields f = row.mapping("calibration");
    f.only(CALIBRATION);
    Calibration.Builder c = Calibration.newBuilder().setCapacity(row.integer("capacity", 0, 0, 1_000_000));
    for (String key : CALIBRATION) {
      if (f.has(key) && f.decimal(key) < 0) {
        throw f.invalid(key, f.decimal(key) + " is negative");
      }
    }
    if (kinds.contains("ultrasonic")) {
      double empty = positive(f, "empty_distance_mm");
      double depth = positive(f, "item_depth_mm");
      if (depth >= empty) {
        throw f.invalid("item_depth_mm", depth + " is not below empty_distance_mm " + empty);
      }
      c.setEmptyDistanceMm((float) empty).setItemDepthMm((float) depth);
    }
    if (kinds.contains("hx711")) {
      c.setTareG(f.has("tare_g") ? (float) f.decimal("tare_g") : 0).setUnitWeightG((float) positive(f,
          "unit_weight_g"));
    }
    return c.build();
  }

  private static double positive(Fields f, String key) throws Invalid {
    double value = f.decimal(key);
    if (value <= 0) {
      throw f.invalid(key, "must be above 0");
    }
    return value;
  }

  private static CameraRegion region(Fields r, List<String> cameras) throws Invalid {
    r.only(Set.of("camera", "x_min", "x_max", "y_min", "y_max"));
    String camera = r.text("camera", null);
    if (!cameras.contains(camera)) {
      throw r.invalid("camera", "'" + camera + "' is not one of the row's cameras " + cameras);
    }
    double[] x = range(r, "x_min", "x_max");
    double[] y = r.has("y_min") || r.has("y_max") ? range(r, "y_min", "y_max") : new double[] {0, 0};
    return CameraRegion.newBuilder().setCameraId(camera).setXMin((float) x[0]).setXMax((float) x[1])
        .setYMin((float) y[0]).setYMax((float) y[1]).build();
  }

  private static double[] range(Fields r, String minKey, String maxKey) throws Invalid {
    double min = r.decimal(minKey);
    double max = r.decimal(maxKey);
    if (min < 0 || min > 1) {
      throw r.invalid(minKey, min + " is outside 0-1 (a fraction of the frame)");
    }
    if (max < 0 || max > 1) {
      throw r.invalid(maxKey, max + " is outside 0-1 (a fraction of the frame)");
    }
    if (min >= max) {
      throw r.invalid(minKey, min + " is not below " + maxKey + " " + max);
    }
    return new double[] {min, max};
  }
}
