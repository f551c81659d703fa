package org.ezshop.pi.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.ezshop.edge.v1.Reading;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The drivers against Pi4J's mock platform, with a scripted clock so that pulse timing is exact. */
class DriversOnMockPlatformTest {

  private Context pi4j;

  /** Advances 1 µs per read and runs the scripted pin changes that fall due. */
  private static final class ScriptedClock implements LongSupplier {
    long now;
    final List<long[]> changes = new ArrayList<>(); // {at, 0/1}
    MockDigitalInput pin;

    @Override
    public long getAsLong() {
      now += 1_000;
      while (!changes.isEmpty() && changes.get(0)[0] <= now) {
        pin.mockState(changes.remove(0)[1] == 1 ? DigitalState.HIGH : DigitalState.LOW);
      }
      return now;
    }
  }

  @BeforeEach
  void mockPi() {
    pi4j = Pi4J.newContextBuilder().add(new MockPlatform())
        .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build();
  }

  @AfterEach
  void shutdown() {
    pi4j.shutdown();
  }

  private DigitalOutput output(int pin) {
    return pi4j.create(DigitalOutput.newConfigBuilder(pi4j).id("out" + pin).address(pin).initial(DigitalState.LOW));
  }

  private MockDigitalInput input(int pin) {
    return (MockDigitalInput) pi4j.create(DigitalInput.newConfigBuilder(pi4j).id("in" + pin).address(pin));
  }

  @Test
  void anEchoOf1166MicrosecondsReads200Millimetres() {
    ScriptedClock clock = new ScriptedClock();
    DigitalOutput trigger = output(23);
    clock.pin = input(24);
    // Each falling trigger: the echo rises 100 µs later and stays high 1166 µs.
    trigger.addListener(event -> {
      if (event.state() == DigitalState.LOW) {
        clock.changes.add(new long[] {clock.now + 100_000, 1});
        clock.changes.add(new long[] {clock.now + 100_000 + 1_166_000, 0});
      }
    });
    Reading reading = new Ultrasonic(trigger, clock.pin, clock, Duration.ofMillis(30), 5).sample().build();
    assertEquals(200.0, reading.getDistanceMm(), 2.0);
  }

  @Test
  void aMissingEchoIsADropoutWithinTheTimeout() {
    ScriptedClock clock = new ScriptedClock();
    clock.pin = input(24);
    long start = clock.now;
    Reading reading = new Ultrasonic(output(23), clock.pin, clock, Duration.ofMillis(30), 3).sample().build();
    assertTrue(reading.hasDropout(), reading.toString());
    long spent = clock.now - start;
    assertTrue(spent <= 3 * (30_000_000 + 50_000), "gave up within the timeout per ping, not " + spent + " ns");
  }

  @Test
  void anRcLightTimesTheChargeInNanoseconds() {
    for (long chargeNanos : new long[] {300_000, 4_000_000}) {
      ScriptedClock clock = new ScriptedClock();
      DigitalOutput charge = output(20);
      clock.pin = input(21);
      charge.addListener(event -> {
        if (event.state() == DigitalState.HIGH) {
          clock.changes.add(new long[] {clock.now + chargeNanos, 1});
        } else {
          clock.pin.mockState(DigitalState.LOW);
        }
      });
      Reading reading = new RcLight(charge, clock.pin, clock, Duration.ofMillis(1), Duration.ofMillis(1),
          Duration.ofMillis(20)).sample().build();
      assertEquals(chargeNanos > 1_000_000, reading.getDark(), "charge of " + chargeNanos + " ns");
      pi4j.shutdown();
      mockPi();
    }
  }

  @Test
  void anRcLightThatNeverChargesIsADropout() {
    ScriptedClock clock = new ScriptedClock();
    clock.pin = input(21);
    Reading reading = new RcLight(output(20), clock.pin, clock, Duration.ofMillis(1), Duration.ofMillis(1),
        Duration.ofMillis(20)).sample().build();
    assertTrue(reading.hasDropout());
  }

  @Test
  void hx711BitsDecodeToSignedWeights() {
    for (int raw : new int[] {0, 123_456, -123_456, 8_388_607, -8_388_608}) {
      DigitalOutput clockPin = output(6);
      MockDigitalInput data = input(5);
      int[] sent = {0};
      // DOUT presents the next bit, MSB first, on each rising clock edge of the first 24.
      clockPin.addListener(event -> {
        if (event.state() == DigitalState.HIGH && sent[0] < 24) {
          data.mockState(((raw >> (23 - sent[0]++)) & 1) == 1 ? DigitalState.HIGH : DigitalState.LOW);
        }
      });
      data.mockState(DigitalState.LOW); // ready
      LoadCell cell = new LoadCell(data, clockPin, System::nanoTime, Duration.ofMillis(100),
          Hx711Word.Gain.CHANNEL_A_128, 1000, 2.0);
      assertEquals((raw - 1000) / 2.0, cell.sample().build().getWeightG(), 0.5, "raw " + raw);
      pi4j.shutdown();
      mockPi();
    }
  }

  @Test
  void anHx711ThatIsNeverReadyIsADropout() {
    MockDigitalInput data = input(5);
    data.mockState(DigitalState.HIGH);
    Reading reading = new LoadCell(data, output(6), System::nanoTime, Duration.ofMillis(20),
        Hx711Word.Gain.CHANNEL_A_64, 0, 1).sample().build();
    assertTrue(reading.hasDropout());
  }
}
