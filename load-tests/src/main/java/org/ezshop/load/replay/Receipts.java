package org.ezshop.load.replay;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
      Map<String, Integer> lines = new TreeMap<>();
      long total = 0;
      String currency = "";
      for (Receipt receipt : store.listReceipts(ListReceiptsRequest.newBuilder().setShopperId(id).build())
          .getReceiptsList()) {
        receipt.getLinesList().forEach(l -> lines.merge(l.getSku(), l.getQuantity(), Integer::sum));
        total += receipt.getTotal().getMinorUnits();
        currency = receipt.getTotal().getCurrency();
      }
      lines.values().removeIf(q -> q == 0);
      JsonArray json = new JsonArray();
      lines.forEach((sku, quantity) -> json.add(new JsonObject().put("sku", sku).put("quantity", quantity)));
      byName.put(name, new JsonObject().put("lines", json).put("total", new JsonObject().put("minor_units", total)
          .put("currency", currency)));
    });
    JsonObject out = new JsonObject();
    byName.forEach(out::put);
    return out;
  }
}
