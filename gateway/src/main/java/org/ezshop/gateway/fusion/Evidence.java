package org.ezshop.gateway.fusion;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.ezshop.gateway.sight.Sighting;
import org.ezshop.store.v1.Shopper;

/**
 * The scored decision: every face seen at the row is a candidate, recognised or not; each is weighed by time from
 * the change's onset, proximity and recognition ({@link FusionSettings}); the likeliest takes the change, unless a
 * person who cannot be charged is as likely; it goes to review too when its margin over the runner-up is thin.
 * The confidence is the winner's share of all the evidence, someone unseen included. Pure: no I/O.
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
    for (Sighting sighting : seen) {
      largest.merge(sighting.cameraId() + "@" + sighting.atMillis(), sighting.area(), Math::max);
    }
    Map<String, Decision.Candidate> best = new HashMap<>();
    for (Sighting sighting : seen) {
      Shopper shopper = sighting.known() ? inStore.get(sighting.faceId()) : null;
      if (shopper != null && holders != null && !holders.contains(shopper.getShopperId())) {
        continue; // a put-back by someone who does not hold the item is not theirs to make
      }
      Decision.Candidate c = candidate(onset, sighting, shopper, largest.get(sighting.cameraId() + "@"
          + sighting.atMillis()), nearArea.applyAsDouble(sighting.cameraId()), s);
      best.merge(c.shopperId(), c, (a, b) -> a.evidence() >= b.evidence() ? a : b);
    }
    double total = s.unseenEvidence();
    for (Decision.Candidate c : best.values()) {
      total += c.evidence();
    }
    List<Decision.Candidate> ranked = new ArrayList<>();
    for (Decision.Candidate c : best.values()) {
      ranked.add(new Decision.Candidate(c.shopperId(), c.name(), c.deltaMillis(), c.faceSize(), c.score(),
          c.cameraId(), c.proximity(), c.evidence(), c.evidence() / total));
    }
    ranked.sort(Comparator.comparingDouble(Decision.Candidate::evidence).reversed()
        .thenComparing(Decision.Candidate::shopperId)); // a tie decides the same on every replay
    if (ranked.isEmpty()) {
      return new Decision(ranked, "no-candidate", List.of(), 0, false);
    }
    Decision.Candidate top = ranked.get(0);
    Decision.Candidate stranger = best.get("");
    // Doubt about a stranger must protect the shopper: on a pick it charges nobody, but on a put-back it would
    // leave the shopper paying for what they returned, so there the stranger must be the likeliest.
    double asGood = holders == null ? s.unrecognisedRatio() : 1;
    if (stranger != null && stranger.evidence() >= top.evidence() * asGood) {
      return new Decision(ranked, "unrecognised-person", List.of(), stranger.evidence() / total, false);
    }
    String rule = holders != null ? "put-back:holder" : "scored";
    int items = Math.abs(delta);
    List<Decision.Charge> charges = new ArrayList<>();
    double confidence = top.probability();
    for (Decision.Candidate c : ranked.subList(1, Math.min(items, ranked.size()))) {
      if (holders == null && c.recognised() && c.evidence() >= top.evidence() * s.splitRatio()
          && Math.abs(c.deltaMillis() - top.deltaMillis()) <= s.togetherMillis()) {
        charges.add(new Decision.Charge(c, 1)); // several near pickers at one row: one item each
        confidence += c.probability();
      }
    }
    if (!charges.isEmpty()) {
      rule = "split";
    }
    charges.add(0, new Decision.Charge(top, items - charges.size()));
    // Thin: the runner-up (past those charged) holds too much of the evidence the winner and it share.
    Decision.Candidate next = ranked.size() > charges.size() ? ranked.get(charges.size()) : null;
    Decision.Candidate last = charges.get(charges.size() - 1).who();
    boolean thin = next != null && last.evidence() / (last.evidence() + next.evidence()) < s.reviewBelow();
    return new Decision(ranked, rule, charges, confidence, thin);
  }

  private static Decision.Candidate candidate(long onset, Sighting seen, Shopper shopper, float largestAtRow,
      double near, FusionSettings s) {
    long delta = seen.atMillis() - onset;
    double absolute = near > 0 ? Math.min(1, seen.area() / near) : 1;
    // Against the others in the frame by area; against the camera's near face, which varies between people, by width.
    double proximity = seen.area() / largestAtRow * Math.sqrt(absolute);
    // An unknown face is surely a person; a recognised one is surely that shopper only with a high enough score.
    double recognition = shopper == null ? 1 : Math.min(1, seen.score() / s.recognisedScore());
    double evidence = Math.exp(-Math.abs(delta) / s.timeScaleMillis()) * Math.pow(proximity, s.proximityPower())
        * recognition;
    return new Decision.Candidate(shopper == null ? "" : shopper.getShopperId(), shopper == null ? UNRECOGNISED
        : shopper.getName(), delta, seen.area(), seen.score(), seen.cameraId(), (float) proximity, evidence, 0);
  }
}
