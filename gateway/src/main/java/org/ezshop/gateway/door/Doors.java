package org.ezshop.gateway.door;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.LongFunction;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.edge.v1.Command;
import org.ezshop.edge.v1.Greet;
import org.ezshop.gateway.ServiceClient;
import org.ezshop.gateway.link.EdgeLinks;
import org.ezshop.gateway.sight.Sighting;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.store.v1.Alert;
import org.ezshop.store.v1.AlertKind;
import org.ezshop.store.v1.EnterStoreRequest;
import org.ezshop.store.v1.ExitStoreRequest;
import org.ezshop.store.v1.ListShoppersRequest;
import org.ezshop.store.v1.RaiseAlertRequest;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.Shopper;
import org.ezshop.store.v1.StoreServiceGrpcClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The doors: an enrolled shopper seen by an ENTRANCE camera starts a visit and is greeted through that camera's
 * device; seen by an EXIT camera while in store, the visit ends and the receipt is issued, once the shelf changes
 * from before are carried out. One walk past a camera acts once: each shopper has a cooldown per door camera. An
 * unknown face at the entrance raises an alert (at most one per camera per cooldown).
 */
public final class Doors {

  private static final Logger LOG = LoggerFactory.getLogger(Doors.class);

  private final ServiceClient store;
  private final String storeId;
  private final EdgeLinks links;
  private final long cooldownMillis;
  private final LongFunction<Future<Integer>> settled;
  private final Map<String, Long> lastActed = new HashMap<>();
  private final List<BiConsumer<Shopper, Receipt>> receipts = new CopyOnWriteArrayList<>();

  /**
   * @param settled completes once the shelf changes up to a time are carried out (into carts or reviews), or once
   *                they should have been: with how many are still deciding
   */
  /** @param storeId the store these doors are of; empty: the single store's */
  public Doors(ServiceClient store, EdgeLinks links, long cooldownMillis, LongFunction<Future<Integer>> settled,
      String storeId) {
    this.store = store;
    this.storeId = storeId;
    this.links = links;
    this.cooldownMillis = cooldownMillis;
    this.settled = settled;
  }

  /** Receipts issued at an exit (or at another store's entrance, for a visit here whose exit went unseen). */
  public void onReceipt(BiConsumer<Shopper, Receipt> listener) {
    receipts.add(listener);
  }

  /**
   * Acts on a frame's sightings (only door cameras act). Completes once every door act is done, so that the frame is
   * acked only then; if one fails (store-svc away), the frame is not acked, the walk past is forgotten, and the
   * frame resent after the reconnect acts again. EnterStore and ExitStore say when they had nothing left to do.
   */
  public Future<Void> act(List<Sighting> frame) {
    List<Future<Void>> acts = new ArrayList<>();
    for (Sighting s : frame) {
      if (s.role() == CameraRole.CAMERA_ROLE_ENTRANCE || s.role() == CameraRole.CAMERA_ROLE_EXIT) {
        acts.add(act(s));
      }
    }
    return Future.all(acts).mapEmpty();
  }

  private Future<Void> act(Sighting s) {
    String who = s.known() ? s.faceId() : "unknown";
    if (!s.known() && s.role() == CameraRole.CAMERA_ROLE_EXIT) {
      return Future.succeededFuture(); // nobody to check out
    }
    String walk = who + "@" + s.cameraId();
    if (!firstInCooldown(walk, s.atMillis())) {
      return Future.succeededFuture();
    }
    Future<Void> acted = !s.known() ? unknownAtEntrance(s)
        : shopperOf(s.faceId()).compose(shopper -> shopper.isEmpty() ? Future.succeededFuture()
            : s.role() == CameraRole.CAMERA_ROLE_ENTRANCE ? enter(shopper.get(), s) : exit(shopper.get(), s));
    return acted.onFailure(e -> {
      forget(walk, s.atMillis());
      LOG.warn("event=door_failed camera={} face={} error={}; the frame is resent", s.cameraId(), s.faceId(),
          e.getMessage());
    });
  }

  private synchronized void forget(String walk, long at) {
    lastActed.remove(walk, at);
  }

  private synchronized boolean firstInCooldown(String key, long at) {
    for (Iterator<Long> it = lastActed.values().iterator(); it.hasNext(); ) {
      if (it.next() < at - cooldownMillis) {
        it.remove();
      }
    }
    Long last = lastActed.get(key);
    if (last != null && Math.abs(at - last) < cooldownMillis) {
      return false;
    }
    lastActed.put(key, at);
    return true;
  }

  // A face identity-svc knows but store-svc does not (an enrolment that failed half-way) opens no door.
  private Future<Optional<Shopper>> shopperOf(String faceId) {
    return store.call(StoreServiceGrpcClient.ListShoppers, ListShoppersRequest.newBuilder().setFaceId(faceId).build())
        .map(list -> list.getShoppersList().stream().findFirst());
  }

  private Future<Void> enter(Shopper shopper, Sighting s) {
    return store.call(StoreServiceGrpcClient.EnterStore, EnterStoreRequest.newBuilder()
            .setShopperId(shopper.getShopperId()).setAt(EpochMillis.timestamp(s.atMillis())).build())
        .onSuccess(entered -> {
          LOG.info("event=entered shopper={} camera={} already_in_store={}", shopper.getShopperId(), s.cameraId(),
              entered.getAlreadyInStore());
          if (entered.hasClosedElsewhere()) {
            receipts.forEach(listener -> listener.accept(shopper, entered.getClosedElsewhere()));
          }
          links.command(s.deviceId(), Command.newBuilder().setCommandId(UUID.randomUUID().toString())
              .setGreet(Greet.newBuilder().setText("Welcome back, " + shopper.getName())
                  .setShopperId(shopper.getShopperId())).build());
        }).mapEmpty();
  }

  private Future<Void> exit(Shopper shopper, Sighting s) {
    if (!shopper.getInStore() || !(storeId.isEmpty() || storeId.equals(shopper.getStoreId()))) {
      return Future.succeededFuture(); // seen at the exit without a visit here: nothing to close
    }
    // What they took before walking out belongs on the receipt: their changes due are decided first. One still
    // waiting for a camera is not waited for: the receipt says so, and its charge lands beside it when decided.
    return settled.apply(s.atMillis()).compose(deciding -> store.call(StoreServiceGrpcClient.ExitStore,
            ExitStoreRequest.newBuilder()
            .setShopperId(shopper.getShopperId()).setAt(EpochMillis.timestamp(s.atMillis()))
            .setCameraId(s.cameraId()).setDeciding(deciding).build()))
        .onSuccess(exited -> {
          LOG.info("event=exited shopper={} receipt={} already_exited={} deciding={}", shopper.getShopperId(),
              exited.getReceipt().getReceiptId(), exited.getAlreadyExited(), exited.getReceipt().getDeciding());
          if (!exited.getAlreadyExited()) {
            receipts.forEach(listener -> listener.accept(shopper, exited.getReceipt()));
          }
        }).mapEmpty();
  }

  private Future<Void> unknownAtEntrance(Sighting s) {
    return store.call(StoreServiceGrpcClient.RaiseAlert, RaiseAlertRequest.newBuilder()
        .setIdempotencyKey("door:" + s.cameraId() + "@" + s.atMillis()).setAlert(Alert.newBuilder()
        .setKind(AlertKind.ALERT_KIND_UNKNOWN_FACE).setDeviceId(s.deviceId())
        .setMessage("an unknown face at entrance camera " + s.cameraId() + " (best score "
            + String.format("%.2f", s.score()) + ")")).build()).mapEmpty();
  }
}
