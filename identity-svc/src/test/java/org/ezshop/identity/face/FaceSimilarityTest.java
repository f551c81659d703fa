package org.ezshop.identity.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ezshop.identity.IdentityConfig;
import org.ezshop.identity.Photos;
import org.junit.jupiter.api.Test;

/** The calibration of the default threshold, over every portrait of faces.md. */
class FaceSimilarityTest {

  @Test
  void noTwoDifferentPeopleScoreAboveTheThresholdAndEveryPairOfOnePersonDoes() throws Exception {
    Pictures pictures = new Pictures(8 << 20, 8000);
    Map<String, float[]> embeddings = new HashMap<>();
    try (FaceModels models = inWorker(() -> FaceModels.load(Optional.empty()))) {
      FaceEngine engine = new FaceEngine(models, 0.7f);
      inWorker(() -> {
        for (String name : Photos.portraits()) {
          Picture picture = pictures.decode(Photos.portrait(name));
          List<Box> faces = engine.detect(picture);
          assertTrue(!faces.isEmpty(), "a face in " + name);
          embeddings.put(name, engine.embed(picture, faces.get(0))); // largest: the portrait's subject
        }
        return null;
      });
    }
    Map<String, Integer> person = new HashMap<>();
    for (int p = 0; p < Photos.SAME_PERSON.size(); p++) {
      for (String photo : Photos.SAME_PERSON.get(p)) {
        person.put(photo, p);
      }
    }
    List<String> names = new ArrayList<>(embeddings.keySet());
    float highestDifferent = -1;
    float lowestSame = 1;
    String worstDifferent = "";
    int differentPairs = 0;
    for (int i = 0; i < names.size(); i++) {
      for (int j = i + 1; j < names.size(); j++) {
        float score = dot(embeddings.get(names.get(i)), embeddings.get(names.get(j)));
        Integer a = person.get(names.get(i));
        if (a != null && a.equals(person.get(names.get(j)))) {
          lowestSame = Math.min(lowestSame, score);
        } else {
          differentPairs++;
          if (score > highestDifferent) {
            highestDifferent = score;
            worstDifferent = names.get(i) + " vs " + names.get(j);
          }
        }
      }
    }
    float threshold = IdentityConfig.DEFAULT_THRESHOLD;
    System.out.printf("calibration over %d portraits: highest different-person score %.3f (%s) over %d pairs, "
        + "lowest same-person score %.3f, threshold %.2f%n", names.size(), highestDifferent, worstDifferent,
        differentPairs, lowestSame, threshold);
    assertEquals(Photos.portraits().size(), names.size());
    assertTrue(highestDifferent < threshold, "a different person scored " + highestDifferent + ": " + worstDifferent);
    assertTrue(lowestSame >= threshold, "one person scored only " + lowestSame + " against another photo");
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** ONNX Runtime needs a larger stack than the test thread has: run where the service runs inference. */
  private static <T> T inWorker(java.util.concurrent.Callable<T> work) throws Exception {
    java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(work);
    Thread thread = new Thread(null, task, "inference-test", 16 << 20);
    thread.start();
    return task.get();
  }
}
