package org.ezshop.dist;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ezshop.identity.face.FaceEngine;
import org.ezshop.identity.gallery.Enrolment;
import org.ezshop.identity.gallery.Gallery;
import org.ezshop.identity.gallery.Match;

/**
 * `bench-index`'s second half, in a process of its own so that it starts as a restarted replica does: cold, with
 * the saved index and the gallery's rows on disk (a file of float32 rows standing in for PostgreSQL), some of
 * them enrolled after the save. It measures the time from its own start until the index holds every row, its
 * peak resident memory, and then each search breadth against the exact scan, and writes them as properties.
 */
final class IndexRestart {

  private static final int DIMENSIONS = FaceEngine.DIMENSIONS;
  private static final int ROW_BYTES = DIMENSIONS * Float.BYTES;

  /** What the restarted process measured. */
  record Result(double readSeconds, int toAdd, double readySeconds, double peakGb, double[] exactMs,
      List<GalleryBenchmark.Breadth> breadths) {
  }

  private IndexRestart() {
  }

  /** Runs the restart in a new JVM on {@code dir}'s saved index and rows, and reads back what it measured. */
  static Result run(Path dir, int probes) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        IndexRestart.class.getName(), dir.toString(), String.valueOf(probes)).inheritIO().start();
    if (child.waitFor() != 0) {
      throw new IOException("the restarted gallery's process exited with " + child.exitValue());
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(dir.resolve("restart.properties"))) {
      p.load(in);
    }
    List<GalleryBenchmark.Breadth> breadths = new ArrayList<>();
    for (int n : GalleryBenchmark.CANDIDATES) {
      breadths.add(new GalleryBenchmark.Breadth(n, number(p, n + ".recall"),
          new double[] {number(p, n + ".p50"), number(p, n + ".p99")}));
    }
    return new Result(number(p, "read_seconds"), (int) number(p, "to_add"), number(p, "ready_seconds"),
        number(p, "peak_gb"), new double[] {number(p, "exact.p50"), number(p, "exact.p99")}, breadths);
  }

  private static double number(Properties p, String key) {
    return Double.parseDouble(p.getProperty(key));
  }

  public static void main(String[] args) throws Exception {
    Instant started = ProcessHandle.current().info().startInstant().orElse(Instant.now());
    Path dir = Path.of(args[0]);
    int probes = Integer.parseInt(args[1]);
    Path rows = dir.resolve("rows.f32");
    int count = (int) (Files.size(rows) / ROW_BYTES);
    Properties out = new Properties();
    try (Gallery gallery = new Gallery(DIMENSIONS, Math.min(count, Gallery.INDEX_FROM), Optional.of(dir))) {
      int toAdd = gallery.change(() -> { // as identity-svc loads it, so that no step of the catch-up runs first
        gallery.replaceAll(rows(rows, count));
        return gallery.unindexed();
      }).await(1, TimeUnit.HOURS);
      out.setProperty("read_seconds", String.valueOf(since(started)));
      out.setProperty("to_add", String.valueOf(toAdd));
      while (!gallery.indexed()) {
        gallery.change(() -> null).await(1, TimeUnit.HOURS);
      }
      out.setProperty("ready_seconds", String.valueOf(since(started)));
      out.setProperty("peak_gb", String.valueOf(peakRssGb()));
      measure(gallery, rows, count, probes, out);
      try (OutputStream file = Files.newOutputStream(dir.resolve("restart.properties"))) {
        out.store(file, "bench-index: the restarted gallery");
      }
    }
  }

  private static void measure(Gallery gallery, Path rows, int count, int probes, Properties out) throws IOException {
    Random random = new Random(11);
    List<float[]> probeList = new ArrayList<>();
    List<String> exact = new ArrayList<>();
    long[] exactNanos = new long[probes];
    try (RandomAccessFile file = new RandomAccessFile(rows.toFile(), "r")) {
      for (int p = 0; p < probes; p++) {
        float[] probe = GalleryBenchmark.turned(row(file, random.nextInt(count)), GalleryBenchmark.GENUINE, random);
        long t0 = System.nanoTime();
        exact.add(gallery.exactTop(probe, 1).get(0).faceId());
        exactNanos[p] = System.nanoTime() - t0;
        probeList.add(probe);
      }
    }
    double[] exactMs = GalleryBenchmark.percentiles(exactNanos);
    out.setProperty("exact.p50", String.valueOf(exactMs[0]));
    out.setProperty("exact.p99", String.valueOf(exactMs[1]));
    for (int candidates : GalleryBenchmark.CANDIDATES) {
      gallery.candidates(candidates);
      long[] nanos = new long[probes];
      int agree = 0;
      for (int p = 0; p < probes; p++) {
        long t0 = System.nanoTime();
        List<Match> fast = gallery.top(probeList.get(p), 1);
        nanos[p] = System.nanoTime() - t0;
        if (!fast.isEmpty() && fast.get(0).faceId().equals(exact.get(p))) {
          agree++;
        }
      }
      double[] ms = GalleryBenchmark.percentiles(nanos);
      out.setProperty(candidates + ".recall", String.valueOf(agree / (double) probes));
      out.setProperty(candidates + ".p50", String.valueOf(ms[0]));
      out.setProperty(candidates + ".p99", String.valueOf(ms[1]));
    }
  }

  /** The rows file's faces as enrolments, read one at a time as the gallery takes them. */
  private static AbstractCollection<Enrolment> rows(Path rows, int count) {
    return new AbstractCollection<>() {
      @Override
      public Iterator<Enrolment> iterator() {
        DataInputStream in;
        try {
          in = new DataInputStream(new BufferedInputStream(Files.newInputStream(rows), 1 << 20));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        byte[] bytes = new byte[ROW_BYTES];
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < count;
          }

          @Override
          public Enrolment next() {
            try {
              in.readFully(bytes);
              if (next == count - 1) {
                in.close();
              }
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            return GalleryBenchmark.enrolment(next++, floats(bytes));
          }
        };
      }

      @Override
      public int size() {
        return count;
      }
    };
  }

  /** Appends faces to the rows file, which the restarted process reads back. */
  static final class RowWriter implements AutoCloseable {
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(ROW_BYTES).order(ByteOrder.LITTLE_ENDIAN);

    RowWriter(Path rows) throws IOException {
      channel = FileChannel.open(rows, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
    }

    void write(float[] face) {
      buffer.clear();
      buffer.asFloatBuffer().put(face);
      try {
        channel.write(buffer);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  private static float[] row(RandomAccessFile file, int i) throws IOException {
    byte[] bytes = new byte[ROW_BYTES];
    file.seek((long) i * ROW_BYTES);
    file.readFully(bytes);
    return floats(bytes);
  }

  private static float[] floats(byte[] bytes) {
    float[] face = new float[DIMENSIONS];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(face);
    return face;
  }

  private static double since(Instant started) {
    return Duration.between(started, Instant.now()).toMillis() / 1000.0;
  }

  /** The process's peak resident memory so far (VmHWM), in GB. */
  static double peakRssGb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1e6;
      }
    }
    return Double.NaN;
  }
}
