package org.ezshop.load.gen;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.ezshop.load.gateway.EdgeLinkLoad;

/**
 * `ezshop load`: D shelf devices each sending a batch of B readings at a fixed rate for T seconds, open loop, over
 * EdgeLink. Latency is reading batch due → ack, in microseconds. A warm-up (a sixth of T, at least 2 s) runs first
 * and is not counted.
 */
public final class LoadGenerator {

  static final int STREAMS_PER_CONNECTION = 64;

  /** One measured phase. Latencies in microseconds. */
  public record Phase(String name, int devices, double hz, int batch, int seconds, long sent, long acked,
      Histogram latencies, long[] sentPerSecond, long[] ackedPerSecond) {

    public double targetPerSecond() {
      return devices * hz * batch;
    }

    public double achievedPerSecond() {
      return (double) acked / seconds;
    }

    public double millisAt(double percentile) {
      return latencies.getValueAtPercentile(percentile) / 1000.0;
    }

    @Override
    public String toString() {
      return String.format("%-8s %d devices x %.0f Hz x %d readings: target %,.0f readings/s, achieved %,.0f/s "
              + "(%.1f%%)%n         reading -> ack: p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms",
          name, devices, hz, batch, targetPerSecond(), achievedPerSecond(), 100 * achievedPerSecond()
              / targetPerSecond(), millisAt(50), millisAt(90), millisAt(99), millisAt(99.9),
          latencies.getMaxValue() / 1000.0);
    }
  }

  private LoadGenerator() {
  }

  public static Phase run(String name, String host, int port, List<EdgeLinkLoad.Device> devices, double hz, int batch,
      int seconds, PrintStream progress) throws Exception {
    return run(name, List.of(new InetSocketAddress(host, port)), devices, hz, batch, seconds, progress);
  }

  /** The same, device i streaming to {@code targets.get(i % targets.size())}. */
  public static Phase run(String name, List<InetSocketAddress> targets, List<EdgeLinkLoad.Device> devices, double hz,
      int batch, int seconds, PrintStream progress) throws Exception {
    long period = Math.round(1e9 / hz);
    List<ManagedChannel> channels = new ArrayList<>();
    List<PacedDevice> paced = new ArrayList<>();
    Recorder recorder = new Recorder(3_600_000_000L, 3);
    long warmUp = Math.max(2, seconds / 6) * 1_000_000_000L;
    long begin = System.nanoTime() + 500_000_000L;
    LoadTimeline timeline = new LoadTimeline(seconds);
    try {
      int n = targets.size();
      ManagedChannel[] open = new ManagedChannel[n];
      for (int i = 0; i < devices.size(); i++) {
        if (i / n % STREAMS_PER_CONNECTION == 0) {
          open[i % n] = NettyChannelBuilder.forAddress(targets.get(i % n)).usePlaintext().flowControlWindow(1 << 20)
              .build();
          channels.add(open[i % n]);
        }
        PacedDevice device = new PacedDevice(devices.get(i), batch, period, recorder, timeline);
        device.connect(open[i % n]);
        device.hello();
        paced.add(device);
      }
      long until = System.currentTimeMillis() + 60_000;
      while (paced.stream().anyMatch(d -> !d.welcomed() && d.failure() == null) && System.currentTimeMillis() < until) {
        Thread.sleep(50);
      }
      failIfAny(paced, name);
      begin = Math.max(begin, System.nanoTime());
      timeline.startAt(begin + warmUp);
      for (int i = 0; i < paced.size(); i++) { // spread the devices' phases over one period
        paced.get(i).begin(begin + period * i / paced.size());
      }
      long measuring = begin + warmUp;
      long end = measuring + seconds * 1_000_000_000L;
      long nextReport = measuring + 5_000_000_000L;
      boolean reset = false;
      for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
        for (PacedDevice device : paced) {
          device.sendDue(now);
        }
        if (!reset && now >= measuring) {
          recorder.reset();
          reset = true;
        }
        if (now >= nextReport) {
          int second = (int) ((now - measuring) / 1_000_000_000L);
          progress.printf("  [%s %d/%d s] sent %,d readings/s, acked %,d/s%n", name, second, seconds,
              timeline.sentIn(second - 1), timeline.ackedIn(second - 1));
          nextReport += 5_000_000_000L;
        }
        LockSupport.parkNanos(500_000);
      }
      Thread.sleep(2000); // acks in flight
      long now = System.nanoTime();
      paced.forEach(d -> d.chargeUnacked(now));
      failIfAny(paced, name);
      Histogram latencies = recorder.getIntervalHistogram();
      long[] sentPerSecond = new long[seconds];
      long[] ackedPerSecond = new long[seconds];
      long sent = 0;
      long acked = 0;
      for (int s = 0; s < seconds; s++) {
        sentPerSecond[s] = timeline.sentIn(s);
        ackedPerSecond[s] = timeline.ackedIn(s);
        sent += sentPerSecond[s];
        acked += ackedPerSecond[s];
      }
      return new Phase(name, devices.size(), hz, batch, seconds, sent, acked, latencies, sentPerSecond,
          ackedPerSecond);
    } finally {
      paced.forEach(PacedDevice::end);
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static void failIfAny(List<PacedDevice> paced, String name) {
    paced.stream().filter(d -> d.failure() != null).findFirst().ifPresent(d -> {
      throw new IllegalStateException(name + ": a device stream failed: " + d.failure().getMessage(), d.failure());
    });
  }
}
