package org.ezshop.pi.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Timestamps;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.ReadingBatch;
import org.junit.jupiter.api.Test;

class SamplerTest {

  @Test
  void readingsAreStampedAndBatchedBySizeOrWait() throws Exception {
    List<ReadingBatch> batches = new CopyOnWriteArrayList<>();
    long before = System.currentTimeMillis();
    try (Sampler sampler = new Sampler(List.of(
        new Sampler.Scheduled("a", () -> Reading.newBuilder().setDistanceMm(100), 50),
        new Sampler.Scheduled("b", () -> Reading.newBuilder().setDark(true), 20)), 10, Duration.ofMillis(50), batches::add)) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while ((times(batches, "a").size() < 50 || times(batches, "b").size() < 20) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }
    long after = System.currentTimeMillis();
    int readings = batches.stream().mapToInt(ReadingBatch::getReadingsCount).sum();
    List<Long> a = times(batches, "a");
    List<Long> b = times(batches, "b");
    // The rates, from the samples' own capture times: 50 and 20 a second.
    double aHz = 1000.0 * (a.size() - 1) / (a.get(a.size() - 1) - a.get(0));
    double bHz = 1000.0 * (b.size() - 1) / (b.get(b.size() - 1) - b.get(0));
    assertTrue(aHz >= 40 && aHz <= 60, "about 50 samples a second of a, got " + aHz);
    assertTrue(bHz >= 16 && bHz <= 24, "about 20 samples a second of b, got " + bHz);
    assertTrue(batches.stream().allMatch(x -> x.getReadingsCount() <= 10), "never more than the batch size");
    for (int i = 0; i < a.size(); i++) {
      assertTrue(a.get(i) >= before - 5 && a.get(i) <= after + 5, "stamped with the capture time");
      assertTrue(i == 0 || a.get(i) >= a.get(i - 1), "in capture order");
    }
    assertEquals(readings, a.size() + b.size());
  }

  private static List<Long> times(List<ReadingBatch> batches, String sensor) {
    return batches.stream().flatMap(x -> x.getReadingsList().stream()).filter(r -> r.getSensorId().equals(sensor))
        .map(r -> Timestamps.toMillis(r.getCapturedAt())).toList();
  }
}
