package org.ezshop.load;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/** One measured phase of a benchmark: operations, time and latency percentiles. */
public record Phase(String name, long operations, double seconds, double p50Ms, double p99Ms, double maxMs) {

  public double perSecond() {
    return operations / seconds;
  }

  @Override
  public String toString() {
    return String.format("%-30s %8.1f ops/s   p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms   (%d ops in %.1f s)",
        name, perSecond(), p50Ms, p99Ms, maxMs, operations, seconds);
  }

  // A warm-up of a third of the measured time, then the measured window.
  public static Phase measure(String name, List<Thread> workers, AtomicBoolean measuring, AtomicBoolean running,
      AtomicLong done, Recorder latencies, int seconds) throws InterruptedException {
    workers.forEach(Thread::start);
    Thread.sleep(Math.max(1000, seconds * 1000L / 3));
    latencies.reset();
    measuring.set(true);
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    measuring.set(false);
    double elapsed = (System.nanoTime() - start) / 1e9;
    long operations = done.get();
    var histogram = latencies.getIntervalHistogram();
    running.set(false);
    for (Thread worker : workers) {
      worker.join(30_000);
    }
    return new Phase(name, operations, elapsed, histogram.getValueAtPercentile(50) / 1000.0,
        histogram.getValueAtPercentile(99) / 1000.0, histogram.getMaxValue() / 1000.0);
  }
}
