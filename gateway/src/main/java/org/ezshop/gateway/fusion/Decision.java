package org.ezshop.gateway.fusion;

import java.util.List;

/**
 * Who a shelf change goes to, and why.
 *
 * @param candidates everyone considered, likeliest first, each with the terms of their evidence
 * @param rule       what decided: "scored", "put-back:holder", "split", "unrecognised-person", "no-candidate", or
 *                   "camera-gap" (a pick whose evidence a silent camera left too thin: nobody charged)
 * @param charges    who is charged (or credited) how many of the change's items; empty when nobody is
 * @param confidence 0..1: how likely the decision is right
 * @param ambiguous  charged, but on thin evidence: sent to review as well
 */
public record Decision(List<Candidate> candidates, String rule, List<Charge> charges, double confidence,
    boolean ambiguous) {

  /**
   * A person seen near the row: a shopper in store, or (shopperId empty) someone who cannot be charged: a face the
   * gallery does not know, or a shopper who is not in store. {@code deltaMillis}, {@code faceSize} and
   * {@code cameraId} are of their sighting nearest the onset in time; {@code proximity} is the nearest they stood;
   * {@code presence}, {@code nearness} and {@code approach} are the terms of their evidence ({@link Evidence}).
   */
  public record Candidate(String shopperId, String name, long deltaMillis, float faceSize, float score,
      String cameraId, float proximity, int sightings, float presence, float nearness, float approach,
      double evidence, double probability) {

    public boolean recognised() {
      return !shopperId.isEmpty();
    }

    Candidate withProbability(double p) {
      return new Candidate(shopperId, name, deltaMillis, faceSize, score, cameraId, proximity, sightings, presence,
          nearness, approach, evidence, p);
    }
  }

  /** {@code quantity} of the change's items (its sign: taken positive) to one candidate. */
  public record Charge(Candidate who, int quantity) {
  }

  /**
   * This decision, made while a covering camera's frames left the share {@code gap} of the window unseen: its
   * confidence falls in proportion. A pick that falls under the review line charges nobody and goes to review,
   * as does one with nobody seen: never a confident charge on partial evidence, nor "nobody there" from it.
   */
  Decision missing(double gap, double reviewLine, int delta) {
    if (gap <= 0) {
      return this;
    }
    double less = confidence * (1 - gap);
    if (delta < 0 && (attributed() ? less < reviewLine : rule.equals("no-candidate"))) {
      return new Decision(candidates, "camera-gap", List.of(), less, false);
    }
    return new Decision(candidates, rule, charges, less, ambiguous || (attributed() && less < reviewLine));
  }

  public boolean attributed() {
    return !charges.isEmpty();
  }

  /**
   * Whether a change of {@code delta} items goes to the review queue (as {@link Verdict} acts on it): doubt, or
   * a pick charged to nobody (a put-back by nobody is a misplaced item, not a review).
   */
  public boolean reviewed(int delta) {
    return ambiguous || rule.equals("unrecognised-person") || rule.equals("camera-gap")
        || (!attributed() && delta < 0);
  }
}
