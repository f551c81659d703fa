package org.ezshop.pi;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.ezshop.edge.v1.DeviceConfig;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.pi.config.ShelfConfig;
import org.ezshop.pi.sampler.Sampler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running sampler, restarted with new rates when the gateway pushes a DeviceConfig. */
final class Sampling implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Sampling.class);

  private List<Sampler.Scheduled> sensors;
  private int maxReadings;
  private Duration maxWait;
  private Consumer<ReadingBatch> out;
  private Sampler sampler;

  Sampling(List<Sampler.Scheduled> sensors, ShelfConfig.Batch batch) {
    this.sensors = sensors;
    this.maxReadings = batch.maxReadings();
    this.maxWait = batch.maxWait();
  }

  synchronized void start(Consumer<ReadingBatch> out) {
    this.out = out;
    sampler = new Sampler(sensors, maxReadings, maxWait, out);
  }

  /** Unset fields keep their value; a sample interval applies to every sensor. */
  synchronized void apply(DeviceConfig config) {
    if (config.hasSampleInterval()) {
      double hz = 1e9 / (config.getSampleInterval().getSeconds() * 1e9 + config.getSampleInterval().getNanos());
      if (!(hz > 0 && hz <= 1000)) {
        LOG.warn("event=config_ignored field=sample_interval reason=\"{} Hz is outside 0-1000\"", hz);
        return;
      }
      sensors = sensors.stream().map(s -> new Sampler.Scheduled(s.sensorId(), s.sensor(), hz)).toList();
    }
    if (config.hasBatchInterval()) {
      maxWait = Duration.ofSeconds(config.getBatchInterval().getSeconds(), config.getBatchInterval().getNanos());
    }
    LOG.info("event=config_applied rate_hz={} batch_wait_ms={}", sensors.get(0).rateHz(), maxWait.toMillis());
    if (sampler != null) {
      sampler.close();
      sampler = new Sampler(sensors, maxReadings, maxWait, out);
    }
  }

  @Override
  public synchronized void close() {
    if (sampler != null) {
      sampler.close();
    }
  }
}
