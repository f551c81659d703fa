package org.ezshop.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.ezshop.identity.face.Box;
import org.ezshop.identity.face.FaceEngine;
import org.ezshop.identity.face.FaceModels;
import org.ezshop.identity.face.Picture;
import org.ezshop.identity.face.Pictures;
import org.ezshop.identity.gallery.Enrolment;
import org.ezshop.identity.gallery.Gallery;
import org.ezshop.identity.gallery.Match;

/**
 * Identify's 1:N search at a chain's scale: a gallery of synthetic faces searched through its HNSW index against
 * the exact scan of the same gallery, probe by probe in the same run (recall@1 and latency of each).
 *
 * <p>Random 512-float vectors would be the wrong test: real embeddings share a mean and spread along few
 * directions, which is what lets a graph index find them. So each synthetic face is the portraits' mean plus a random
 * mix of their measured deviations (their covariance), with a quarter of that variance spread evenly over every
 * dimension so that the faces are not confined to the portraits' span. The quarter and the scale 1.1 make the
 * synthetic faces' pairwise similarity match the portraits' own (mean 0.032, sd 0.100); both are printed each run.
 * A probe is a gallery face turned away from itself to {@link #GENUINE}.
 */
final class GalleryBenchmark {

  // The least similar same-person pair among faces.md's portraits scored 0.70 (their 8 pairs: 0.70 to 0.82).
  static final double GENUINE = 0.70;
  private static final double EVEN_SHARE = 0.25;
  private static final double SCALE = 1.1;
  private static final int DIMENSIONS = FaceEngine.DIMENSIONS;

  // Search breadths measured on the one index, the gallery's default among them.
  static final int[] CANDIDATES = IntStream.of(100, 200, 400, 800, Gallery.CANDIDATES).distinct().sorted()
      .toArray();

  /** One search breadth: how often its top face is the exact scan's, and its latency. */
  record Breadth(int candidates, double recallAt1, double[] ms) {
  }

  /**
   * The build (in this process: its time, the save's, and the peak memory of building) and the restart (in a new
   * one, on the saved index and the rows, {@code added} of them enrolled after the save).
   */
  record Result(int faces, int added, int probes, double buildSeconds, double saveSeconds, double buildPeakGb,
      IndexRestart.Result restart, double[] realPairs, double[] syntheticPairs) {

    Breadth of(int candidates) {
      return restart.breadths().stream().filter(b -> b.candidates() == candidates).findFirst().orElseThrow();
    }

    @Override
    public String toString() {
      double[] exactMs = restart.exactMs();
      List<String> lines = new ArrayList<>(List.of(
          String.format("pairwise similarity: portraits mean %.3f sd %.3f; synthetic faces mean %.3f sd %.3f",
              realPairs[0], realPairs[1], syntheticPairs[0], syntheticPairs[1]),
          String.format("%d faces: index built in %.0f s, saved in %.1f s; peak RSS while building %.2f GB", faces,
              buildSeconds, saveSeconds, buildPeakGb),
          String.format("restart (a new process, %d faces enrolled after the save): rows read and the index "
              + "loaded %.1f s after its start, %d rows left to add, the index holding every row %.1f s after its "
              + "start; peak RSS %.2f GB", added, restart.readSeconds(), restart.toAdd(), restart.readySeconds(),
              restart.peakGb()),
          String.format("after the restart, %d probes:", probes),
          String.format("exact scan (baseline)               p50 %7.2f ms   p99 %7.2f ms", exactMs[0], exactMs[1])));
      for (Breadth b : restart.breadths()) {
        lines.add(String.format("index, %4d candidates%s  p50 %7.2f ms   p99 %7.2f ms   recall@1 %.4f   p50 / scan "
            + "p50 %.3f", b.candidates(), b.candidates() == Gallery.CANDIDATES ? " (default)" : "          ", b.ms()[0],
            b.ms()[1], b.recallAt1(), b.ms()[0] / exactMs[0]));
      }
      return String.join("\n", lines);
    }
  }

  private GalleryBenchmark() {
  }

  /** Builds and saves the index over {@code faces} synthetic faces in {@code dir}, then restarts it elsewhere. */
  static Result run(Path portraits, int faces, int probes, Path dir) throws Exception {
    List<float[]> real = embed(portraits);
    Synthetic synthetic = new Synthetic(real);
    int added = Math.max(1, faces / 1000);
    for (String old : List.of(Gallery.INDEX_FILE, Gallery.INDEX_FILE + ".properties")) {
      Files.deleteIfExists(dir.resolve(old)); // a build, not a reload of an earlier run's
    }
    double buildSeconds;
    double saveSeconds;
    try (IndexRestart.RowWriter rows = new IndexRestart.RowWriter(dir.resolve("rows.f32"));
        Gallery gallery = new Gallery(DIMENSIONS, Math.min(faces, Gallery.INDEX_FROM), Optional.of(dir))) {
      long start = System.nanoTime();
      gallery.replaceAll(new AbstractCollection<>() { // made one at a time, so a million never sit in a list
        @Override
        public Iterator<Enrolment> iterator() {
          return IntStream.range(0, faces).mapToObj(i -> {
            float[] face = synthetic.face(i);
            rows.write(face);
            return enrolment(i, face);
          }).iterator();
        }

        @Override
        public int size() {
          return faces;
        }
      });
      while (!gallery.indexed()) {
        Thread.sleep(200);
      }
      buildSeconds = (System.nanoTime() - start) / 1e9;
      long saving = System.nanoTime();
      gallery.change(() -> null).await(1, TimeUnit.HOURS); // queued behind the save the build's end queued
      saveSeconds = (System.nanoTime() - saving) / 1e9;
      for (int i = faces; i < faces + added; i++) {
        rows.write(synthetic.face(i)); // enrolled after the save: only in the store's rows
      }
    }
    double buildPeakGb = IndexRestart.peakRssGb();
    return new Result(faces, added, probes, buildSeconds, saveSeconds, buildPeakGb, IndexRestart.run(dir, probes),
        pairs(real), pairs(synthetic.sample(2000)));
  }

  static Enrolment enrolment(int i, float[] face) {
    return new Enrolment(i, "synthetic-" + i, "Synthetic " + i, face);
  }

  /** The portraits' embeddings, one per photo with a face. */
  static List<float[]> embed(Path portraits) throws IOException {
    Pictures pictures = new Pictures(8 << 20, 8000);
    List<float[]> embeddings = new ArrayList<>();
    try (FaceModels models = FaceModels.load(Optional.empty()); Stream<Path> files = Files.walk(portraits)) {
      FaceEngine engine = new FaceEngine(models, 0.7f);
      for (Path file : files.filter(f -> f.toString().endsWith(".jpg")).sorted().toList()) {
        Picture picture = pictures.decode(Files.readAllBytes(file));
        List<Box> found = engine.detect(picture);
        if (!found.isEmpty()) {
          embeddings.add(engine.embed(picture, found.get(0)));
        }
      }
    } catch (Exception e) {
      throw new IOException("embedding the portraits in " + portraits + ": " + e.getMessage(), e);
    }
    if (embeddings.size() < 10) {
      throw new IllegalArgumentException(portraits + " holds " + embeddings.size() + " portraits with a face; the "
          + "benchmark needs faces.md's (build dist, or point --faces at them)");
    }
    return embeddings;
  }

  /** Faces drawn from the portraits' mean and covariance, the same face for the same number. */
  static final class Synthetic {
    private final float[] mean = new float[DIMENSIONS];
    private final List<float[]> deviations = new ArrayList<>();
    private final double mixScale;
    private final double evenScale;

    Synthetic(List<float[]> real) {
      for (float[] e : real) {
        for (int j = 0; j < DIMENSIONS; j++) {
          mean[j] += e[j] / real.size();
        }
      }
      double total = 0;
      for (float[] e : real) {
        float[] d = new float[DIMENSIONS];
        for (int j = 0; j < DIMENSIONS; j++) {
          d[j] = e[j] - mean[j];
          total += d[j] * d[j];
        }
        deviations.add(d);
      }
      total /= real.size() - 1;
      // A sum of n deviations, each times a standard normal, over sqrt(n - 1) has exactly their covariance.
      mixScale = SCALE * Math.sqrt(1 - EVEN_SHARE) / Math.sqrt(real.size() - 1);
      evenScale = SCALE * Math.sqrt(total * EVEN_SHARE / DIMENSIONS);
    }

    float[] face(int i) {
      Random random = new Random(0x5eed_0000_0000L + i);
      float[] v = mean.clone();
      for (float[] d : deviations) {
        float z = (float) (random.nextGaussian() * mixScale);
        for (int j = 0; j < DIMENSIONS; j++) {
          v[j] += z * d[j];
        }
      }
      for (int j = 0; j < DIMENSIONS; j++) {
        v[j] += (float) (random.nextGaussian() * evenScale);
      }
      return unit(v);
    }

    List<float[]> sample(int n) {
      List<float[]> faces = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        faces.add(face(-1 - i));
      }
      return faces;
    }
  }

  /** The face turned by a random direction until its cosine with itself is {@code cosine}. */
  static float[] turned(float[] face, double cosine, Random random) {
    float[] away = new float[DIMENSIONS];
    for (int j = 0; j < DIMENSIONS; j++) {
      away[j] = (float) random.nextGaussian();
    }
    float along = dot(away, face);
    for (int j = 0; j < DIMENSIONS; j++) {
      away[j] -= along * face[j];
    }
    unit(away);
    float[] probe = new float[DIMENSIONS];
    double aside = Math.sqrt(1 - cosine * cosine);
    for (int j = 0; j < DIMENSIONS; j++) {
      probe[j] = (float) (cosine * face[j] + aside * away[j]);
    }
    return unit(probe);
  }

  /** Mean and standard deviation of the cosine over every pair. */
  static double[] pairs(List<float[]> faces) {
    List<float[]> units = faces.stream().map(f -> unit(f.clone())).toList();
    double sum = 0;
    double squares = 0;
    long n = 0;
    for (int a = 0; a < units.size(); a++) {
      for (int b = a + 1; b < units.size(); b++) {
        double s = dot(units.get(a), units.get(b));
        sum += s;
        squares += s * s;
        n++;
      }
    }
    double mean = sum / n;
    return new double[] {mean, Math.sqrt(squares / n - mean * mean)};
  }

  static double[] percentiles(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new double[] {sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6};
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int j = 0; j < a.length; j++) {
      s += a[j] * b[j];
    }
    return s;
  }

  private static float[] unit(float[] v) {
    float norm = (float) Math.sqrt(dot(v, v));
    for (int j = 0; j < v.length; j++) {
      v[j] /= norm;
    }
    return v;
  }
}
