package org.ezshop.identity.gallery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GalleryTest {

  private static float[] unit(int axis) {
    float[] v = new float[8];
    v[axis] = 1;
    return v;
  }

  private static float[] between(int a, int b, float towardsB) {
    float[] v = new float[8];
    v[a] = (float) Math.cos(towardsB);
    v[b] = (float) Math.sin(towardsB);
    return v;
  }

  @Test
  void ranksFacesByTheirBestPhoto() {
    try (Gallery gallery = new Gallery(8)) {
      gallery.put(new Enrolment(1, "ann", "Ann", unit(0)));
      gallery.put(new Enrolment(2, "bob", "Bob", unit(1)));
      gallery.put(new Enrolment(3, "bob", "Bob", between(0, 1, 0.3f)));
      gallery.put(new Enrolment(4, "cy", "Cy", unit(2)));
      gallery.put(new Enrolment(4, "cy", "Cy", unit(2))); // the same row again changes nothing
      List<Match> top = gallery.top(between(0, 1, 0.2f), 2);
      assertEquals(List.of("bob", "ann"), top.stream().map(Match::faceId).toList());
      assertEquals(Math.cos(0.1), top.get(0).score(), 1e-6);
      assertEquals(2, gallery.photos("bob"));
      assertEquals(4, gallery.size());
    }
  }

  @Test
  void removingAFaceKeepsTheOthersSearchable() {
    try (Gallery gallery = new Gallery(8)) {
      for (int i = 0; i < 2000; i++) { // past the first growth of the arrays
        gallery.put(new Enrolment(i, "f" + (i % 8), "F", unit(i % 8)));
      }
      assertEquals(250, gallery.remove("f3"));
      assertEquals(0, gallery.remove("f3"));
      assertEquals(1750, gallery.size());
      assertEquals(Float.NaN, gallery.score("f3", unit(3)));
      assertEquals(1f, gallery.score("f5", unit(5)));
      assertTrue(gallery.top(unit(3), 8).stream().noneMatch(m -> m.faceId().equals("f3")));
      assertEquals(7, gallery.top(unit(3), 8).size());
      gallery.replaceAll(List.of(new Enrolment(9, "z", "Z", unit(7))));
      assertEquals("z", gallery.top(unit(7), 3).get(0).faceId());
      assertEquals(1, gallery.size());
    }
  }

  @Test
  void aLargeGallerySearchesThroughItsIndexAsTheScanWould() throws Exception {
    Random random = new Random(3);
    List<Enrolment> all = new ArrayList<>();
    for (int i = 0; i < 1200; i++) { // more than one step of the build
      all.add(new Enrolment(i, "f" + i, "F", randomUnit(random, 64)));
    }
    try (Gallery gallery = new Gallery(64, 1200)) {
      all.subList(0, 1199).forEach(gallery::put);
      assertFalse(gallery.indexed());
      gallery.put(all.get(1199));
      // Changes while the build runs, in whatever order they meet its steps:
      assertEquals(1, gallery.remove("f7"));
      float[] late = randomUnit(random, 64);
      gallery.put(new Enrolment(5000, "late", "Late", late));
      awaitIndex(gallery);

      assertEquals("late", gallery.top(late, 1).get(0).faceId());
      assertTrue(gallery.top(all.get(7).embedding(), 5).stream().noneMatch(m -> m.faceId().equals("f7")));
      for (int p = 0; p < 100; p++) {
        float[] probe = near(all.get(random.nextInt(1200)).embedding(), random);
        assertEquals(ids(gallery.exactTop(probe, 3)), ids(gallery.top(probe, 3)));
      }
      gallery.put(new Enrolment(5001, "late", "Late", near(late, random))); // a second photo: still one match
      assertEquals(2, gallery.photos("late"));
      assertEquals(1, gallery.top(late, 3).stream().filter(m -> m.faceId().equals("late")).count());

      gallery.replaceAll(all); // a reload builds the index again, with f7 back
      awaitIndex(gallery);
      assertEquals("f7", gallery.top(all.get(7).embedding(), 1).get(0).faceId());
      assertTrue(gallery.top(late, 3).stream().noneMatch(m -> m.faceId().equals("late")));
    }
  }

  @Test
  void aSavedIndexIsReloadedAndOnlyWhatCameAfterItsSaveIsAdded(@TempDir Path dir) throws Exception {
    Random random = new Random(5);
    List<Enrolment> all = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      all.add(new Enrolment(i, "f" + i, "F", randomUnit(random, 64)));
    }
    try (Gallery gallery = new Gallery(64, 1000, Optional.of(dir))) {
      gallery.replaceAll(all.subList(0, 1200));
      awaitIndex(gallery);
      gallery.change(() -> null).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    assertTrue(Files.size(dir.resolve(Gallery.INDEX_FILE)) > 0, "saved when the build ended");
    List<Enrolment> now = new ArrayList<>(all); // f3 forgotten while the replica was down, 300 enrolled
    now.remove(3);
    try (Gallery gallery = new Gallery(64, 1000, Optional.of(dir))) {
      assertEquals(300, loaded(gallery, now), "the saved index holds the first 1,200");
      for (int i : new int[] {0, 1199, 1200, 1499}) { // searched through the index before the 300 are in it too
        assertEquals("f" + i, gallery.top(all.get(i).embedding(), 1).get(0).faceId());
      }
      awaitIndex(gallery);
      assertTrue(gallery.top(all.get(3).embedding(), 5).stream().noneMatch(m -> m.faceId().equals("f3")));
      for (int p = 0; p < 100; p++) {
        float[] probe = near(now.get(random.nextInt(now.size())).embedding(), random);
        assertEquals(ids(gallery.exactTop(probe, 3)), ids(gallery.top(probe, 3)));
      }
    }
    try (Gallery gallery = new Gallery(64, 1000, Optional.of(dir))) {
      assertEquals(0, loaded(gallery, now), "the catch-up was saved as it ended");
      assertEquals("f1499", gallery.top(all.get(1499).embedding(), 1).get(0).faceId());
      assertTrue(gallery.top(all.get(3).embedding(), 5).stream().noneMatch(m -> m.faceId().equals("f3")));
    }
    try (Gallery other = new Gallery(64, 1000, Optional.of(dir.resolve("elsewhere")))) {
      assertEquals(now.size(), loaded(other, now), "no saved index there: built whole");
    }
  }

  // Loaded as identity-svc loads it, on the writer, so that no step of the build runs before the count.
  private static int loaded(Gallery gallery, List<Enrolment> all) throws Exception {
    return gallery.change(() -> {
      gallery.replaceAll(all);
      return gallery.unindexed();
    }).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  // Each step of a build is queued on the writer behind the last: wait for steps until the last is done.
  private static void awaitIndex(Gallery gallery) throws Exception {
    while (!gallery.indexed()) {
      gallery.change(() -> null).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  private static List<String> ids(List<Match> matches) {
    return matches.stream().map(Match::faceId).toList();
  }

  private static float[] randomUnit(Random random, int dimensions) {
    float[] v = new float[dimensions];
    for (int j = 0; j < dimensions; j++) {
      v[j] = (float) random.nextGaussian();
    }
    return normal(v);
  }

  private static float[] near(float[] face, Random random) {
    float[] v = randomUnit(random, face.length);
    for (int j = 0; j < v.length; j++) {
      v[j] = face[j] + 0.8f * v[j];
    }
    return normal(v);
  }

  private static float[] normal(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    for (int j = 0; j < v.length; j++) {
      v[j] /= (float) Math.sqrt(norm);
    }
    return v;
  }
}
