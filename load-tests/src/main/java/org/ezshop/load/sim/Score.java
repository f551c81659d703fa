package org.ezshop.load.sim;

import java.util.List;
import java.util.Map;

/**
 * Receipts against the truth, item by item: a receipt's unit of SKU s counts as right while the shopper really
 * took that many of s. Precision = right / on receipts, recall = right / really taken. {@code strangerChanges}
 * of the {@code changes} were strangers', which can only go to review.
 */
public record Score(int shoppers, int changes, int strangerChanges, int reviews, long taken, long charged,
    long right, int exact, Decisions.Result decisions, List<Long> pushMillis) {

  static Score of(List<Map<String, Integer>> truth, List<Map<String, Integer>> receipts, int changes,
      int strangerChanges, int reviews, Decisions.Result decisions, List<Long> pushMillis) {
    long taken = 0;
    long charged = 0;
    long right = 0;
    int exact = 0;
    for (int i = 0; i < truth.size(); i++) {
      Map<String, Integer> real = truth.get(i);
      Map<String, Integer> billed = receipts.get(i);
      taken += real.values().stream().mapToInt(Integer::intValue).sum();
      charged += billed.values().stream().mapToInt(q -> Math.max(0, q)).sum();
      for (Map.Entry<String, Integer> line : billed.entrySet()) {
        right += Math.max(0, Math.min(line.getValue(), real.getOrDefault(line.getKey(), 0)));
      }
      exact += real.equals(billed) ? 1 : 0;
    }
    return new Score(truth.size(), changes, strangerChanges, reviews, taken, charged, right, exact, decisions,
        pushMillis.stream().sorted().toList());
  }

  public double precision() {
    return charged == 0 ? (taken == 0 ? 1 : 0) : (double) right / charged;
  }

  public double recall() {
    return taken == 0 ? 1 : (double) right / taken;
  }

  public double f1() {
    double p = precision();
    double r = recall();
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  public double exactRate() {
    return (double) exact / shoppers;
  }

  public double reviewFraction() {
    return changes == 0 ? 0 : (double) reviews / changes;
  }

  /** The reviews a store may fairly send: every stranger's change, and a tenth of the shoppers'. */
  public double reviewAllowance() {
    return strangerChanges + 0.1 * (changes - strangerChanges);
  }

  /** The exit-to-push time below which the share {@code q} of receipts was pushed, in ms; -1 for none pushed. */
  public long pushMillisAt(double q) {
    return pushMillis.isEmpty() ? -1 : pushMillis.get((int) Math.min(pushMillis.size() - 1,
        Math.ceil(q * pushMillis.size()) - 1));
  }

  @Override
  public String toString() {
    return String.format("score: line items precision %.3f, recall %.3f, F1 %.3f (%d right of %d charged, %d taken)%n"
            + "       exact receipts %d of %d (%.1f%%); %d of %d shelf changes sent to review (%.1f%%; %d were "
            + "strangers')",
        precision(), recall(), f1(), right, charged, taken, exact, shoppers, 100 * exactRate(), reviews, changes,
        100 * reviewFraction(), strangerChanges) + "\n" + String.format("receipts: exit to push p50 %d ms, p99 %d ms "
        + "(%d pushed)%n", pushMillisAt(0.5), pushMillisAt(0.99), pushMillis.size()) + decisions;
  }
}
