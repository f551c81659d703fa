package org.ezshop.load.sim;

import java.util.ArrayList;
import java.util.List;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.store.v1.CartEvent;
import org.ezshop.store.v1.CartEventCause;

/**
 * The gateway's charges from shelf changes, as the store's feed shows them, held against the truth: each charge
 * is matched with the real change on its row nearest its onset; it is right when that person made a change there.
 */
public final class Decisions {

  /** Charges with confidence in [from, to): how many, and how many were right. */
  public record Bin(double from, double to, int decisions, int right) {
    public double share() {
      return decisions == 0 ? 0 : (double) right / decisions;
    }
  }

  private static final long MATCH_MILLIS = 3000;
  private final List<CartEvent> charges = new ArrayList<>();

  synchronized void add(CartEvent e) {
    if (e.getCause() == CartEventCause.CART_EVENT_CAUSE_SHELF && e.hasAttribution()) {
      charges.add(e);
    }
  }

  /** The confidence bins [0, 0.5), [0.5, 0.6) … [0.9, 1.0], and how many charges went for a stranger's change. */
  synchronized Result score(Plan plan, List<String> shopperIds, long start) {
    int[] count = new int[6];
    int[] right = new int[6];
    int strangers = 0;
    for (CartEvent e : charges) {
      int person = shopperIds.indexOf(e.getShopperId());
      Plan.Change truth = null;
      boolean ok = false;
      long onset = EpochMillis.of(e.getAt()) - start;
      for (Plan.Change c : plan.changes) {
        if (!plan.rows.get(c.row()).rowId().equals(e.getRowId()) || Integer.signum(c.delta())
            != -Integer.signum(e.getQuantityDelta()) || Math.abs(c.at() - onset) > MATCH_MILLIS) {
          continue;
        }
        if (c.person() == person) {
          ok = true;
        }
        if (truth == null || Math.abs(c.at() - onset) < Math.abs(truth.at() - onset)) {
          truth = c;
        }
      }
      if (!ok && truth != null && truth.person() >= plan.shoppers) {
        strangers++;
      }
      int bin = Math.max(0, Math.min(5, (int) Math.floor(e.getAttribution().getConfidence() * 10) - 4));
      count[bin]++;
      right[bin] += ok ? 1 : 0;
    }
    List<Bin> bins = new ArrayList<>();
    for (int b = 0; b < 6; b++) {
      bins.add(new Bin(b == 0 ? 0 : 0.4 + b / 10.0, b == 5 ? 1.0 : 0.5 + b / 10.0, count[b], right[b]));
    }
    return new Result(bins, strangers);
  }

  /** The calibration table, and the charges made for changes that strangers made. */
  public record Result(List<Bin> calibration, int strangersCharged) {
    @Override
    public String toString() {
      StringBuilder table = new StringBuilder("calibration: confidence   charges   right\n");
      for (Bin b : calibration) {
        table.append(String.format("             %.1f-%.1f   %7d   %s%n", b.from(), b.to(), b.decisions(),
            b.decisions() == 0 ? "-" : String.format("%.3f", b.share())));
      }
      return table.append("strangers' changes charged to a shopper: ").append(strangersCharged).toString();
    }
  }
}
