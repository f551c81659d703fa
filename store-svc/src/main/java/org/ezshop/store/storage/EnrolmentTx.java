package org.ezshop.store.storage;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.ezshop.store.v1.*;

/** Who and what is known to the store in one transaction: shoppers and devices. */
public interface EnrolmentTx {

  Future<Optional<Shopper>> shopper(String shopperId);

  /** Every shopper, with in_store and entered_at from their open visit. */
  Future<List<Shopper>> shoppers();

  /** Fails with {@link Tx.Conflict} when the face is registered already. */
  Future<Void> insertShopper(Shopper shopper);

  /** Creates or replaces the device; fails with {@link Tx.Conflict} when another device has the token. */
  Future<Void> putDevice(Device device, byte[] tokenHash);

  Future<List<Device>> devices();

  Future<Optional<Device>> deviceByToken(byte[] tokenHash);
}
