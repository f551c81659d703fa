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
      Thread.sleep(1000);
    }
    long after = System.currentTimeMillis();
    int readings = batches.stream().mapToInt(ReadingBatch::getReadingsCount).sum();
    long a = batches.stream().flatMap(b -> b.getReadingsList().stream()).filter(r -> r.getSensorId().equals("a")).count();
    long b = batches.stream().flatMap(x -> x.getReadingsList().stream()).filter(r -> r.getSensorId().equals("b")).count();
    assertTrue(a >= 40 && a <= 55, "about 50 samples of a, got " + a);
    assertTrue(b >= 15 && b <= 22, "about 20 samples of b, got " + b);
    assertTrue(batches.stream().allMatch(x -> x.getReadingsCount() <= 10), "never more than the batch size");
    long last = 0;
    for (ReadingBatch batch : batches) {
      for (Reading r : batch.getReadingsList()) {
        long at = Timestamps.toMillis(r.getCapturedAt());
        assertTrue(at >= before - 5 && at <= after + 5, "stamped with the capture time");
        if (r.getSensorId().equals("a")) {
          assertTrue(at >= last, "in capture order");
          last = at;
        }
      }
    }
    assertEquals(readings, a + b);
  }
}
