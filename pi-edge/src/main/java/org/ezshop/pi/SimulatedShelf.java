package org.ezshop.pi;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.ezshop.pi.config.ShelfConfig;
import org.ezshop.pi.sensor.ShelfSensor;

/**
 * A simulated shelf behind Pi4J's mock pins, for `pi-edge --simulate`: the real drivers run against pins that
 * answer like sensors watching full rows of {@value #ITEMS} items, which change when told ({@link #command}).
 * Scripted ({@code pickEvery} seconds), a shopper takes an item from every row each {@code pickEvery} seconds until
 * it is empty, then it is restocked, until the first command. Pulse timing runs on a simulated clock: the mock has
 * no sound to wait for.
 */
public final class SimulatedShelf {

  /** The simulated rack's truth, as pi-edge --simulate runs it: what a calibration should find. */
  public static final int ITEMS = 6;
  public static final double EMPTY_MM = 400;
  public static final double ITEM_DEPTH_MM = 60;
  public static final double ITEM_GRAMS = 355;
  private static final double MM_PER_NANO = 343.0e-6;

  private final long pickEveryNanos;
  private final double emptyMm;
  private final long start = System.nanoTime();
  private final Map<String, Integer> held = new ConcurrentHashMap<>();
  private final Set<String> sensors = ConcurrentHashMap.newKeySet();
  private volatile boolean byHand;

  /** @param pickEverySeconds 0: the rows change only when told */
  public SimulatedShelf(long pickEverySeconds) {
    this(pickEverySeconds, EMPTY_MM);
  }

  /** A rack whose ultrasonic rows read {@code emptyMm} with nothing on them. */
  public SimulatedShelf(long pickEverySeconds, double emptyMm) {
    this.pickEveryNanos = pickEverySeconds * 1_000_000_000L;
    this.emptyMm = emptyMm;
    this.byHand = pickEverySeconds == 0;
  }

  /** Items on the sensor's row now. */
  int items(String sensorId) {
    return byHand ? held.getOrDefault(sensorId, ITEMS)
        : ITEMS - (int) (((System.nanoTime() - start) / pickEveryNanos) % (ITEMS + 1));
  }

  /**
   * A hand on the shelf: {@code take SENSOR [N]}, {@code put SENSOR [N]}, {@code empty SENSOR} or {@code fill
   * SENSOR}. The first one stops the script, every row keeping what it holds. Answers what the row holds after, or
   * what was wrong with the line.
   */
  public synchronized String command(String line) {
    String[] words = line.strip().split("\\s+");
    String usage = "say take|put|empty|fill SENSOR [N], one of " + new TreeSet<>(sensors);
    if (words.length < 2 || words.length > 3 || !sensors.contains(words[1])) {
      return usage;
    }
    int n;
    try {
      n = words.length == 3 ? Integer.parseInt(words[2]) : 1;
    } catch (NumberFormatException e) {
      return usage;
    }
    if (!byHand) {
      sensors.forEach(id -> held.put(id, items(id)));
      byHand = true;
    }
    held.putIfAbsent(words[1], ITEMS);
    String sensor = words[1];
    int items = held.get(sensor);
    switch (words[0]) {
      case "take" -> items = Math.max(0, items - n);
      case "put" -> items = Math.min(ITEMS, items + n);
      case "empty" -> items = 0;
      case "fill" -> items = ITEMS;
      default -> {
        return usage;
      }
    }
    held.put(sensor, items);
    return sensor + ": " + items + " item" + (items == 1 ? "" : "s");
  }

  ShelfSensor open(Context pi4j, ShelfConfig.Sensor s) {
    sensors.add(s.id());
    switch (s.kind()) {
      case ULTRASONIC: {
        EchoClock clock = new EchoClock();
        ShelfSensor sensor = Sensors.open(pi4j, s, clock);
        clock.echo = (MockDigitalInput) pi4j.getIO(s.id() + "-echo");
        DigitalOutput trigger = pi4j.getIO(s.id() + "-trigger");
        trigger.addListener(e -> {
          if (e.state() == DigitalState.LOW) {
            double distance = emptyMm - items(s.id()) * ITEM_DEPTH_MM + (Math.random() - 0.5) * 8; // ±4 mm jitter
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
            long charging = items(s.id()) > 0 ? s.darkAbove().toNanos() * 3 : s.darkAbove().toNanos() / 5;
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
          signal.mockState(items(s.id()) > 0 ? DigitalState.HIGH : DigitalState.LOW);
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
          word[0] = (int) Math.round(s.tare() + items(s.id()) * ITEM_GRAMS * s.countsPerGram()
              + (Math.random() - 0.5) * 200);
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
