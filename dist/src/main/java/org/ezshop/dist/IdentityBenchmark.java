package org.ezshop.dist;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.HdrHistogram.Recorder;
import org.ezshop.identity.face.Box;
import org.ezshop.identity.face.FaceEngine;
import org.ezshop.identity.face.FaceModels;
import org.ezshop.identity.face.Picture;
import org.ezshop.identity.face.Pictures;
import org.ezshop.identity.gallery.Enrolment;
import org.ezshop.identity.gallery.Gallery;
import org.ezshop.identity.v1.IdentifyRequest;
import org.ezshop.identity.v1.IdentityServiceGrpc;
import org.ezshop.load.ClientAuth;
import org.ezshop.load.Phase;

/**
 * identity-svc's figures, each beside its floor measured in the same run (here in the launcher, not in load-tests,
 * because the floor calls identity-svc's own pipeline, which load-tests may not see): Identify of a 640x480 JPEG with one
 * face over gRPC (1 and 4 clients) against the same pipeline called in-process; a 1:N search over 100,000
 * embeddings against a plain read of the same floats.
 */
public final class IdentityBenchmark {

  /** The phases and their ratios. */
  public record Result(Phase inProcess, Phase identify, Phase identify4, Phase search, Phase read) {
    @Override
    public String toString() {
      return String.join("\n", inProcess.toString(), identify.toString(), identify4.toString(), search.toString(),
          read.toString(),
          String.format("Identify p50 over gRPC / in-process pipeline p50: %.2f", identify.p50Ms() / inProcess.p50Ms()),
          String.format("4 clients / 1 client throughput: %.2f", identify4.perSecond() / identify.perSecond()),
          String.format("search p50 / plain read of the same floats p50: %.2f", search.p50Ms() / read.p50Ms()));
    }
  }

  private IdentityBenchmark() {
  }

  public static Result run(String host, int port, String token, byte[] portrait, int galleryRows, int seconds)
      throws Exception {
    byte[] frame = frame(portrait);
    Phase inProcess = inProcess(frame, seconds);
    Phase identify = identify(host, port, token, frame, 1, seconds);
    Phase identify4 = identify(host, port, token, frame, 4, seconds);
    Gallery gallery = syntheticGallery(galleryRows);
    float[] probe = unitVector(new Random(7));
    float[] flat = new float[galleryRows * FaceEngine.DIMENSIONS];
    Phase search = loop("1:N search, " + galleryRows + " faces", seconds, () -> gallery.top(probe, 3));
    Phase read = loop("read " + galleryRows + "x" + FaceEngine.DIMENSIONS + " floats", seconds, () -> sum(flat));
    gallery.close();
    return new Result(inProcess, identify, identify4, search, read);
  }

  /** A 640x480 frame with the portrait's face in the middle, as a door camera would send it. */
  static byte[] frame(byte[] portrait) throws IOException {
    BufferedImage face = ImageIO.read(new ByteArrayInputStream(portrait));
    BufferedImage frame = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = frame.createGraphics();
    g.setColor(Color.GRAY);
    g.fillRect(0, 0, 640, 480);
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(face, 140, 60, 360, 360, null);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(frame, "jpeg", out);
    return out.toByteArray();
  }

  private static Phase inProcess(byte[] frame, int seconds) throws Exception {
    Pictures pictures = new Pictures(8 << 20, 8000);
    Gallery gallery = new Gallery(FaceEngine.DIMENSIONS);
    try (FaceModels models = onBigStack(() -> FaceModels.load(Optional.empty()))) {
      FaceEngine engine = new FaceEngine(models, 0.7f);
      return loop("in-process pipeline", seconds, () -> {
        Picture picture = pictures.decode(frame);
        for (Box face : engine.detect(picture)) {
          gallery.top(engine.embed(picture, face), 3);
        }
      });
    } finally {
      gallery.close();
    }
  }

  private static Phase identify(String host, int port, String token, byte[] frame, int clients, int seconds)
      throws Exception {
    IdentifyRequest request = IdentifyRequest.newBuilder().setImage(ByteString.copyFrom(frame)).build();
    List<ManagedChannel> channels = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    Recorder latencies = new Recorder(3);
    AtomicLong done = new AtomicLong();
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean running = new AtomicBoolean(true);
    for (int c = 0; c < clients; c++) {
      ManagedChannel channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().directExecutor().build();
      channels.add(channel);
      IdentityServiceGrpc.IdentityServiceBlockingStub stub = IdentityServiceGrpc.newBlockingStub(channel)
          .withInterceptors(ClientAuth.bearer(token));
      threads.add(new Thread(() -> {
        while (running.get()) {
          long start = System.nanoTime();
          if (stub.withDeadlineAfter(30, TimeUnit.SECONDS).identify(request).getFacesCount() != 1) {
            throw new IllegalStateException("the benchmark frame shows one face");
          }
          if (measuring.get()) {
            latencies.recordValue((System.nanoTime() - start) / 1000);
            done.incrementAndGet();
          }
        }
      }, "bench-identify-" + c));
    }
    try {
      return Phase.measure("Identify over gRPC, " + clients + " client" + (clients > 1 ? "s" : ""), threads,
          measuring, running, done, latencies, seconds);
    } finally {
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  /** One thread (with the stack ONNX Runtime needs) repeating a step. */
  private static Phase loop(String name, int seconds, Step step) throws InterruptedException {
    Recorder latencies = new Recorder(3);
    AtomicLong done = new AtomicLong();
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread thread = new Thread(null, () -> {
      try {
        while (running.get()) {
          long start = System.nanoTime();
          step.run();
          if (measuring.get()) {
            latencies.recordValue((System.nanoTime() - start) / 1000);
            done.incrementAndGet();
          }
        }
      } catch (Exception e) {
        throw new IllegalStateException(name + " failed", e);
      }
    }, "bench-" + name, 16 << 20);
    return Phase.measure(name, List.of(thread), measuring, running, done, latencies, seconds);
  }

  private static Gallery syntheticGallery(int rows) {
    Gallery gallery = new Gallery(FaceEngine.DIMENSIONS, Integer.MAX_VALUE); // the scan: bench-index has the index
    Random random = new Random(42);
    for (int i = 0; i < rows; i++) {
      gallery.put(new Enrolment(i, "synthetic-" + i, "Synthetic " + i, unitVector(random)));
    }
    return gallery;
  }

  private static float[] unitVector(Random random) {
    float[] v = new float[FaceEngine.DIMENSIONS];
    double norm = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }

  private static volatile float sink;

  private static void sum(float[] flat) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int i = 0; i < flat.length; i += 4) {
      s0 += flat[i];
      s1 += flat[i + 1];
      s2 += flat[i + 2];
      s3 += flat[i + 3];
    }
    sink = s0 + s1 + s2 + s3;
  }

  static <T> T onBigStack(Callable<T> work) throws Exception {
    java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(work);
    new Thread(null, task, "bench-models", 16 << 20).start();
    return task.get();
  }
}
