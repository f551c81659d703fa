package org.ezshop.pi.sensor;

import com.pi4j.io.gpio.digital.DigitalInput;
import org.ezshop.edge.v1.Reading;

/** An LDR module's digital output: high while the slot is dark, that is, while an item covers it. */
public final class LightGate implements ShelfSensor {

  private final DigitalInput signal;

  public LightGate(DigitalInput signal) {
    this.signal = signal;
  }

  @Override
  public Reading.Builder sample() {
    return Reading.newBuilder().setDark(signal.isHigh());
  }
}
