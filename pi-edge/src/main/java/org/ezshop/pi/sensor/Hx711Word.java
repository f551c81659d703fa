package org.ezshop.pi.sensor;

/** The HX711 load-cell ADC's output word: 24 bits, most significant first, two's complement. */
public final class Hx711Word {

  /** Pulses after the 24 data bits select the next conversion's channel and gain. */
  public enum Gain {
    CHANNEL_A_128(1), CHANNEL_B_32(2), CHANNEL_A_64(3);

    public final int extraPulses;

    Gain(int extraPulses) {
      this.extraPulses = extraPulses;
    }
  }

  private Hx711Word() {
  }

  /** Assembles bits read MSB first (each 0 or 1) into a signed value. */
  public static int decode(int[] bits) {
    if (bits.length != 24) {
      throw new IllegalArgumentException("an HX711 word has 24 bits, not " + bits.length);
    }
    int raw = 0;
    for (int bit : bits) {
      if (bit != 0 && bit != 1) {
        throw new IllegalArgumentException("bits are 0 or 1, not " + bit);
      }
      raw = (raw << 1) | bit;
    }
    return signExtend(raw);
  }

  /** Sign-extends a 24-bit two's complement value to an int. */
  public static int signExtend(int raw24) {
    return (raw24 << 8) >> 8;
  }
}
