package org.ezshop.store.pg;

import static org.ezshop.store.pg.PgTx.all;
import static org.ezshop.store.pg.PgTx.bytes;
import static org.ezshop.store.pg.PgTx.first;
import static org.ezshop.store.pg.PgTx.parse;
import static org.ezshop.store.pg.PgTx.stamp;
import static org.ezshop.store.pg.PgTx.time;
import static org.ezshop.store.pg.PgTx.unique;

import com.google.protobuf.Timestamp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.Optional;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.store.storage.EnrolmentTx;
import org.ezshop.store.v1.*;

/** Shoppers and devices in SQL. */
final class PgEnrolment implements EnrolmentTx {

  private final PgTx tx;

  PgEnrolment(PgTx tx) {
    this.tx = tx;
  }

  private static final String SHOPPER = "SELECT s.*, v.entered_at, v.store_id FROM shoppers s "
      + "LEFT JOIN visits v ON v.shopper_id = s.shopper_id AND v.exited_at IS NULL ";

  static Shopper shopper(Row r) {
    Shopper.Builder s = Shopper.newBuilder().setShopperId(r.getString("shopper_id")).setName(r.getString("name"))
        .setFaceId(r.getString("face_id")).setPushToken(r.getString("push_token"))
        .setRegisteredAt(stamp(r, "registered_at"));
    if (r.getOffsetDateTime("age_verified_until") != null) {
      s.setAgeVerifiedUntil(stamp(r, "age_verified_until"));
    }
    if (r.getOffsetDateTime("entered_at") != null) {
      s.setInStore(true).setEnteredAt(stamp(r, "entered_at")).setStoreId(r.getString("store_id"));
    }
    return s.build();
  }

  @Override
  public Future<Optional<Shopper>> shopper(String shopperId) {
    return first(tx.sql(SHOPPER + "WHERE s.shopper_id = $1", shopperId), PgEnrolment::shopper);
  }

  @Override
  public Future<List<Shopper>> shoppers() {
    return all(tx.sql(SHOPPER + "ORDER BY s.name, s.shopper_id"), PgEnrolment::shopper);
  }

  @Override
  public Future<Void> insertShopper(Shopper s) {
    return unique(tx.sql("INSERT INTO shoppers VALUES ($1, $2, $3, $4, $5)", s.getShopperId(), s.getFaceId(), s.getName(),
        s.getPushToken(), time(s.getRegisteredAt())), "face " + s.getFaceId() + " is registered already");
  }

  @Override
  public Future<Void> verifyAge(String shopperId, Timestamp until) {
    return tx.sql("UPDATE shoppers SET age_verified_until = $2 WHERE shopper_id = $1", shopperId, time(until))
        .mapEmpty();
  }

  @Override
  public Future<Optional<Erasure>> erasure(String shopperId) {
    return first(tx.sql("SELECT * FROM erasures WHERE shopper_id = $1", shopperId), r -> new Erasure(
        r.getString("anonymous_id"), r.getString("face_id"), stamp(r, "at")));
  }

  // The anonymous shopper takes over every row that names the shopper; receipts' bodies name them too.
  @Override
  public Future<Void> erase(Shopper s, Erasure e) {
    String anon = e.anonymousId();
    return tx.sql("INSERT INTO shoppers VALUES ($1, $1, '', '', $2)", anon, time(s.getRegisteredAt()))
        .compose(x -> tx.sql("UPDATE visits SET shopper_id = $1 WHERE shopper_id = $2", anon, s.getShopperId()))
        .compose(x -> tx.sql("UPDATE cart_events SET shopper_id = $1 WHERE shopper_id = $2", anon, s.getShopperId()))
        .compose(x -> all(tx.sql("SELECT body FROM receipts WHERE shopper_id = $1 FOR UPDATE", s.getShopperId()),
            r -> parse(Receipt.parser(), r.getBuffer("body"))))
        .compose(receipts -> Future.all(receipts.stream().map(r -> tx.sql(
            "UPDATE receipts SET shopper_id = $1, body = $2 WHERE receipt_id = $3", anon,
            bytes(r.toBuilder().setShopperId(anon).clearShopperName().build()), r.getReceiptId())).toList()))
        .compose(x -> tx.sql("DELETE FROM shoppers WHERE shopper_id = $1", s.getShopperId()))
        .compose(x -> tx.sql("INSERT INTO erasures VALUES ($1, $2, $3, $4)", s.getShopperId(), anon, e.faceId(),
            time(e.at())))
        .mapEmpty();
  }

  static Device device(Row r) {
    return Device.newBuilder().setDeviceId(r.getString("device_id"))
        .setKind(DeviceKind.forNumber(r.getInteger("kind"))).setCameraRole(CameraRole.forNumber(r.getInteger("camera_role")))
        .setRegisteredAt(stamp(r, "registered_at")).setStoreId(r.getString("store_id")).build();
  }

  @Override
  public Future<Void> putDevice(Device d, byte[] tokenHash) {
    return unique(tx.sql("INSERT INTO devices VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (device_id) DO UPDATE SET "
            + "token_hash = EXCLUDED.token_hash, kind = EXCLUDED.kind, camera_role = EXCLUDED.camera_role, "
            + "registered_at = EXCLUDED.registered_at, store_id = EXCLUDED.store_id", d.getDeviceId(),
        Buffer.buffer(tokenHash), d.getKindValue(), d.getCameraRoleValue(), time(d.getRegisteredAt()), d.getStoreId()),
        "the token belongs to another device");
  }

  @Override
  public Future<List<Device>> devices() {
    return all(tx.sql("SELECT * FROM devices ORDER BY device_id"), PgEnrolment::device);
  }

  @Override
  public Future<Optional<Device>> deviceByToken(byte[] tokenHash) {
    return first(tx.sql("SELECT * FROM devices WHERE token_hash = $1", Buffer.buffer(tokenHash)), PgEnrolment::device);
  }
}
