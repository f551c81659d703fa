package org.ezshop.store.rules;

import static io.vertx.core.Future.failedFuture;
import static io.vertx.core.Future.succeededFuture;

import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ezshop.store.storage.EnrolmentTx;
import org.ezshop.store.storage.Failures;
import org.ezshop.store.storage.Stamps;
import org.ezshop.store.storage.Transactions;
import org.ezshop.store.storage.Tx;
import org.ezshop.store.v1.AuditEntry;
import org.ezshop.store.v1.CartLine;
import org.ezshop.store.v1.Device;
import org.ezshop.store.v1.EraseShopperResponse;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.ListItemsResponse;
import org.ezshop.store.v1.ShelfRow;
import org.ezshop.store.v1.ShelfSensor;
import org.ezshop.store.v1.Shopper;
import org.ezshop.store.v1.StoreEvent;

/** What the store sells and how it is laid out: items, shelf rows, shoppers and devices. */
public final class Catalog {

  private static final SecureRandom NOBODY = new SecureRandom();

  private final Transactions store;

  public Catalog(Transactions store) {
    this.store = store;
  }

  /** @param item with its store_id set */
  public Future<Item> createItem(Item item) {
    Item created = item.toBuilder().setUpdatedAt(Stamps.now()).build();
    return store.inTx(tx -> Stores.exists(tx, item.getStoreId())
        .compose(x -> tx.catalogue().insertItem(created))
        .map(v -> {
          tx.publish(StoreEvent.newBuilder().setItem(created).build());
          return created;
        })).recover(Catalog::conflictAsExists);
  }

  /** Replaces the fields named in {@code paths} (all of them when empty). */
  public Future<Item> updateItem(Item patch, List<String> paths, String bound) {
    return store.inTx(tx -> tx.catalogue().item(patch.getSku()).compose(found -> {
      if (found.isEmpty()) {
        return failedFuture(Failures.notFound("item.sku: no item " + patch.getSku()));
      }
      Stores.same(bound, found.get().getStoreId(), "item " + patch.getSku());
      Item.Builder item = found.get().toBuilder();
      boolean all = paths.isEmpty();
      if (all || paths.contains("name")) {
        item.setName(patch.getName());
      }
      if (all || paths.contains("price")) {
        item.setPrice(patch.getPrice());
      }
      if (all || paths.contains("stock")) {
        item.setStock(patch.getStock());
      }
      if (all || paths.contains("image_url")) {
        item.setImageUrl(patch.getImageUrl());
      }
      if (all || paths.contains("low_stock_threshold")) {
        item.setLowStockThreshold(patch.getLowStockThreshold());
      }
      if (all || paths.contains("age_restricted")) {
        item.setAgeRestricted(patch.getAgeRestricted());
      }
      if (all || paths.contains("minimum_age")) {
        item.setMinimumAge(patch.getMinimumAge());
      }
      Item updated = item.setUpdatedAt(Stamps.now()).build();
      tx.publish(StoreEvent.newBuilder().setItem(updated).build());
      return tx.catalogue().updateItem(updated).map(updated);
    }));
  }

  public Future<ListItemsResponse> listItems(int pageSize, String pageToken, String storeId) {
    return store.inTx(tx -> tx.catalogue().items(pageToken, pageSize, storeId)).map(items -> ListItemsResponse.newBuilder()
        .addAllItems(items)
        .setNextPageToken(pageSize > 0 && items.size() == pageSize ? items.get(items.size() - 1).getSku() : "")
        .build());
  }

  public Future<Item> adjustStock(String sku, long delta, String reason, String idempotencyKey, String bound) {
    return store.inTx(tx -> tx.catalogue().item(sku).compose(found -> {
      if (found.isEmpty()) {
        return failedFuture(Failures.invalid("sku", "no item " + sku));
      }
      Stores.same(bound, found.get().getStoreId(), "item " + sku);
      Future<Boolean> fresh = idempotencyKey.isEmpty() ? succeededFuture(true)
          : tx.catalogue().recordAdjustment(idempotencyKey, sku, delta, reason);
      return fresh.compose(apply -> apply ? tx.catalogue().addStock(sku, delta).map(after -> {
        tx.publish(StoreEvent.newBuilder().setItem(after).build());
        return after;
      }) : succeededFuture(found.get()));
    }));
  }

  /** A row is its item's store's; row and sensor ids are unique across the chain. */
  public Future<ShelfRow> putShelfRow(ShelfRow requested, String bound) {
    return store.inTx(tx -> tx.catalogue().item(requested.getSku()).compose(item -> {
      if (item.isEmpty()) {
        return failedFuture(Failures.invalid("row.sku", "no item " + requested.getSku()));
      }
      String storeId = item.get().getStoreId();
      if (!requested.getStoreId().isEmpty() && !requested.getStoreId().equals(storeId)) {
        return failedFuture(Failures.invalid("row.store_id", "row " + requested.getRowId() + " is in store "
            + requested.getStoreId() + " but " + requested.getSku() + " is sold in store " + storeId));
      }
      Stores.same(bound, storeId, "item " + requested.getSku());
      ShelfRow row = requested.toBuilder().setStoreId(storeId).build();
      return tx.catalogue().rows().compose(rows -> {
        rows.stream().filter(r -> r.getRowId().equals(row.getRowId())).findFirst()
            .ifPresent(before -> Stores.same(bound, before.getStoreId(), "row " + row.getRowId()));
        Map<String, String> owner = new HashMap<>();
        rows.stream().filter(r -> !r.getRowId().equals(row.getRowId()))
            .forEach(r -> r.getSensorsList().forEach(s -> owner.put(s.getSensorId(), r.getRowId())));
        for (ShelfSensor sensor : row.getSensorsList()) {
          if (owner.containsKey(sensor.getSensorId())) {
            return failedFuture(Failures.invalid("row.sensors", "sensor " + sensor.getSensorId()
                + " already measures row " + owner.get(sensor.getSensorId())));
          }
        }
        return tx.catalogue().putRow(row).map(put -> {
          tx.publish(StoreEvent.newBuilder().setShelfRow(row.toBuilder().setStoreId(Stores.of(storeId))).build());
          return row;
        });
      });
    }));
  }

  /** @param storeId one store's rows, or "" for every store's */
  public Future<List<ShelfRow>> listShelfRows(String storeId) {
    return store.inTx(tx -> tx.catalogue().rows()).map(rows -> rows.stream()
        .filter(r -> Stores.in(storeId, r.getStoreId()))
        .map(r -> r.toBuilder().setStoreId(Stores.of(r.getStoreId())).build()).toList());
  }

  public Future<Shopper> registerShopper(String name, String faceId, String pushToken) {
    Shopper shopper = Shopper.newBuilder().setShopperId(Ledger.newId("s")).setName(name).setFaceId(faceId)
        .setPushToken(pushToken).setRegisteredAt(Stamps.now()).build();
    return store.inTx(tx -> tx.enrolment().insertShopper(shopper).map(v -> {
      tx.publish(StoreEvent.newBuilder().setShopper(shopper).build());
      return shopper;
    })).recover(Catalog::conflictAsExists);
  }

  /**
   * @param holdingSku only shoppers whose open cart holds this SKU (by the ledger's own rule); empty for all
   * @param storeId    with inStoreOnly or holdingSku, only shoppers in this store; "" for any
   */
  public Future<List<Shopper>> listShoppers(boolean inStoreOnly, String faceId, String holdingSku, String shopperId,
      String storeId) {
    return store.inTx(tx -> tx.enrolment().shoppers().compose(all -> {
      List<Shopper> chosen = all.stream()
          .filter(s -> shopperId.isEmpty() || s.getShopperId().equals(shopperId))
          .filter(s -> !inStoreOnly || s.getInStore())
          .filter(s -> !(inStoreOnly || !holdingSku.isEmpty()) || Stores.in(storeId, s.getStoreId()))
          .filter(s -> faceId.isEmpty() || s.getFaceId().equals(faceId))
          .filter(s -> holdingSku.isEmpty() || s.getInStore())
          .toList();
      if (holdingSku.isEmpty()) {
        return Future.succeededFuture(chosen);
      }
      List<Future<List<CartLine>>> carts = chosen.stream().map(s -> tx.visits().openCartLines(s.getShopperId())).toList();
      return Future.all(carts).map(read -> {
        List<Shopper> holding = new java.util.ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
          if (Ledger.holding(carts.get(i).result(), holdingSku) > 0) {
            holding.add(chosen.get(i));
          }
        }
        return holding;
      });
    }));
  }

  /**
   * See StoreService.EraseShopper; {@code audit} is completed with the anonymous id and appended in the same
   * transaction. An erasure asked for again answers as the first did.
   */
  public Future<EraseShopperResponse> eraseShopper(String shopperId, AuditEntry.Builder audit) {
    return store.inTx(tx -> tx.enrolment().erasure(shopperId).compose(before -> {
      if (before.isPresent()) {
        return Future.succeededFuture(before.get());
      }
      return tx.enrolment().shopper(shopperId).compose(found -> {
        Shopper shopper = found.orElseThrow(() -> Failures.notFound("no shopper " + shopperId));
        if (shopper.getInStore()) {
          throw Failures.precondition("the shopper is in store: erase their data once they have walked out");
        }
        EnrolmentTx.Erasure erasure = new EnrolmentTx.Erasure(Ledger.newId("anon"), shopper.getFaceId(),
            Stamps.now());
        return tx.enrolment().erase(shopper, erasure).map(erasure);
      });
    }).compose(erasure -> tx.followUps().appendAudit(audit.putFields("anonymous_id", erasure.anonymousId()).build())
        .map(EraseShopperResponse.newBuilder().setAnonymousId(erasure.anonymousId()).setFaceId(erasure.faceId())
            .build())));
  }

  /** @param device with its store_id set; a device registered again in another store moves there */
  public Future<Device> registerDevice(Device device, String token, String bound) {
    Device registered = device.toBuilder().setRegisteredAt(Stamps.now()).build();
    return store.inTx(tx -> Stores.exists(tx, device.getStoreId()).compose(x -> tx.enrolment().devices())
            .compose(all -> {
              all.stream().filter(d -> d.getDeviceId().equals(device.getDeviceId())).findFirst()
                  .ifPresent(before -> Stores.same(bound, before.getStoreId(), "device " + device.getDeviceId()));
              return tx.enrolment().putDevice(registered, hash(token)).map(put -> published(tx, registered));
            }))
        .recover(Catalog::conflictAsExists);
  }

  /** The device's token authenticates nothing more: its hash becomes that of a secret nobody holds. */
  public Future<Device> revokeDevice(String deviceId, String bound) {
    byte[] nobodys = new byte[32];
    NOBODY.nextBytes(nobodys);
    return store.inTx(tx -> tx.enrolment().devices().compose(all -> {
      Device device = all.stream().filter(d -> d.getDeviceId().equals(deviceId)).findFirst().orElse(null);
      if (device == null) {
        return failedFuture(Failures.notFound("device '" + deviceId + "'"));
      }
      Stores.same(bound, device.getStoreId(), "device " + deviceId);
      Device revoked = device.toBuilder().setRegisteredAt(Stamps.now()).build(); // its token changed: gateways see
      return tx.enrolment().putDevice(revoked, hash(Base64.getEncoder().encodeToString(nobodys)))
          .map(put -> published(tx, revoked));
    }));
  }

  private static Device published(Tx tx, Device device) {
    tx.publish(StoreEvent.newBuilder().setDevice(device).build());
    return device;
  }

  /** @param storeId one store's devices, or "" for every store's */
  public Future<List<Device>> listDevices(String storeId) {
    return store.inTx(tx -> tx.enrolment().devices()).map(all -> all.stream()
        .filter(d -> Stores.in(storeId, d.getStoreId())).toList());
  }

  /** A device's token opens only its own store's gateway: PERMISSION_DENIED on a call bound to another store. */
  public Future<Device> authenticateDevice(String token, String bound) {
    return store.inTx(tx -> tx.enrolment().deviceByToken(hash(token))).compose(device -> device
        .<Future<Device>>map(d -> {
          Stores.same(bound, d.getStoreId(), "device " + d.getDeviceId());
          return Future.succeededFuture(d);
        })
        .orElseGet(() -> failedFuture(Failures.unauthenticated("no device has this token"))));
  }

  static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> Future<T> conflictAsExists(Throwable failure) {
    return failedFuture(failure instanceof Tx.Conflict ? Failures.exists(failure.getMessage()) : failure);
  }
}
