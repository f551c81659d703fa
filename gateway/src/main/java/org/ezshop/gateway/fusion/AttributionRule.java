package org.ezshop.gateway.fusion;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ezshop.gateway.sight.Sighting;
import org.ezshop.store.v1.Shopper;

/**
 * The rule: of the in-store shoppers seen at a camera covering the row within the window, the one seen nearest
 * in time to the change wins; on a tie the larger face (closer to the shelf). A put-back only considers
 * shoppers holding the item. A runner-up within {@code marginMillis} of the winner makes it ambiguous.
 */
final class AttributionRule {

  private AttributionRule() {
  }

  /**
   * @param inStore  shoppers in store, by face id
   * @param holders  for a put-back, the shoppers holding the item; null for a pick
   */
  static Decision decide(long changeAt, List<Sighting> seen, Map<String, Shopper> inStore, Set<String> holders,
      long marginMillis) {
    Map<String, Decision.Candidate> best = new HashMap<>();
    for (Sighting s : seen) {
      Shopper shopper = s.known() ? inStore.get(s.faceId()) : null;
      if (shopper == null || (holders != null && !holders.contains(shopper.getShopperId()))) {
        continue;
      }
      Decision.Candidate c = new Decision.Candidate(shopper.getShopperId(), shopper.getName(), s.atMillis() - changeAt,
          s.boxWidth() * s.boxHeight(), s.score(), s.cameraId());
      best.merge(c.shopperId(), c, (a, b) -> ORDER.compare(a, b) <= 0 ? a : b);
    }
    List<Decision.Candidate> ranked = new ArrayList<>(best.values());
    ranked.sort(ORDER);
    if (ranked.isEmpty()) {
      return new Decision(ranked, "no-candidate", false);
    }
    boolean tie = ranked.size() > 1 && Math.abs(ranked.get(0).deltaMillis()) == Math.abs(ranked.get(1).deltaMillis());
    boolean ambiguous = ranked.size() > 1
        && Math.abs(ranked.get(1).deltaMillis()) - Math.abs(ranked.get(0).deltaMillis()) <= marginMillis;
    String rule = holders != null ? "put-back:holder" : tie ? "tie:larger-face" : "nearest-in-time";
    return new Decision(ranked, rule, ambiguous);
  }

  private static final Comparator<Decision.Candidate> ORDER = Comparator
      .comparingLong((Decision.Candidate c) -> Math.abs(c.deltaMillis()))
      .thenComparing(Comparator.comparingDouble(Decision.Candidate::faceSize).reversed());
}
