package org.ezshop.store.storage;

import com.google.protobuf.Timestamp;
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

  /** Sets until when a manager's ID check lets the shopper take age-restricted items (the shopper exists). */
  Future<Void> verifyAge(String shopperId, Timestamp until);

  /** How a shopper was erased, when they were. */
  Future<Optional<Erasure>> erasure(String shopperId);

  /**
   * Erases the shopper: their visits, cart events and receipts move to the erasure's anonymous id (a shopper with
   * no name, face or push token), the shopper goes, and the erasure is kept, so that asking again answers the same.
   */
  Future<Void> erase(Shopper shopper, Erasure erasure);

  /** A shopper erased: who their records now belong to, and the face that was theirs. */
  record Erasure(String anonymousId, String faceId, com.google.protobuf.Timestamp at) {
  }

  /** Creates or replaces the device; fails with {@link Tx.Conflict} when another device has the token. */
  Future<Void> putDevice(Device device, byte[] tokenHash);

  Future<List<Device>> devices();

  Future<Optional<Device>> deviceByToken(byte[] tokenHash);
}
