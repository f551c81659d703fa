package org.ezshop.load.replay;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ezshop.store.v1.ListReceiptsRequest;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.StoreServiceGrpc;

/** receipts.json: per shopper name, the lines (SKU, quantity) of their receipts and the total. */
public final class Receipts {

  private Receipts() {
  }

  /** @param shoppers shopper id to name */
  public static JsonObject of(StoreServiceGrpc.StoreServiceBlockingStub store, Map<String, String> shoppers) {
    Map<String, JsonObject> byName = new TreeMap<>();
    shoppers.forEach((id, name) -> {
      List<Receipt> receipts = store.listReceipts(ListReceiptsRequest.newBuilder().setShopperId(id).build())
          .getReceiptsList();
      long total = receipts.stream().mapToLong(r -> r.getNetTotal().getMinorUnits()).sum();
      String currency = receipts.isEmpty() ? "" : receipts.get(receipts.size() - 1).getTotal().getCurrency();
      JsonArray json = new JsonArray();
      lines(receipts).forEach((sku, quantity) -> json.add(new JsonObject().put("sku", sku).put("quantity", quantity)));
      byName.put(name, new JsonObject().put("lines", json).put("total", new JsonObject().put("minor_units", total)
          .put("currency", currency)));
    });
    JsonObject out = new JsonObject();
    byName.forEach(out::put);
    return out;
  }

  /** SKU to quantity over a shopper's receipts, adjustments included; lines that net to nothing left out. */
  public static Map<String, Integer> lines(List<Receipt> receipts) {
    Map<String, Integer> lines = new TreeMap<>();
    receipts.forEach(r -> r.getLinesList().forEach(l -> lines.merge(l.getSku(), l.getQuantity(), Integer::sum)));
    receipts.forEach(r -> r.getAdjustmentsList().forEach(a -> lines.merge(a.getSku(), a.getQuantity(), Integer::sum)));
    lines.values().removeIf(q -> q == 0);
    return lines;
  }
}
