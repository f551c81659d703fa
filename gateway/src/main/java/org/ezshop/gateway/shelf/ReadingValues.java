package org.ezshop.gateway.shelf;

import org.ezshop.common.v1.SensorType;
import org.ezshop.edge.v1.GatewayNoticeKind;
import org.ezshop.edge.v1.Reading;
import org.ezshop.gateway.Notices;

/** A reading's value as shelf processing takes it, checked against the sensor's type. */
final class ReadingValues {

  private ReadingValues() {
  }

  /** The value; NaN for a refused one, with a notice added. Dropouts are taken before this. */
  static double of(Reading r, SensorType type, int index, Notices notices) {
    switch (r.getValueCase()) {
      case DISTANCE_MM:
        if (type != SensorType.SENSOR_TYPE_ULTRASONIC) {
          return wrong(notices, field(index, "distance_mm"), type);
        }
        if (!Float.isFinite(r.getDistanceMm()) || r.getDistanceMm() < 0) {
          notices.add(GatewayNoticeKind.GATEWAY_NOTICE_KIND_INVALID_DATA, field(index, "distance_mm"),
              "must be finite and >= 0, not " + r.getDistanceMm());
          return Double.NaN;
        }
        return r.getDistanceMm();
      case WEIGHT_G:
        if (type != SensorType.SENSOR_TYPE_WEIGHT) {
          return wrong(notices, field(index, "weight_g"), type);
        }
        if (!Float.isFinite(r.getWeightG())) {
          notices.add(GatewayNoticeKind.GATEWAY_NOTICE_KIND_INVALID_DATA, field(index, "weight_g"),
              "must be finite, not " + r.getWeightG());
          return Double.NaN;
        }
        return r.getWeightG();
      case DARK:
        return type == SensorType.SENSOR_TYPE_LIGHT ? (r.getDark() ? 1 : 0) : wrong(notices, field(index, "dark"), type);
      default:
        notices.add(GatewayNoticeKind.GATEWAY_NOTICE_KIND_INVALID_DATA, "readings[" + index + "]", "no value");
        return Double.NaN;
    }
  }

  // Built only for a notice: the good path allocates nothing per reading.
  private static String field(int index, String name) {
    return "readings[" + index + "]." + name;
  }

  private static double wrong(Notices notices, String field, SensorType type) {
    notices.add(GatewayNoticeKind.GATEWAY_NOTICE_KIND_INVALID_DATA, field, "not a value a " + type + " sensor reports");
    return Double.NaN;
  }
}
