package org.ezshop.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
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
  private static final int[] CANDIDATES = IntStream.of(100, 200, 400, 800, Gallery.CANDIDATES).distinct().sorted()
      .toArray();

  /** One search breadth: how often its top face is the exact scan's, and its latency. */
  record Breadth(int candidates, double recallAt1, double[] ms) {
  }

  record Result(int faces, int probes, double buildSeconds, double[] exactMs, List<Breadth> breadths,
      double[] realPairs, double[] syntheticPairs) {

    Breadth of(int candidates) {
      return breadths.stream().filter(b -> b.candidates() == candidates).findFirst().orElseThrow();
    }

    @Override
    public String toString() {
      List<String> lines = new ArrayList<>(List.of(
          String.format("pairwise similarity: portraits mean %.3f sd %.3f; synthetic faces mean %.3f sd %.3f",
              realPairs[0], realPairs[1], syntheticPairs[0], syntheticPairs[1]),
          String.format("%d faces: index built in %.0f s; %d probes", faces, buildSeconds, probes),
          String.format("exact scan (baseline)               p50 %7.2f ms   p99 %7.2f ms", exactMs[0], exactMs[1])));
      for (Breadth b : breadths) {
        lines.add(String.format("index, %4d candidates%s  p50 %7.2f ms   p99 %7.2f ms   recall@1 %.4f   p50 / scan "
            + "p50 %.3f", b.candidates(), b.candidates() == Gallery.CANDIDATES ? " (default)" : "          ", b.ms()[0],
            b.ms()[1], b.recallAt1(), b.ms()[0] / exactMs[0]));
      }
      return String.join("\n", lines);
    }
  }

  private GalleryBenchmark() {
  }

  static Result run(Path portraits, int faces, int probes) throws Exception {
    List<float[]> real = embed(portraits);
    Synthetic synthetic = new Synthetic(real);
    Gallery gallery = new Gallery(DIMENSIONS, Math.min(faces, Gallery.INDEX_FROM));
    try {
      long start = System.nanoTime();
      gallery.replaceAll(new AbstractList<>() { // made one at a time, so a million never sit in a list
        @Override
        public Enrolment get(int i) {
          return new Enrolment(i, "synthetic-" + i, "Synthetic " + i, synthetic.face(i));
        }

        @Override
        public int size() {
          return faces;
        }
      });
      while (!gallery.indexed()) {
        Thread.sleep(200);
      }
      double buildSeconds = (System.nanoTime() - start) / 1e9;
      Random random = new Random(11);
      List<float[]> probeList = new ArrayList<>();
      List<String> exact = new ArrayList<>();
      long[] exactNanos = new long[probes];
      for (int p = 0; p < probes; p++) {
        float[] probe = turned(synthetic.face(random.nextInt(faces)), GENUINE, random);
        long t0 = System.nanoTime();
        exact.add(gallery.exactTop(probe, 1).get(0).faceId());
        exactNanos[p] = System.nanoTime() - t0;
        probeList.add(probe);
      }
      List<Breadth> breadths = new ArrayList<>();
      for (int candidates : CANDIDATES) {
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
        breadths.add(new Breadth(candidates, agree / (double) probes, percentiles(nanos)));
      }
      return new Result(faces, probes, buildSeconds, percentiles(exactNanos), breadths, pairs(real),
          pairs(synthetic.sample(2000)));
    } finally {
      gallery.close();
    }
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

  private static double[] percentiles(long[] nanos) {
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
