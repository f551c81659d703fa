package org.ezshop.store;

import io.vertx.core.Future;
import org.ezshop.store.v1.Alert;
import org.ezshop.store.v1.StoreEvent;

/** Raising alerts inside a transaction. */
final class Alerts {

  private Alerts() {
  }

  static Future<Alert> raise(Tx tx, Alert alert) {
    tx.publish(StoreEvent.newBuilder().setAlert(alert).build());
    return tx.followUps().insertAlert(alert).map(alert);
  }
}
