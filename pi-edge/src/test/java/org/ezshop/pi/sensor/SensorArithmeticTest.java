package org.ezshop.pi.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class SensorArithmeticTest {

  @Test
  void anEchoOf1166MicrosecondsIs200Millimetres() {
    assertEquals(200.0, EchoTiming.distanceMm(1_166_000), 2.0);
  }

  @Test
  void theMedianIgnoresOneStrayPingAndTimeouts() {
    OptionalDouble d = EchoTiming.medianDistanceMm(1_166_000, 1_170_000, 300_000, 1_160_000, -1);
    assertEquals(200.0, d.orElseThrow(), 2.0);
  }

  @Test
  void mostlyTimeoutsAreADropoutNotANumber() {
    assertTrue(EchoTiming.medianDistanceMm(-1, -1, 1_166_000).isEmpty());
    assertTrue(EchoTiming.medianDistanceMm().isEmpty());
    assertThrows(IllegalArgumentException.class, () -> EchoTiming.distanceMm(-5));
  }

  @Test
  void hx711WordsDecodeAsSigned24Bit() {
    assertEquals(0, Hx711Word.decode(bits(0x000000)));
    assertEquals(8_388_607, Hx711Word.decode(bits(0x7FFFFF)));
    assertEquals(-8_388_608, Hx711Word.decode(bits(0x800000)));
    assertEquals(-1, Hx711Word.decode(bits(0xFFFFFF)));
    assertEquals(-123_456, Hx711Word.decode(bits(-123_456 & 0xFFFFFF)));
    assertThrows(IllegalArgumentException.class, () -> Hx711Word.decode(new int[23]));
  }

  private static int[] bits(int raw24) {
    int[] bits = new int[24];
    for (int i = 0; i < 24; i++) {
      bits[i] = (raw24 >> (23 - i)) & 1;
    }
    return bits;
  }
}
