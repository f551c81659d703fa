package org.ezshop.gateway.fusion;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Derives fusion's weights offline: reads simulated runs (a folder each, holding the gateway's log with
 * {@code ezshop.fusion.inputs} at debug, and the simulator's truth.json), decides every change again under a grid
 * of settings, and prints each setting's score against the truth, best first. Run it on tuning seeds only; the
 * seeds a result is reported on must never be read here (load-tests/RESULTS.md).
 *
 * <pre>java -cp gateway/target/test-classes:gateway/target/classes:CLASSPATH
 *   org.ezshop.gateway.fusion.EvidenceTuning RUN_DIR...</pre>
 */
public final class EvidenceTuning {

  private static final long MATCH_MILLIS = 3000;

  private record Truth(long at, String row, int delta, String shopperId) {
  }

  /** A run's decisions' inputs, and what really happened. */
  private record Run(List<DecisionInputs> inputs, List<Truth> truth, long taken) {
  }

  /** Items charged right and wrong, wrong ones not in review, changes to review, strangers' changes charged. */
  record Tally(long right, long wrong, long confidentWrong, long reviews, long strangers, long taken) {
    double f1() {
      double p = right + wrong == 0 ? 1 : (double) right / (right + wrong);
      double r = taken == 0 ? 1 : (double) right / taken;
      return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }
  }

  public static void main(String[] args) throws Exception {
    boolean explain = args.length > 0 && args[0].equals("--explain");
    List<Run> runs = new ArrayList<>();
    for (String dir : explain ? List.of(args).subList(1, args.length) : List.of(args)) {
      runs.add(read(Path.of(dir)));
    }
    if (explain) { // each change the defaults send to review or charge wrongly, beside the truth
      for (Run run : runs) {
        for (DecisionInputs in : run.inputs()) {
          Tally t = tally(List.of(new Run(List.of(in), run.truth(), 0)), FusionSettings.defaults());
          Decision d = in.decide(FusionSettings.defaults());
          if (t.wrong() > 0 || d.reviewed(in.delta())) {
            System.out.printf("%s %s%n  truth %s%n  seen %s%n", in.key(), d, run.truth().stream().filter(x ->
                x.row().equals(in.rowId()) && Math.abs(x.at() - in.onset()) <= MATCH_MILLIS).map(x -> x.shopperId()
                + "@" + (x.at() - in.onset())).toList(), in.seen().stream().map(x -> in.inStore().getOrDefault(
                x.faceId(), org.ezshop.store.v1.Shopper.getDefaultInstance()).getShopperId() + "@"
                + (x.atMillis() - in.onset()) + ":" + Math.round(x.area())).toList());
          }
        }
      }
      return;
    }
    List<Map.Entry<String, Tally>> results = new ArrayList<>();
    for (double tau : new double[] {500, 700, 1000, 1400, 2000}) {
      for (double beta : new double[] {2, 3, 4, 6, 8, 10}) {
        for (double approach : new double[] {0, 1, 2}) {
          for (double split : new double[] {0.35, 0.5, 0.75}) {
            for (double unseen : new double[] {0.005, 0.02, 0.05}) {
              for (double confidence : new double[] {0, 0.5, 0.6, 0.7}) {
                FusionSettings s = FusionSettings.defaults().withWeights(tau, beta, unseen, confidence, split,
                    approach);
                results.add(Map.entry(String.format("tau %4.0f beta %.0f approach %.0f split %.2f unseen %.3f "
                    + "review under %.1f", tau, beta, approach, split, unseen, confidence), tally(runs, s)));
              }
            }
          }
        }
      }
    }
    Tally defaults = tally(runs, FusionSettings.defaults());
    System.out.printf("defaults: F1 %.4f right %d wrong %d (confident %d) reviews %d strangers %d%n", defaults.f1(),
        defaults.right(), defaults.wrong(), defaults.confidentWrong(), defaults.reviews(), defaults.strangers());
    // Each weight's value, by the mean score of every setting that has it: a value good whatever the others are.
    Map<String, double[]> marginals = new java.util.TreeMap<>();
    for (Map.Entry<String, Tally> r : results) {
      String[] words = r.getKey().trim().split(" +");
      for (int i = 0; i + 1 < words.length; i += 2) {
        if (words[i].equals("review")) {
          i++; // "review under X"
        }
        double[] sum = marginals.computeIfAbsent(words[i] + " " + words[i + 1], k -> new double[2]);
        sum[0] += score(r.getValue());
        sum[1]++;
      }
    }
    marginals.forEach((value, sum) -> System.out.printf("  %-18s mean score %.4f%n", value, sum[0] / sum[1]));
    results.sort((a, b) -> Double.compare(score(b.getValue()), score(a.getValue())));
    for (Map.Entry<String, Tally> r : results.subList(0, Math.min(25, results.size()))) {
      Tally t = r.getValue();
      System.out.printf("%s  F1 %.4f  right %d wrong %d (confident %d) reviews %d strangers %d%n", r.getKey(), t.f1(),
          t.right(), t.wrong(), t.confidentWrong(), t.reviews(), t.strangers());
    }
  }

  // A confident wrong charge costs most, a review costs a little: the order a shopper would rank them in.
  private static double score(Tally t) {
    return t.f1() - 0.01 * t.confidentWrong() - 0.001 * t.reviews() - 0.02 * t.strangers();
  }

  static Tally tally(List<Run> runs, FusionSettings s) {
    long right = 0;
    long wrong = 0;
    long confidentWrong = 0;
    long reviews = 0;
    long strangers = 0;
    long taken = 0;
    for (Run run : runs) {
      taken += run.taken();
      for (DecisionInputs in : run.inputs()) {
        Decision decision = in.decide(s);
        reviews += decision.reviewed(in.delta()) ? 1 : 0;
        for (Decision.Charge c : decision.charges()) {
          List<Truth> there = run.truth().stream().filter(t -> t.row().equals(in.rowId())
              && Integer.signum(t.delta()) == Integer.signum(in.delta())
              && Math.abs(t.at() - in.onset()) <= MATCH_MILLIS).toList();
          boolean ok = there.stream().anyMatch(t -> t.shopperId().equals(c.who().shopperId()));
          int sign = in.delta() < 0 ? 1 : -1;
          if (ok) {
            right += sign * c.quantity();
          } else {
            wrong += c.quantity();
            confidentWrong += decision.ambiguous() ? 0 : c.quantity();
            strangers += there.stream().anyMatch(t -> t.shopperId().isEmpty()) ? 1 : 0;
          }
        }
      }
    }
    return new Tally(right, wrong, confidentWrong, reviews, strangers, taken);
  }

  private static Run read(Path dir) throws Exception {
    Map<String, DecisionInputs> byKey = new LinkedHashMap<>(); // the last inputs of a change are what decided it
    for (String line : Files.readAllLines(dir.resolve("all.log"))) {
      int at = line.indexOf("event=fusion_inputs ");
      if (at >= 0) {
        DecisionInputs in = DecisionInputs.parse(new JsonObject(line.substring(at + "event=fusion_inputs ".length())));
        byKey.put(in.key(), in);
      }
    }
    JsonObject truth = new JsonObject(Files.readString(dir.resolve("truth.json")));
    Map<String, String> ids = new LinkedHashMap<>();
    truth.getJsonArray("shoppers").forEach(o -> ids.put(((JsonObject) o).getString("name"),
        ((JsonObject) o).getString("shopper_id")));
    List<Truth> changes = new ArrayList<>();
    long taken = 0;
    long start = truth.getLong("start_ms");
    for (Object o : truth.getJsonArray("changes")) {
      JsonObject c = (JsonObject) o;
      String id = ids.getOrDefault(c.getString("by"), "");
      changes.add(new Truth(start + c.getLong("at_ms"), c.getString("row"), c.getInteger("shelf_delta"), id));
      taken -= id.isEmpty() ? 0 : c.getInteger("shelf_delta");
    }
    return new Run(List.copyOf(byKey.values()), changes, taken);
  }

  private EvidenceTuning() {
  }
}
