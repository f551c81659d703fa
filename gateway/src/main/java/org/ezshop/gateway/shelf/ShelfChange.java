package org.ezshop.gateway.shelf;

import java.util.List;

/**
 * A measured change of a shelf row's item count, in gateway time, with what fusion needs to attribute it.
 *
 * @param delta         items added (positive, a put-back) or taken (negative)
 * @param level         the row's count after the change
 * @param onsetMillis   when the row's signal left its old level: the reach (gateway clock, epoch millis)
 * @param settledMillis when the new level had held long enough to count
 * @param confidence    0.5..1: how cleanly the new level sits on a whole count
 * @param views         the cameras covering the row, each with the part of its frame where the row's people stand
 */
public record ShelfChange(String rowId, String sku, String sensorId, int delta, int level, long onsetMillis,
    long settledMillis, double confidence, List<RowView> views) {

  /** Names this change for good: the base of the cart event's idempotency key. */
  public String key() {
    return rowId + "@" + onsetMillis + ":" + delta;
  }
}
