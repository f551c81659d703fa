package org.ezshop.pi.sensor;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.function.LongSupplier;
import org.ezshop.edge.v1.Dropout;
import org.ezshop.edge.v1.Reading;

/**
 * HC-SR04 on two GPIO pins: a 10 µs trigger pulse, then the echo pin stays high for as long as the sound took
 * there and back. Each sample is the median of several pings; a ping whose echo does not start and end within
 * the timeout counts as lost, and a sample with mostly lost pings is a dropout, never a number.
 */
public final class Ultrasonic implements ShelfSensor {

  private static final long TRIGGER_NANOS = 10_000;

  private final DigitalOutput trigger;
  private final DigitalInput echo;
  private final LongSupplier nanos;
  private final long timeoutNanos;
  private final int pings;

  /** @param nanos a monotonic clock in nanoseconds (System::nanoTime on a Pi) */
  public Ultrasonic(DigitalOutput trigger, DigitalInput echo, LongSupplier nanos, Duration timeout, int pings) {
    this.trigger = trigger;
    this.echo = echo;
    this.nanos = nanos;
    this.timeoutNanos = timeout.toNanos();
    this.pings = pings;
  }

  @Override
  public Reading.Builder sample() {
    long[] echoes = new long[pings];
    for (int i = 0; i < pings; i++) {
      echoes[i] = ping();
    }
    OptionalDouble distance = EchoTiming.medianDistanceMm(echoes);
    return distance.isPresent()
        ? Reading.newBuilder().setDistanceMm((float) distance.getAsDouble())
        : Reading.newBuilder().setDropout(Dropout.newBuilder().setReason("no echo within " + timeoutNanos / 1000
            + " µs in most of " + pings + " pings"));
  }

  /** Echo width in nanoseconds, or -1 when the echo did not come and go within the timeout. */
  long ping() {
    trigger.high();
    waitNanos(TRIGGER_NANOS);
    trigger.low();
    long start = nanos.getAsLong();
    while (echo.isLow()) {
      if (nanos.getAsLong() - start > timeoutNanos) {
        return -1;
      }
    }
    long rise = nanos.getAsLong();
    while (echo.isHigh()) {
      if (nanos.getAsLong() - rise > timeoutNanos) {
        return -1;
      }
    }
    return nanos.getAsLong() - rise;
  }

  // Microsecond waits: sleeping is far too coarse, so spin on the clock.
  private void waitNanos(long duration) {
    long until = nanos.getAsLong() + duration;
    while (nanos.getAsLong() < until) {
      Thread.onSpinWait();
    }
  }
}
