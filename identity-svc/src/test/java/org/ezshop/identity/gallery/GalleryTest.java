package org.ezshop.identity.gallery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

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
}
