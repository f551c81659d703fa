package org.ezshop.gateway.fusion;

/**
 * How shelf changes are attributed ({@link Evidence}). Each frame of a covering camera within the window votes
 * {@code exp(-|Δt| / timeScale)} for the people at the row in it; a person's evidence is
 * {@code presence × nearness × approach^approachPower × recognition}: their share of the votes, their
 * vote-weighted {@code proximity^proximityPower}, how much larger their face was within {@code reachMillis} of the
 * onset than away from it, and their recognition score over {@code recognisedScore} (at most 1). Their probability
 * is their evidence over everyone's plus {@code unseenEvidence}. The defaults were derived from measured
 * distributions on tuning seeds (load-tests/RESULTS.md, "Attribution v3: how the weights were derived").
 *
 * @param windowMillis       sightings within this of a change's onset count (W)
 * @param latenessMillis     the decision waits this long past onset + W for frames still being identified
 * @param timeScaleMillis    Δt at which a frame's vote falls to 1/e
 * @param proximityPower     how sharply proximity counts: the face's area over the largest at the row (in its
 *                           region) in its frame, times its width over the camera's near face's (at most 1)
 * @param nearQuantile       the camera's "near face" is this quantile of its frames' largest faces
 * @param recognisedScore    a match score from which a recognition counts as sure; below, it counts for less
 * @param unseenEvidence     the evidence for someone the cameras missed, against which every candidate is weighed
 * @param unrecognisedRatio  an unrecognised person with this share of the winner's evidence is "as good": no charge
 * @param reviewBelow        a charge is also sent to review when the winner holds less than this share of the
 *                           evidence of the winner and the runner-up together (a thin margin)
 * @param reviewConfidence   a charge with less confidence than this is sent to review as well (the review line;
 *                           shown as pending on the shopper's receipt until resolved)
 * @param splitRatio         further candidates for a change of several items with at least this share of the
 *                           winner's evidence take one item each
 * @param reachMillis        sightings this close to the onset are "at the reach", for the approach term
 * @param approachPower      how much a face grown towards the shelf at the reach counts (0: not at all)
 * @param epsilonMillis      decide at once when every face so far makes a clear charge to a shopper seen this close
 *                           to the onset
 * @param graceMillis        past its decision time, a change waits at most this long for a covering camera whose
 *                           frames have not passed onset + W (offline, or still sending its backlog), then is decided
 *                           with what is there, and says so
 */
public record FusionSettings(long windowMillis, long latenessMillis, double timeScaleMillis, double proximityPower,
    double nearQuantile, double recognisedScore, double unseenEvidence, double unrecognisedRatio, double reviewBelow,
    double reviewConfidence, double splitRatio, long reachMillis, double approachPower, long epsilonMillis,
    long graceMillis) {

  public static final long DEFAULT_WINDOW_MILLIS = 2000;
  public static final long DEFAULT_LATENESS_MILLIS = 1000;
  public static final double DEFAULT_TIME_SCALE_MILLIS = 700;
  public static final double DEFAULT_PROXIMITY_POWER = 6;
  public static final double DEFAULT_NEAR_QUANTILE = 0.9;
  public static final double DEFAULT_RECOGNISED_SCORE = 0.70;
  public static final double DEFAULT_UNSEEN_EVIDENCE = 0.005;
  public static final double DEFAULT_UNRECOGNISED_RATIO = 0.33;
  public static final double DEFAULT_REVIEW_BELOW = 0.75;
  public static final double DEFAULT_REVIEW_CONFIDENCE = 0.6;
  public static final double DEFAULT_SPLIT_RATIO = 0.35;
  public static final long DEFAULT_REACH_MILLIS = 700;
  public static final double DEFAULT_APPROACH_POWER = 1;
  public static final long DEFAULT_EPSILON_MILLIS = 300;
  /** A camera's reconnect after a gateway or network fault takes seconds; half a minute bounds the wait. */
  public static final long DEFAULT_GRACE_MILLIS = 30_000;

  public static FusionSettings defaults() {
    return new FusionSettings(DEFAULT_WINDOW_MILLIS, DEFAULT_LATENESS_MILLIS, DEFAULT_TIME_SCALE_MILLIS,
        DEFAULT_PROXIMITY_POWER, DEFAULT_NEAR_QUANTILE, DEFAULT_RECOGNISED_SCORE, DEFAULT_UNSEEN_EVIDENCE,
        DEFAULT_UNRECOGNISED_RATIO, DEFAULT_REVIEW_BELOW, DEFAULT_REVIEW_CONFIDENCE, DEFAULT_SPLIT_RATIO,
        DEFAULT_REACH_MILLIS, DEFAULT_APPROACH_POWER, DEFAULT_EPSILON_MILLIS, DEFAULT_GRACE_MILLIS);
  }

  /** These settings with the evidence weights given (for deriving them: {@code EvidenceTuning}). */
  public FusionSettings withWeights(double timeScale, double proximity, double unseen, double confidence,
      double split, double approach) {
    return new FusionSettings(windowMillis, latenessMillis, timeScale, proximity, nearQuantile, recognisedScore,
        unseen, unrecognisedRatio, reviewBelow, confidence, split, reachMillis, approach, epsilonMillis, graceMillis);
  }

  public FusionSettings withWindow(long millis) {
    return new FusionSettings(millis, latenessMillis, timeScaleMillis, proximityPower, nearQuantile, recognisedScore,
        unseenEvidence, unrecognisedRatio, reviewBelow, reviewConfidence, splitRatio, reachMillis, approachPower,
        epsilonMillis, graceMillis);
  }

  public FusionSettings withReviewBelow(double share) {
    return new FusionSettings(windowMillis, latenessMillis, timeScaleMillis, proximityPower, nearQuantile,
        recognisedScore, unseenEvidence, unrecognisedRatio, share, reviewConfidence, splitRatio, reachMillis,
        approachPower, epsilonMillis, graceMillis);
  }

  public FusionSettings withGrace(long millis) {
    return new FusionSettings(windowMillis, latenessMillis, timeScaleMillis, proximityPower, nearQuantile,
        recognisedScore, unseenEvidence, unrecognisedRatio, reviewBelow, reviewConfidence, splitRatio, reachMillis,
        approachPower, epsilonMillis, millis);
  }
}
