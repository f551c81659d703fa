package org.ezshop.load.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/** What the plan's cameras capture: who is in each frame, and who is drawn nearest. */
final class Frames {

  private Frames() {
  }

  /**
   * The plan's shots, filled in: a shelf camera also captures every frame period of its own while someone is at one
   * of its rows. Everyone at its rows is in its frames, in their row's band, those with a hand on the shelf nearest
   * (largest), unless hidden; a shelf camera misses a face now and then. Oldest first.
   */
  static List<Plan.Shot> fill(Plan plan, double missedFace, Random random) {
    for (Plan.Visit v : plan.visits) {
      String camera = plan.rows.get(v.row()).cameraId();
      long period = plan.framePeriod.get(camera);
      for (long t = (v.from() / period + 1) * period; t <= v.to(); t += period) {
        long at = t;
        if (plan.shots.stream().noneMatch(shot -> shot.at() == at && shot.cameraId().equals(camera))) {
          plan.shots.add(new Plan.Shot(at, camera, List.of(v.person()), Set.of()));
        }
      }
    }
    List<Plan.Shot> filled = new ArrayList<>();
    for (Plan.Shot shot : plan.shots) {
      List<Integer> inView = new ArrayList<>(shot.faces());
      for (Plan.Visit v : plan.visits) {
        if (v.from() <= shot.at() && shot.at() <= v.to() && plan.rows.get(v.row()).cameraId().equals(shot.cameraId())
            && !inView.contains(v.person())) {
          inView.add(v.person());
        }
      }
      Set<Integer> reaching = new TreeSet<>();
      for (Plan.Hand hand : plan.hands) {
        if (plan.rows.get(hand.row()).cameraId().equals(shot.cameraId()) && shot.at() >= hand.from() - 750
            && shot.at() <= hand.to() + 400) {
          reaching.add(hand.person());
        }
      }
      // Whoever reaches is nearest; someone just walking up is drawn near only when nobody reaches.
      Set<Integer> near = reaching.isEmpty() ? new TreeSet<>(shot.near()) : reaching;
      if (!plan.isDoor(shot.cameraId())) { // a door camera takes several frames of everyone walking through
        inView.removeIf(face -> random.nextDouble() < missedFace);
        inView.removeIf(face -> plan.hidden.stream().anyMatch(h -> h.person() == face
            && h.cameraId().equals(shot.cameraId()) && shot.at() >= h.from() && shot.at() <= h.to()));
      }
      near.retainAll(inView);
      if (!inView.isEmpty()) {
        filled.add(new Plan.Shot(shot.at(), shot.cameraId(), inView, near));
      }
    }
    filled.sort(Comparator.comparingLong(Plan.Shot::at));
    return filled;
  }
}
