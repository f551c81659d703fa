package org.ezshop.pi.sensor;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.ezshop.edge.v1.Dropout;
import org.ezshop.edge.v1.Reading;

/**
 * An LDR and a capacitor, no ADC: drain the capacitor, then charge it through the LDR and time, in elapsed
 * nanoseconds from the monotonic clock (never loop counts, which depend on the CPU), until the sense pin
 * reads high. The darker the slot, the higher the LDR's resistance and the longer the charge: dark means
 * slower than the calibrated threshold.
 */
public final class RcLight implements ShelfSensor {

  private final DigitalOutput charge;
  private final DigitalInput sense;
  private final LongSupplier nanos;
  private final long drainNanos;
  private final long darkAboveNanos;
  private final long timeoutNanos;

  public RcLight(DigitalOutput charge, DigitalInput sense, LongSupplier nanos, Duration drain, Duration darkAbove,
      Duration timeout) {
    this.charge = charge;
    this.sense = sense;
    this.nanos = nanos;
    this.drainNanos = drain.toNanos();
    this.darkAboveNanos = darkAbove.toNanos();
    this.timeoutNanos = timeout.toNanos();
  }

  @Override
  public Reading.Builder sample() {
    charge.low();
    long drained = nanos.getAsLong() + drainNanos;
    while (nanos.getAsLong() < drained) {
      Thread.onSpinWait();
    }
    charge.high();
    long start = nanos.getAsLong();
    while (sense.isLow()) {
      if (nanos.getAsLong() - start > timeoutNanos) {
        charge.low();
        return Reading.newBuilder().setDropout(Dropout.newBuilder().setReason("capacitor did not charge within "
            + timeoutNanos / 1_000_000 + " ms"));
      }
    }
    long elapsed = nanos.getAsLong() - start;
    charge.low();
    return Reading.newBuilder().setDark(elapsed > darkAboveNanos);
  }
}
