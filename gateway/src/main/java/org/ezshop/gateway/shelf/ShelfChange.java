package org.ezshop.gateway.shelf;

/**
 * A measured change of a shelf row's item count, in gateway time.
 *
 * @param delta      items added (positive, a put-back) or taken (negative)
 * @param level      the row's count after the change
 * @param atMillis   when the change began (gateway clock, epoch millis)
 * @param confidence 0.5..1: how cleanly the new level sits on a whole count
 */
public record ShelfChange(String rowId, String sku, String sensorId, int delta, int level, long atMillis,
    double confidence) {

  /** Names this change for good: the base of the cart event's idempotency key. */
  public String key() {
    return rowId + "@" + atMillis + ":" + delta;
  }
}
