package org.ezshop.identity.face;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * The three ONNX models: detection, 68 landmarks, embedding. By default the ones the build fetched into the jar;
 * a directory with other models of the same input and output shapes replaces them.
 */
public final class FaceModels implements AutoCloseable {

  static final String DETECT = "fr_detect.onnx";
  static final String LANDMARK = "fr_landmark.onnx";
  static final String FEATURE = "fr_feature.onnx";

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  final Model detect;
  final Model landmark;
  final Model feature;

  private FaceModels(Optional<Path> dir) throws OrtException {
    detect = new Model(DETECT, bytes(dir, DETECT), new long[] {1, 3, 240, 320});
    landmark = new Model(LANDMARK, bytes(dir, LANDMARK), new long[] {1, 1, 64, 64});
    feature = new Model(FEATURE, bytes(dir, FEATURE), new long[] {1, 3, 112, 112});
  }

  /** Loads and checks the models (blocking: a worker's job). */
  public static FaceModels load(Optional<Path> dir) {
    try {
      return new FaceModels(dir);
    } catch (OrtException e) {
      throw new IllegalStateException("face models: " + e.getMessage(), e);
    }
  }

  private static byte[] bytes(Optional<Path> dir, String name) {
    try {
      if (dir.isPresent()) {
        Path file = dir.get().resolve(name);
        if (!Files.isRegularFile(file)) {
          throw new IllegalArgumentException("face models: " + file + " is missing (the directory needs "
              + DETECT + ", " + LANDMARK + " and " + FEATURE + ")");
        }
        return Files.readAllBytes(file);
      }
      try (InputStream in = FaceModels.class.getResourceAsStream("model/" + name)) {
        if (in == null) {
          throw new IllegalStateException("face models: " + name + " is not in the build; run the Maven build");
        }
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws OrtException {
    detect.session.close();
    landmark.session.close();
    feature.session.close();
  }

  /** One model: single-threaded, never spinning (on 2 cores a spinning pool makes latency swing widely). */
  final class Model {

    private final OrtSession session;
    private final String input;
    private final long[] shape;

    Model(String name, byte[] bytes, long[] shape) throws OrtException {
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        options.addConfigEntry("session.inter_op.allow_spinning", "0");
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        this.session = env.createSession(bytes, options);
      }
      this.input = session.getInputNames().iterator().next();
      this.shape = shape;
      NodeInfo info = session.getInputInfo().get(input);
      long[] actual = ((TensorInfo) info.getInfo()).getShape();
      if (!Arrays.equals(actual, shape)) {
        session.close();
        throw new IllegalArgumentException("face models: " + name + " takes " + Arrays.toString(actual)
            + ", expected " + Arrays.toString(shape));
      }
    }

    /** Runs the model on one input and returns the named outputs (or the first, for null) as flat arrays. */
    float[][] run(float[] data, String... outputs) throws OrtException {
      try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
           OrtSession.Result result = session.run(Map.of(input, tensor))) {
        float[][] out = new float[Math.max(1, outputs.length)][];
        for (int i = 0; i < out.length; i++) {
          OnnxTensor t = (OnnxTensor) (outputs.length == 0 ? result.get(0) : result.get(outputs[i]).orElseThrow());
          FloatBuffer buffer = t.getFloatBuffer();
          out[i] = new float[buffer.remaining()];
          buffer.get(out[i]);
        }
        return out;
      }
    }
  }
}
