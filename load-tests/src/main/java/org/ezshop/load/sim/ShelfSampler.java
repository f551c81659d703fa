package org.ezshop.load.sim;

import java.util.List;
import java.util.Random;
import org.ezshop.edge.v1.Dropout;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.rpc.EpochMillis;

/**
 * One shelf agent's sensors, sampled every {@link #SAMPLE_MILLIS} and sent in batches: what the plan puts on each
 * row, seen through the sensor's noise. Ultrasonic: jitter, lost echoes, bursts of dropouts, a hand in the beam reads
 * near. Load cell: noise, slow drift, a hand presses (lightly, or in the hard profile with up to three items' weight). Light gate: dark while an item or a hand covers it.
 */
final class ShelfSampler {

  static final long SAMPLE_MILLIS = 100;
  private static final double DRIFT_G_PER_MS = 5.0 / 60_000;

  private final Plan plan;
  private final List<Plan.Row> rows;
  private final SimDevice device;
  private final long start;
  private final Random random;
  private final long[] dropoutUntil;
  private final double[] driftSign;
  private long next;

  ShelfSampler(Plan plan, List<Plan.Row> rows, SimDevice device, long start, Random random) {
    this.plan = plan;
    this.rows = rows;
    this.device = device;
    this.start = start;
    this.random = random;
    this.dropoutUntil = new long[rows.size()];
    this.driftSign = new double[rows.size()];
    for (int i = 0; i < driftSign.length; i++) {
      driftSign[i] = random.nextBoolean() ? 1 : -1;
    }
  }

  /** Sends the samples due up to {@code now} (real ms since the start) as one batch. */
  void sampleUpTo(long now) {
    ReadingBatch.Builder batch = ReadingBatch.newBuilder();
    for (; next <= now; next += SAMPLE_MILLIS) {
      for (int i = 0; i < rows.size(); i++) {
        batch.addReadings(sample(i, rows.get(i), next));
      }
    }
    if (batch.getReadingsCount() > 0) {
      device.send(EdgeMessage.newBuilder().setReadings(batch));
    }
  }

  private Reading sample(int i, Plan.Row row, long t) {
    Reading.Builder r = Reading.newBuilder().setSensorId(row.sensorId())
        .setCapturedAt(EpochMillis.timestamp(device.deviceTime(start + t)));
    int level = plan.level(row.index(), t);
    Plan.Hand hand = plan.hand(row.index(), t);
    switch (row.type()) {
      case SENSOR_TYPE_ULTRASONIC -> {
        if (t < dropoutUntil[i] || random.nextDouble() < 0.01) {
          return r.setDropout(Dropout.newBuilder().setReason("no echo")).build();
        }
        if (random.nextDouble() < 0.002) {
          dropoutUntil[i] = t + 500;
        }
        var c = row.calibration();
        return r.setDistanceMm(hand != null ? 60 + 40 * random.nextFloat()
            : (float) (c.getEmptyDistanceMm() - c.getItemDepthMm() * level + random.nextGaussian() * 1.5)).build();
      }
      case SENSOR_TYPE_WEIGHT -> {
        var c = row.calibration();
        double grams = c.getTareG() + c.getUnitWeightG() * level + driftSign[i] * DRIFT_G_PER_MS * t
            + random.nextGaussian() * 0.5 + (hand != null ? c.getUnitWeightG() * hand.press()
            * (0.8 + 0.4 * random.nextDouble()) : 0); // a hand wobbles as it presses
        return r.setWeightG((float) grams).build();
      }
      default -> {
        return r.setDark(level > 0 || hand != null).build();
      }
    }
  }
}
