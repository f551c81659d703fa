package org.ezshop.store;

import io.vertx.core.Future;
import org.ezshop.store.v1.Alert;
import org.ezshop.store.v1.AlertKind;
import org.ezshop.store.v1.StoreEvent;

/** Raising alerts inside a transaction. */
final class Alerts {

  private Alerts() {
  }

  static Future<Void> raise(Tx tx, AlertKind kind, String message, String sku, String rowId, String shopperId) {
    return raise(tx, Ledger.alert(kind, message).toBuilder().setSku(sku).setRowId(rowId).setShopperId(shopperId).build())
        .mapEmpty();
  }

  static Future<Alert> raise(Tx tx, Alert alert) {
    tx.publish(StoreEvent.newBuilder().setAlert(alert).build());
    return tx.insertAlert(alert).map(alert);
  }
}
