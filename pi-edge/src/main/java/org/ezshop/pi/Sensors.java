package org.ezshop.pi;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.ezshop.pi.config.ShelfConfig;
import org.ezshop.pi.sensor.Hx711Word;
import org.ezshop.pi.sensor.LightGate;
import org.ezshop.pi.sensor.LoadCell;
import org.ezshop.pi.sensor.RcLight;
import org.ezshop.pi.sensor.ShelfSensor;
import org.ezshop.pi.sensor.Ultrasonic;

/** Opens a configured sensor's pins and builds its driver. */
final class Sensors {

  private Sensors() {
  }

  static DigitalOutput output(Context pi4j, String id, int pin) {
    return pi4j.create(DigitalOutput.newConfigBuilder(pi4j).id(id).address(pin).initial(DigitalState.LOW)
        .shutdown(DigitalState.LOW));
  }

  static DigitalInput input(Context pi4j, String id, int pin) {
    return pi4j.create(DigitalInput.newConfigBuilder(pi4j).id(id).address(pin));
  }

  /** @param nanos the clock the driver times pulses with */
  static ShelfSensor open(Context pi4j, ShelfConfig.Sensor s, LongSupplier nanos) {
    switch (s.kind()) {
      case ULTRASONIC:
        return new Ultrasonic(output(pi4j, s.id() + "-trigger", s.pins().get("trigger")),
            input(pi4j, s.id() + "-echo", s.pins().get("echo")), nanos, s.timeout(), s.pings());
      case LIGHT:
        return new LightGate(input(pi4j, s.id() + "-signal", s.pins().get("signal")));
      case LIGHT_RC:
        return new RcLight(output(pi4j, s.id() + "-charge", s.pins().get("charge")),
            input(pi4j, s.id() + "-sense", s.pins().get("sense")), nanos, Duration.ofMillis(1), s.darkAbove(), s.timeout());
      case HX711:
        Hx711Word.Gain gain = s.gain() == 128 ? Hx711Word.Gain.CHANNEL_A_128
            : s.gain() == 64 ? Hx711Word.Gain.CHANNEL_A_64 : Hx711Word.Gain.CHANNEL_B_32;
        return new LoadCell(input(pi4j, s.id() + "-data", s.pins().get("data")),
            output(pi4j, s.id() + "-clock", s.pins().get("clock")), nanos, s.timeout(), gain, s.tare(), s.countsPerGram());
      default:
        throw new IllegalArgumentException("no driver for " + s.kind());
    }
  }
}
