package org.ezshop.pi.sensor;

import org.ezshop.edge.v1.Reading;

/** One sensor on a shelf row: takes a sample on demand. The sampler adds the sensor id and capture time. */
public interface ShelfSensor {

  /** A value ({@code distance_mm}, {@code dark} or {@code weight_g}), or a dropout saying why there is none. */
  Reading.Builder sample();
}
