package org.ezshop.store.rules;

import org.ezshop.store.storage.Tx;
import io.vertx.core.Future;
import org.ezshop.store.v1.Alert;
import org.ezshop.store.v1.StoreEvent;

/** Raising alerts inside a transaction. */
public final class Alerts {

  private Alerts() {
  }

  public static Future<Alert> raise(Tx tx, Alert alert) {
    tx.publish(StoreEvent.newBuilder().setAlert(alert).build());
    return tx.followUps().insertAlert(alert).map(alert);
  }

  /** Raises the alert unless one with its id was raised already (a retry): then that one is the answer. */
  public static Future<Alert> raiseOnce(Tx tx, Alert alert) {
    return tx.followUps().alert(alert.getAlertId()).compose(raised -> raised.isPresent()
        ? Future.succeededFuture(raised.get()) : raise(tx, alert));
  }
}
