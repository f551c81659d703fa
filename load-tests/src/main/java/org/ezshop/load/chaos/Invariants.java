package org.ezshop.load.chaos;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.store.v1.CartEvent;
import org.ezshop.store.v1.CartEventCause;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.ReceiptLine;
import org.ezshop.store.v1.Review;

/**
 * What must hold after any run, faults or not, checked against the simulator's truth: each true shelf change
 * ends as exactly its units charged or one review, no cart event counts twice, stock adds up, the gateway's
 * last measured level of every row is what the shelf really holds (every acked reading was applied), and every
 * shopper who walked out has a receipt.
 */
final class Invariants {

  /** One invariant: whether it held, and the evidence. */
  record Check(String name, boolean held, String detail) {
  }

  /** Decisions this close to a true change (or a run of them on one row) are about it, as the simulator scores. */
  static final long MATCH_MILLIS = 3000;
  private static final Pattern SHELF_CHANGE = Pattern.compile("event=shelf_change row=(\\S+) .* level=(-?\\d+) ");

  private Invariants() {
  }

  static List<Check> check(JsonObject truth, Ledger ledger, List<String> gatewayLog) {
    return List.of(everyChangeOnce(truth, ledger), nothingTwice(ledger), stockAddsUp(truth, ledger),
        levelsMeasured(truth, gatewayLog), everyoneCheckedOut(truth, ledger));
  }

  /** A run of true changes on one row, no two further apart than the matching distance, of one direction. */
  private static final class Group {
    final String row;
    final boolean pick;
    final long from;
    long to;
    int units;
    int changes;
    int charged;
    int reviews;

    Group(String row, boolean pick, long at) {
      this.row = row;
      this.pick = pick;
      this.from = at;
      this.to = at;
    }

    long distance(long at) {
      return at < from ? from - at : at > to ? at - to : 0;
    }

    @Override
    public String toString() {
      return String.format("%s %s at %.1f-%.1f s: %d taken, %d charged, %d reviews", row, pick ? "pick" : "put-back",
          from / 1000.0, to / 1000.0, units, charged, reviews);
    }
  }

  static Check everyChangeOnce(JsonObject truth, Ledger ledger) {
    long start = truth.getLong("start_ms");
    List<Group> groups = new ArrayList<>();
    Map<String, Group> open = new HashMap<>();
    for (Object o : truth.getJsonArray("changes")) {
      JsonObject c = (JsonObject) o;
      boolean pick = c.getInteger("shelf_delta") < 0;
      String key = c.getString("row") + pick;
      long at = c.getLong("at_ms");
      Group g = open.get(key);
      if (g == null || at - g.to > MATCH_MILLIS) {
        g = new Group(c.getString("row"), pick, at);
        groups.add(g);
        open.put(key, g);
      }
      g.to = at;
      g.units += Math.abs(c.getInteger("shelf_delta"));
      g.changes++;
    }
    List<String> unmatched = new ArrayList<>();
    for (Ledger.Applied a : ledger.cartEvents()) {
      CartEvent e = a.event();
      if (e.getCause() != CartEventCause.CART_EVENT_CAUSE_SHELF || a.refused()) {
        continue;
      }
      Group g = nearest(groups, e, start);
      if (g == null) {
        unmatched.add("charge " + e.getIdempotencyKey());
      } else {
        g.charged += Math.abs(e.getQuantityDelta());
      }
    }
    for (Review r : ledger.reviews()) {
      Group g = nearest(groups, r.getEvent(), start);
      if (g == null) {
        unmatched.add("review " + r.getReviewId());
      } else {
        g.reviews++;
      }
    }
    List<String> wrong = new ArrayList<>();
    for (Group g : groups) {
      if (g.charged > g.units || g.reviews > g.changes || (g.charged < g.units && g.reviews == 0)) {
        wrong.add(g.toString());
      }
    }
    wrong.addAll(unmatched.stream().map(u -> u + " matches no true change").toList());
    return new Check("every true shelf change ends as its units charged, or as a review; never more", wrong.isEmpty(),
        wrong.isEmpty() ? groups.size() + " runs of changes, " + ledger.cartEvents().size() + " cart events, "
            + ledger.reviews().size() + " reviews" : String.join("; ", wrong));
  }

  private static Group nearest(List<Group> groups, CartEvent e, long start) {
    long at = EpochMillis.of(e.getAt()) - start;
    boolean pick = e.getQuantityDelta() > 0;
    Group best = null;
    for (Group g : groups) {
      if (g.row.equals(e.getRowId()) && g.pick == pick && g.distance(at) <= MATCH_MILLIS
          && (best == null || g.distance(at) < best.distance(at))) {
        best = g;
      }
    }
    return best;
  }

  /** Each receipt holds, per item, exactly the sum of the cart events applied to its visit. */
  static Check nothingTwice(Ledger ledger) {
    Map<String, Map<String, Integer>> applied = new HashMap<>();
    for (Ledger.Applied a : ledger.cartEvents()) {
      if (!a.refused() && a.visitId() != null) {
        applied.computeIfAbsent(a.visitId(), v -> new HashMap<>()).merge(a.event().getSku(),
            a.event().getQuantityDelta(), Integer::sum);
      }
    }
    List<String> wrong = new ArrayList<>();
    long keys = ledger.cartEvents().stream().map(a -> a.event().getIdempotencyKey()).distinct().count();
    if (keys != ledger.cartEvents().size()) {
      wrong.add((ledger.cartEvents().size() - keys) + " idempotency keys recorded twice");
    }
    java.util.Set<String> eventKeys = ledger.cartEvents().stream().map(a -> a.event().getIdempotencyKey())
        .collect(java.util.stream.Collectors.toSet());
    for (Receipt r : ledger.receipts()) {
      Map<String, Integer> lines = new HashMap<>();
      for (ReceiptLine l : r.getLinesList()) {
        lines.merge(l.getSku(), l.getQuantity(), Integer::sum);
      }
      // A change decided after its shopper left is one of the visit's events, beside the receipt.
      r.getAdjustmentsList().stream().filter(a -> eventKeys.contains(a.getIdempotencyKey()))
          .forEach(a -> lines.merge(a.getSku(), a.getQuantity(), Integer::sum));
      lines.values().removeIf(q -> q == 0);
      Map<String, Integer> events = new HashMap<>(applied.getOrDefault(r.getVisitId(), Map.of()));
      events.values().removeIf(q -> q == 0);
      if (!lines.equals(events)) {
        wrong.add("receipt " + r.getReceiptId() + " " + lines + " but its cart events " + events);
      }
    }
    return new Check("no cart event applied twice: each receipt is the sum of its visit's cart events", wrong.isEmpty(),
        wrong.isEmpty() ? ledger.receipts().size() + " receipts, " + keys + " distinct keys"
            : String.join("; ", wrong));
  }

  /** Every shopper who walked out has a receipt: no exit was lost. */
  static Check everyoneCheckedOut(JsonObject truth, Ledger ledger) {
    List<String> missing = new ArrayList<>();
    for (Object o : truth.getJsonArray("shoppers")) {
      JsonObject shopper = (JsonObject) o;
      if (ledger.receipts().stream().noneMatch(r -> r.getShopperId().equals(shopper.getString("shopper_id")))) {
        missing.add(shopper.getString("name") + " (out at " + shopper.getLong("exited_ms") / 1000.0 + " s)");
      }
    }
    return new Check("every shopper who walked out has a receipt", missing.isEmpty(), missing.isEmpty()
        ? truth.getJsonArray("shoppers").size() + " shoppers" : "no receipt for " + String.join(", ", missing));
  }

  /** Each item's stock is its initial stock minus what was charged plus what was put back (or found misplaced). */
  static Check stockAddsUp(JsonObject truth, Ledger ledger) {
    Map<String, Long> expected = new HashMap<>();
    truth.getJsonArray("rows").forEach(o -> expected.put(((JsonObject) o).getString("sku"),
        ((JsonObject) o).getLong("stock")));
    ledger.cartEvents().stream().filter(a -> !a.refused())
        .forEach(a -> expected.merge(a.event().getSku(), (long) -a.event().getQuantityDelta(), Long::sum));
    ledger.adjusted().forEach((sku, delta) -> expected.merge(sku, delta, Long::sum)); // misplaced items put back
    List<String> wrong = new ArrayList<>();
    expected.forEach((sku, stock) -> {
      if (!stock.equals(ledger.stock().get(sku))) {
        wrong.add(sku + " holds " + ledger.stock().get(sku) + ", expected " + stock);
      }
    });
    return new Check("each item's stock is its initial stock minus charged picks plus put-backs", wrong.isEmpty(),
        wrong.isEmpty() ? expected.size() + " items" : String.join("; ", wrong));
  }

  /** The gateway's last measured level of each row (its log, across restarts) is what the shelf really holds. */
  static Check levelsMeasured(JsonObject truth, List<String> gatewayLog) {
    Map<String, Integer> expected = new HashMap<>();
    truth.getJsonArray("rows").forEach(o -> expected.put(((JsonObject) o).getString("row"),
        ((JsonObject) o).getInteger("stock")));
    Map<String, Integer> measured = new HashMap<>(expected);
    truth.getJsonArray("changes").forEach(o -> expected.merge(((JsonObject) o).getString("row"),
        ((JsonObject) o).getInteger("shelf_delta"), Integer::sum));
    for (String line : gatewayLog) {
      Matcher m = SHELF_CHANGE.matcher(line);
      if (m.find()) {
        measured.put(m.group(1), Integer.parseInt(m.group(2)));
      }
    }
    List<String> wrong = new ArrayList<>();
    expected.forEach((row, level) -> {
      if (!level.equals(measured.get(row))) {
        wrong.add(row + " measured at " + measured.get(row) + ", holds " + level);
      }
    });
    return new Check("every acked reading was applied: each row's last measured level is what it holds",
        wrong.isEmpty(), wrong.isEmpty() ? expected.size() + " rows" : String.join("; ", wrong));
  }
}
