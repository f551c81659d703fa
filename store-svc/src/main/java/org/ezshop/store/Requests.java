package org.ezshop.store;

import com.google.protobuf.ProtocolMessageEnum;
import java.util.Set;
import org.ezshop.common.v1.Calibration;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.common.v1.Money;
import org.ezshop.common.v1.SensorType;
import org.ezshop.store.rules.Stores;
import org.ezshop.store.storage.Failures;
import org.ezshop.store.v1.CameraRegion;
import org.ezshop.store.v1.CartEvent;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.RegisterDeviceRequest;
import org.ezshop.store.v1.ShelfRow;
import org.ezshop.store.v1.ShelfSensor;

/** Shape checks on requests, before any state is read: INVALID_ARGUMENT naming the field. */
final class Requests {

  static final Set<String> ITEM_FIELDS = Set.of("name", "price", "stock", "image_url", "low_stock_threshold",
      "age_restricted", "minimum_age");

  private Requests() {
  }

  static void require(boolean ok, String field, String problem) {
    if (!ok) {
      throw Failures.invalid(field, problem);
    }
  }

  static String text(String value, String field) {
    require(!value.isBlank(), field, "required");
    require(value.length() <= 256, field, "longer than 256 characters");
    return value;
  }

  /** A store id named in a request: empty, or a well-formed id. */
  static String storeId(String value, String field) {
    require(value.isEmpty() || value.matches(Stores.ID), field, "lowercase letters, digits and '-', 1 to 40, not '"
        + value + "'");
    return value;
  }

  static void known(ProtocolMessageEnum value, String field) {
    require(value.getNumber() > 0, field, "required");
  }

  static void money(Money money, String field) {
    require(money.getMinorUnits() >= 0, field + ".minor_units", "must be >= 0, not " + money.getMinorUnits());
    require(money.getCurrency().matches("[A-Z]{3}"), field + ".currency", "must be an ISO 4217 code like USD");
  }

  static void item(Item item, Set<String> fields) {
    text(item.getSku(), "item.sku");
    if (fields.contains("name")) {
      text(item.getName(), "item.name");
    }
    if (fields.contains("price")) {
      require(item.hasPrice(), "item.price", "required");
      money(item.getPrice(), "item.price");
    }
    if (fields.contains("stock")) {
      require(item.getStock() >= 0, "item.stock", "must be >= 0, not " + item.getStock());
    }
    if (fields.contains("low_stock_threshold")) {
      require(item.getLowStockThreshold() >= 0, "item.low_stock_threshold", "must be >= 0");
    }
    if (fields.contains("minimum_age")) {
      require(item.getMinimumAge() >= 0 && item.getMinimumAge() <= 99, "item.minimum_age", "must be 0 to 99, not "
          + item.getMinimumAge());
    }
  }

  static void row(ShelfRow row) {
    text(row.getRowId(), "row.row_id");
    text(row.getSku(), "row.sku");
    require(row.getSensorsCount() > 0, "row.sensors", "at least one sensor");
    Calibration c = row.getCalibration();
    for (int i = 0; i < row.getSensorsCount(); i++) {
      ShelfSensor sensor = row.getSensors(i);
      String field = "row.sensors[" + i + "]";
      text(sensor.getSensorId(), field + ".sensor_id");
      text(sensor.getDeviceId(), field + ".device_id");
      known(sensor.getType(), field + ".type");
      if (sensor.getType() == SensorType.SENSOR_TYPE_ULTRASONIC) {
        positive(c.getEmptyDistanceMm(), "row.calibration.empty_distance_mm");
        positive(c.getItemDepthMm(), "row.calibration.item_depth_mm");
      } else if (sensor.getType() == SensorType.SENSOR_TYPE_WEIGHT) {
        positive(c.getUnitWeightG(), "row.calibration.unit_weight_g");
        require(Float.isFinite(c.getTareG()), "row.calibration.tare_g", "must be a number");
      }
    }
    require(c.getCapacity() >= 0, "row.calibration.capacity", "must be >= 0");
    for (int i = 0; i < row.getCameraIdsCount(); i++) {
      text(row.getCameraIds(i), "row.camera_ids[" + i + "]");
    }
    for (int i = 0; i < row.getCameraRegionsCount(); i++) {
      CameraRegion r = row.getCameraRegions(i);
      String field = "row.camera_regions[" + i + "]";
      require(row.getCameraIdsList().contains(r.getCameraId()), field + ".camera_id", "must be one of the row's "
          + "camera_ids, not '" + r.getCameraId() + "'");
      span(r.getXMin(), r.getXMax(), field + ".x_min", field + ".x_max");
      if (r.getYMax() != 0) {
        span(r.getYMin(), r.getYMax(), field + ".y_min", field + ".y_max");
      }
    }
  }

  // A fraction of the frame from min to max: both within 0..1, min below max.
  private static void span(float min, float max, String minField, String maxField) {
    require(min >= 0 && min <= 1, minField, "must be from 0 to 1, not " + min);
    require(max >= 0 && max <= 1, maxField, "must be from 0 to 1, not " + max);
    require(min < max, minField, "must be below " + maxField + " (" + min + " >= " + max + ")");
  }

  static void device(RegisterDeviceRequest request) {
    text(request.getDeviceId(), "device_id");
    known(request.getKind(), "kind");
    if (request.getKind() == DeviceKind.DEVICE_KIND_CAMERA) {
      known(request.getCameraRole(), "camera_role");
    } else {
      require(request.getCameraRole() == CameraRole.CAMERA_ROLE_UNSPECIFIED, "camera_role", "only cameras have one");
    }
    require(request.getToken().length() >= 16, "token", "must be at least 16 characters");
  }

  static void cartEvent(CartEvent event, String field) {
    text(event.getIdempotencyKey(), field + ".idempotency_key");
    text(event.getShopperId(), field + ".shopper_id");
    text(event.getSku(), field + ".sku");
    require(event.getQuantityDelta() != 0, field + ".quantity_delta", "must not be 0");
    require(Float.isFinite(event.getConfidence()) && event.getConfidence() >= 0 && event.getConfidence() <= 1,
        field + ".confidence", "must be from 0 to 1");
    known(event.getCause(), field + ".cause");
  }

  private static void positive(float value, String field) {
    require(Float.isFinite(value) && value > 0, field, "must be a number > 0, not " + value);
  }
}
