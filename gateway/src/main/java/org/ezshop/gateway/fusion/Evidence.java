package org.ezshop.gateway.fusion;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.ezshop.gateway.sight.Sighting;
import org.ezshop.store.v1.Shopper;

/**
 * The scored decision, from the whole reach: every face seen at the row across the window is a candidate,
 * recognised or not. Each frame of the row's cameras votes for the people in it, by its time from the onset;
 * a person's evidence is the share of those votes they hold ({@code presence}), times how near they stood
 * ({@code nearness}: their proximity, vote-weighted, to the power β), times how much their face grew towards
 * the shelf at the reach ({@code approach}), times how sure the recognition is. The likeliest takes the change,
 * unless a person who cannot be charged is as likely; several strong candidates share a pick of several items;
 * a thin margin over the runner-up, or a confidence under the review line, sends it to review as well. The
 * confidence is the charged candidates' share of all the evidence, someone unseen included. Pure: no I/O.
 */
final class Evidence {

  static final String UNRECOGNISED = "unrecognised person";

  private Evidence() {
  }

  /**
   * @param seen     sightings at the row's cameras, inside its regions, within the window (a face is compared with
   *                 the largest of these in its frame: people at other rows do not count)
   * @param inStore  shoppers in store, by face id
   * @param holders  for a put-back, the shoppers holding the item; null for a pick
   * @param nearArea a camera's usual near face area (0: not known yet)
   */
  static Decision decide(long onset, int delta, List<Sighting> seen, Map<String, Shopper> inStore,
      Set<String> holders, ToDoubleFunction<String> nearArea, FusionSettings s) {
    Map<String, Float> largest = new HashMap<>(); // per frame, among the people at this row
    Map<String, Double> votes = new HashMap<>(); // per frame: its weight by time from the onset
    for (Sighting sighting : seen) {
      largest.merge(frame(sighting), sighting.area(), Math::max);
      votes.put(frame(sighting), Math.exp(-Math.abs(sighting.atMillis() - onset) / s.timeScaleMillis()));
    }
    double allVotes = votes.values().stream().mapToDouble(Double::doubleValue).sum();
    Map<String, Reach> reaches = new LinkedHashMap<>();
    for (Sighting sighting : seen) {
      Shopper shopper = sighting.known() ? inStore.get(sighting.faceId()) : null;
      if (shopper != null && holders != null && !holders.contains(shopper.getShopperId())) {
        continue; // a put-back by someone who does not hold the item is not theirs to make
      }
      // Against the others in the frame by area; against the camera's near face, which varies between people, by width.
      double near = nearArea.applyAsDouble(sighting.cameraId());
      double proximity = sighting.area() / largest.get(frame(sighting))
          * (near > 0 ? Math.sqrt(Math.min(1, sighting.area() / near)) : 1);
      String id = shopper == null ? "" : shopper.getShopperId();
      reaches.computeIfAbsent(id, k -> new Reach(shopper, onset)).add(sighting, proximity,
          votes.get(frame(sighting)), s);
    }
    double total = s.unseenEvidence();
    List<Decision.Candidate> scored = new ArrayList<>();
    for (Reach r : reaches.values()) {
      scored.add(r.candidate(allVotes, s));
      total += scored.get(scored.size() - 1).evidence();
    }
    List<Decision.Candidate> ranked = new ArrayList<>();
    for (Decision.Candidate c : scored) {
      ranked.add(c.withProbability(c.evidence() / total));
    }
    ranked.sort(Comparator.comparingDouble(Decision.Candidate::evidence).reversed()
        .thenComparing(Decision.Candidate::shopperId)); // a tie decides the same on every replay
    if (ranked.isEmpty()) {
      return new Decision(ranked, "no-candidate", List.of(), 0, false);
    }
    Decision.Candidate top = ranked.get(0);
    Decision.Candidate stranger = ranked.stream().filter(c -> !c.recognised()).findFirst().orElse(null);
    // Doubt about a stranger must protect the shopper: on a pick it charges nobody, but on a put-back it would
    // leave the shopper paying for what they returned, so there the stranger must be the likeliest.
    double asGood = holders == null ? s.unrecognisedRatio() : 1;
    if (stranger != null && stranger.evidence() >= top.evidence() * asGood) {
      return new Decision(ranked, "unrecognised-person", List.of(), stranger.probability(), false);
    }
    int items = Math.abs(delta);
    List<Decision.Charge> charges = new ArrayList<>();
    double confidence = top.probability();
    for (Decision.Candidate c : ranked.subList(1, Math.min(items, ranked.size()))) {
      if (holders == null && c.recognised() && c.evidence() >= top.evidence() * s.splitRatio()) {
        charges.add(new Decision.Charge(c, 1)); // several strong candidates for several items: one item each
        confidence += c.probability();
      }
    }
    String rule = holders != null ? "put-back:holder" : charges.isEmpty() ? "scored" : "split";
    charges.add(0, new Decision.Charge(top, items - charges.size()));
    // Thin: the runner-up (past those charged) holds too much of the evidence the last charged and it share.
    Decision.Candidate next = ranked.size() > charges.size() ? ranked.get(charges.size()) : null;
    Decision.Candidate last = charges.get(charges.size() - 1).who();
    boolean thin = next != null && last.evidence() / (last.evidence() + next.evidence()) < s.reviewBelow();
    return new Decision(ranked, rule, charges, confidence, thin || confidence < s.reviewConfidence());
  }

  private static String frame(Sighting s) {
    return s.cameraId() + "@" + s.atMillis();
  }

  /** One person's sightings across a change's window, summed into their evidence terms. */
  private static final class Reach {
    private final Shopper shopper;
    private final long onset;
    private final Map<String, Double> frames = new HashMap<>(); // frame -> its vote, counted once a frame
    private double nearVotes;
    private double atReach;
    private int atReachCount;
    private double away;
    private int awayCount;
    private float bestScore;
    private Sighting nearest;
    private double closest;

    Reach(Shopper shopper, long onset) {
      this.shopper = shopper;
      this.onset = onset;
    }

    void add(Sighting s, double proximity, double vote, FusionSettings settings) {
      if (frames.put(frame(s), vote) == null) {
        nearVotes += vote * Math.pow(proximity, settings.proximityPower());
      }
      if (Math.abs(s.atMillis() - onset) <= settings.reachMillis()) {
        atReach += s.area();
        atReachCount++;
      } else {
        away += s.area();
        awayCount++;
      }
      bestScore = Math.max(bestScore, s.score());
      if (nearest == null || Math.abs(s.atMillis() - onset) < Math.abs(nearest.atMillis() - onset)) {
        nearest = s;
      }
      closest = Math.max(closest, proximity);
    }

    Decision.Candidate candidate(double allVotes, FusionSettings s) {
      double mine = frames.values().stream().mapToDouble(Double::doubleValue).sum();
      double presence = allVotes > 0 ? mine / allVotes : 0;
      double nearness = mine > 0 ? nearVotes / mine : 0;
      // Leaning in to the shelf: the face larger at the reach than before and after it; 1 when only one is seen.
      double approach = atReachCount == 0 || awayCount == 0 ? 1 : Math.max(0.5, Math.min(2,
          (atReach / atReachCount) / (away / awayCount)));
      // An unknown face is surely a person; a recognised one is surely that shopper only with a high enough score.
      double recognition = shopper == null ? 1 : Math.min(1, bestScore / s.recognisedScore());
      double evidence = presence * nearness * Math.pow(approach, s.approachPower()) * recognition;
      return new Decision.Candidate(shopper == null ? "" : shopper.getShopperId(), shopper == null ? UNRECOGNISED
          : shopper.getName(), nearest.atMillis() - onset, nearest.area(), bestScore, nearest.cameraId(),
          (float) closest, frames.size(), (float) presence, (float) nearness, (float) approach, evidence, 0);
    }
  }
}
