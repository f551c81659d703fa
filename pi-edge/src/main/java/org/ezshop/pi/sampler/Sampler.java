package org.ezshop.pi.sampler;

import com.google.protobuf.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.pi.sensor.ShelfSensor;

/**
 * Samples every sensor on a steady schedule (each on its own thread, so that one sensor's timeout does not
 * delay another's samples), stamps each reading with its capture time, and hands over batches when they are
 * full or their oldest reading has waited long enough.
 *
 * <p>Capture times come from the monotonic clock mapped once to wall time, so a clock step on the Pi
 * (NTP catching up) never makes readings go back in time; the gateway corrects the offset anyway.
 */
public final class Sampler implements AutoCloseable {

  /** A sensor and how often to sample it. */
  public record Scheduled(String sensorId, ShelfSensor sensor, double rateHz) {
  }

  private final ScheduledExecutorService threads;
  private final Consumer<ReadingBatch> out;
  private final int maxReadings;
  private final long maxWaitNanos;
  private final long baseNanos = System.nanoTime();
  private final Instant baseWall = Instant.now();
  private ReadingBatch.Builder batch = ReadingBatch.newBuilder();
  private long batchStartedNanos;

  public Sampler(List<Scheduled> sensors, int maxReadings, Duration maxWait, Consumer<ReadingBatch> out) {
    this.out = out;
    this.maxReadings = maxReadings;
    this.maxWaitNanos = maxWait.toNanos();
    this.threads = Executors.newScheduledThreadPool(sensors.size() + 1, r -> {
      Thread thread = new Thread(r, "sampler");
      thread.setDaemon(true);
      return thread;
    });
    for (Scheduled s : sensors) {
      long period = Math.round(1e9 / s.rateHz());
      threads.scheduleAtFixedRate(() -> take(s), 0, period, TimeUnit.NANOSECONDS);
    }
  }

  private void take(Scheduled s) {
    long at = System.nanoTime();
    Reading reading = s.sensor().sample().setSensorId(s.sensorId()).setCapturedAt(wall(at)).build();
    ReadingBatch full = null;
    synchronized (this) {
      if (batch.getReadingsCount() == 0) {
        batchStartedNanos = at;
        threads.schedule(this::flushIfWaited, maxWaitNanos, TimeUnit.NANOSECONDS); // one wake-up per batch, not a poll
      }
      batch.addReadings(reading);
      if (batch.getReadingsCount() >= maxReadings) {
        full = batch.build();
        batch = ReadingBatch.newBuilder();
      }
    }
    if (full != null) {
      out.accept(full);
    }
  }

  private void flushIfWaited() {
    ReadingBatch due = null;
    synchronized (this) {
      if (batch.getReadingsCount() > 0 && System.nanoTime() - batchStartedNanos >= maxWaitNanos) {
        due = batch.build();
        batch = ReadingBatch.newBuilder();
      }
    }
    if (due != null) {
      out.accept(due);
    }
  }

  private Timestamp wall(long nanos) {
    Instant at = baseWall.plusNanos(nanos - baseNanos);
    return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
