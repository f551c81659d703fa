package org.ezshop.store.memory;

import static io.vertx.core.Future.succeededFuture;

import com.google.protobuf.Timestamp;
import io.vertx.core.Future;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.ezshop.store.storage.EnrolmentTx;
import org.ezshop.store.storage.Tx;
import org.ezshop.store.v1.*;

/** Shoppers and devices in memory. */
final class MemoryEnrolment implements EnrolmentTx {

  private final MemoryTx tx;
  private final MemoryState s;

  MemoryEnrolment(MemoryTx tx, MemoryState state) {
    this.tx = tx;
    this.s = state;
  }

  @Override
  public Future<Optional<Shopper>> shopper(String shopperId) {
    return succeededFuture(Optional.ofNullable(s.shoppers.get(shopperId)).map(this::withVisit));
  }

  @Override
  public Future<List<Shopper>> shoppers() {
    return succeededFuture(s.shoppers.values().stream().map(this::withVisit)
        .sorted(Comparator.comparing(Shopper::getName).thenComparing(Shopper::getShopperId))
        .collect(Collectors.toList()));
  }

  private Shopper withVisit(Shopper shopper) {
    return s.openVisit(shopper.getShopperId())
        .map(v -> shopper.toBuilder().setInStore(true).setEnteredAt(v.getEnteredAt())
            .setStoreId(v.getStoreId()).build())
        .orElse(shopper);
  }

  @Override
  public Future<Void> insertShopper(Shopper shopper) {
    if (s.shopperByFace.containsKey(shopper.getFaceId())) {
      return Future.failedFuture(new Tx.Conflict("face " + shopper.getFaceId() + " is registered already"));
    }
    tx.put(s.shoppers, shopper.getShopperId(), shopper);
    tx.put(s.shopperByFace, shopper.getFaceId(), shopper.getShopperId());
    return succeededFuture();
  }

  @Override
  public Future<Void> verifyAge(String shopperId, Timestamp until) {
    tx.put(s.shoppers, shopperId, s.shoppers.get(shopperId).toBuilder().setAgeVerifiedUntil(until).build());
    return succeededFuture();
  }

  @Override
  public Future<Optional<Erasure>> erasure(String shopperId) {
    return succeededFuture(Optional.ofNullable(s.erasures.get(shopperId)));
  }

  @Override
  public Future<Void> erase(Shopper shopper, Erasure erasure) {
    String gone = shopper.getShopperId();
    String anon = erasure.anonymousId();
    tx.put(s.shoppers, anon, Shopper.newBuilder().setShopperId(anon).setFaceId(anon)
        .setRegisteredAt(shopper.getRegisteredAt()).build());
    for (String visitId : s.visitsByShopper.getOrDefault(gone, List.of())) {
      tx.put(s.visits, visitId, s.visits.get(visitId).toBuilder().setShopperId(anon).build());
    }
    tx.put(s.visitsByShopper, anon, s.visitsByShopper.getOrDefault(gone, List.of()));
    tx.remove(s.visitsByShopper, gone);
    s.events.forEach((key, recorded) -> {
      if (recorded.event().getShopperId().equals(gone)) {
        tx.put(s.events, key, new Tx.RecordedEvent(recorded.event().toBuilder().setShopperId(anon).build(),
            recorded.refused()));
      }
    });
    s.receipts.forEach((id, receipt) -> {
      if (receipt.getShopperId().equals(gone)) {
        tx.put(s.receipts, id, receipt.toBuilder().setShopperId(anon).clearShopperName().build());
      }
    });
    tx.remove(s.shoppers, gone);
    tx.remove(s.shopperByFace, shopper.getFaceId());
    tx.put(s.erasures, gone, erasure);
    return succeededFuture();
  }

  @Override
  public Future<Void> putDevice(Device device, byte[] tokenHash) {
    String hash = Base64.getEncoder().encodeToString(tokenHash);
    String owner = s.deviceByTokenHash.get(hash);
    if (owner != null && !owner.equals(device.getDeviceId())) {
      return Future.failedFuture(new Tx.Conflict("the token belongs to another device"));
    }
    for (Map.Entry<String, String> previous : List.copyOf(s.deviceByTokenHash.entrySet())) {
      if (previous.getValue().equals(device.getDeviceId())) {
        tx.remove(s.deviceByTokenHash, previous.getKey()); // registering again rotates the token
      }
    }
    tx.put(s.devices, device.getDeviceId(), device);
    tx.put(s.deviceByTokenHash, hash, device.getDeviceId());
    return succeededFuture();
  }

  @Override
  public Future<List<Device>> devices() {
    return succeededFuture(List.copyOf(s.devices.values()));
  }

  @Override
  public Future<Optional<Device>> deviceByToken(byte[] tokenHash) {
    String id = s.deviceByTokenHash.get(Base64.getEncoder().encodeToString(tokenHash));
    return succeededFuture(Optional.ofNullable(id).map(s.devices::get));
  }
}
