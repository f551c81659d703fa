package org.ezshop.pi;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import java.util.function.LongSupplier;
import org.ezshop.pi.config.ShelfConfig;
import org.ezshop.pi.sensor.ShelfSensor;

/**
 * A scripted shelf behind Pi4J's mock pins, for `pi-edge --simulate`: the real drivers run against pins that
 * answer like sensors watching a row from which a shopper takes an item every {@code pickEvery} seconds until
 * it is empty, then restocks it. Pulse timing runs on a simulated clock: the mock has no sound to wait for.
 */
final class SimulatedShelf {

  private static final double MM_PER_NANO = 343.0e-6;
  private static final int ITEMS = 6;
  private static final double EMPTY_MM = 400;
  private static final double ITEM_DEPTH_MM = 60;
  private static final double ITEM_GRAMS = 355;

  private final long pickEveryNanos;
  private final long start = System.nanoTime();

  SimulatedShelf(long pickEverySeconds) {
    this.pickEveryNanos = pickEverySeconds * 1_000_000_000L;
  }

  /** Items on the row now. */
  int items() {
    return ITEMS - (int) (((System.nanoTime() - start) / pickEveryNanos) % (ITEMS + 1));
  }

  ShelfSensor open(Context pi4j, ShelfConfig.Sensor s) {
    switch (s.kind()) {
      case ULTRASONIC: {
        EchoClock clock = new EchoClock();
        ShelfSensor sensor = Sensors.open(pi4j, s, clock);
        clock.echo = (MockDigitalInput) pi4j.getIO(s.id() + "-echo");
        DigitalOutput trigger = pi4j.getIO(s.id() + "-trigger");
        trigger.addListener(e -> {
          if (e.state() == DigitalState.LOW) {
            double distance = EMPTY_MM - items() * ITEM_DEPTH_MM + (Math.random() - 0.5) * 8; // ±4 mm jitter
            clock.echoAt(clock.now + 200_000, (long) (2 * distance / MM_PER_NANO));
          }
        });
        return sensor;
      }
      case LIGHT_RC: {
        EchoClock clock = new EchoClock();
        ShelfSensor sensor = Sensors.open(pi4j, s, clock);
        clock.echo = (MockDigitalInput) pi4j.getIO(s.id() + "-sense");
        DigitalOutput charge = pi4j.getIO(s.id() + "-charge");
        charge.addListener(e -> {
          if (e.state() == DigitalState.HIGH) { // covered: the LDR is dark and charging is slow
            long charging = items() > 0 ? s.darkAbove().toNanos() * 3 : s.darkAbove().toNanos() / 5;
            clock.echoAt(clock.now + charging, Long.MAX_VALUE / 4);
          } else {
            clock.echo.mockState(DigitalState.LOW);
          }
        });
        return sensor;
      }
      case LIGHT: {
        ShelfSensor sensor = Sensors.open(pi4j, s, System::nanoTime);
        MockDigitalInput signal = pi4j.getIO(s.id() + "-signal");
        return () -> {
          signal.mockState(items() > 0 ? DigitalState.HIGH : DigitalState.LOW);
          return sensor.sample();
        };
      }
      case HX711: {
        ShelfSensor sensor = Sensors.open(pi4j, s, System::nanoTime);
        MockDigitalInput data = pi4j.getIO(s.id() + "-data");
        DigitalOutput clock = pi4j.getIO(s.id() + "-clock");
        int[] bit = {24};
        int[] word = {0};
        clock.addListener(e -> {
          if (e.state() == DigitalState.HIGH && bit[0] < 24) {
            data.mockState(((word[0] >> (23 - bit[0]++)) & 1) == 1 ? DigitalState.HIGH : DigitalState.LOW);
          }
        });
        return () -> {
          word[0] = (int) Math.round(s.tare() + items() * ITEM_GRAMS * s.countsPerGram() + (Math.random() - 0.5) * 200);
          bit[0] = 0;
          data.mockState(DigitalState.LOW); // conversion ready
          return sensor.sample();
        };
      }
      default:
        throw new IllegalArgumentException("no simulation for " + s.kind());
    }
  }

  /** A simulated clock: 1 µs per read, raising and dropping a scripted input pin when due. */
  private static final class EchoClock implements LongSupplier {
    long now;
    long riseAt = Long.MAX_VALUE;
    long fallAt = Long.MAX_VALUE;
    MockDigitalInput echo;

    void echoAt(long rise, long width) {
      riseAt = rise;
      fallAt = rise + width;
    }

    @Override
    public long getAsLong() {
      now += 1_000;
      if (now >= riseAt) {
        echo.mockState(DigitalState.HIGH);
        riseAt = Long.MAX_VALUE;
      }
      if (now >= fallAt) {
        echo.mockState(DigitalState.LOW);
        fallAt = Long.MAX_VALUE;
      }
      return now;
    }
  }
}
