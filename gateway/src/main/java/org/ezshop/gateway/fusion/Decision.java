package org.ezshop.gateway.fusion;

import java.util.List;

/**
 * Who a shelf change goes to, and why.
 *
 * @param candidates every shopper considered, best first, each by their sighting nearest in time
 * @param rule       what decided: "nearest-in-time", "tie:larger-face", "put-back:holder", "no-candidate"
 * @param ambiguous  the runner-up was within the margin of the winner
 */
public record Decision(List<Candidate> candidates, String rule, boolean ambiguous) {

  /** A shopper seen near the row: {@code deltaMillis} is sighting time minus change time. */
  public record Candidate(String shopperId, String name, long deltaMillis, float faceSize, float score,
      String cameraId) {
  }

  public boolean attributed() {
    return !candidates.isEmpty();
  }

  public Candidate winner() {
    return candidates.get(0);
  }
}
