package org.ezshop.pi.sensor;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.ezshop.edge.v1.Dropout;
import org.ezshop.edge.v1.Reading;

/**
 * HX711 load-cell ADC, bit-banged: wait until DOUT goes low (a conversion is ready), clock out 24 bits MSB
 * first, then 1-3 more clock pulses choose the next conversion's channel and gain. Weight is
 * (raw - tare) / counts per gram, both from calibration.
 */
public final class LoadCell implements ShelfSensor {

  private final DigitalInput data;
  private final DigitalOutput clock;
  private final LongSupplier nanos;
  private final long readyTimeoutNanos;
  private final Hx711Word.Gain gain;
  private final double tareCounts;
  private final double countsPerGram;

  public LoadCell(DigitalInput data, DigitalOutput clock, LongSupplier nanos, Duration readyTimeout, Hx711Word.Gain gain,
      double tareCounts, double countsPerGram) {
    if (countsPerGram == 0 || !Double.isFinite(countsPerGram)) {
      throw new IllegalArgumentException("counts per gram must be a non-zero number, not " + countsPerGram);
    }
    this.data = data;
    this.clock = clock;
    this.nanos = nanos;
    this.readyTimeoutNanos = readyTimeout.toNanos();
    this.gain = gain;
    this.tareCounts = tareCounts;
    this.countsPerGram = countsPerGram;
  }

  @Override
  public Reading.Builder sample() {
    long start = nanos.getAsLong();
    while (data.isHigh()) {
      if (nanos.getAsLong() - start > readyTimeoutNanos) {
        return Reading.newBuilder().setDropout(Dropout.newBuilder().setReason("HX711 not ready within "
            + readyTimeoutNanos / 1_000_000 + " ms"));
      }
    }
    return Reading.newBuilder().setWeightG((float) ((readRaw() - tareCounts) / countsPerGram));
  }

  /** One conversion, as a signed count. */
  int readRaw() {
    int[] bits = new int[24];
    for (int i = 0; i < 24; i++) {
      clock.high();
      bits[i] = data.isHigh() ? 1 : 0;
      clock.low();
    }
    for (int i = 0; i < gain.extraPulses; i++) {
      clock.high();
      clock.low();
    }
    return Hx711Word.decode(bits);
  }
}
