package org.ezshop.gateway.fusion;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ezshop.gateway.ServiceClient;
import org.ezshop.gateway.shelf.ShelfChange;
import org.ezshop.gateway.shelf.ShelfChangeSink;
import org.ezshop.gateway.shelf.ShelfLayout;
import org.ezshop.gateway.shelf.Shelves;
import org.ezshop.gateway.sight.Sighting;
import org.ezshop.gateway.sight.SightingWindow;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.store.v1.*;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shelf changes to cart events: each change is kept (on disk, with a data directory) before its readings are
 * acked, then decided by {@link AttributionRule} once its window has passed, or at once when one shopper alone was
 * seen right at the change. Picks and put-backs go to store-svc with an idempotency key derived from the change,
 * so a decision replayed after a restart never charges twice. Doubt goes to the review queue, explained.
 */
public final class Fusion implements ShelfChangeSink {

  private static final Logger LOG = LoggerFactory.getLogger(Fusion.class);

  private final Vertx vertx;
  private final ServiceClient store;
  private final Shelves shelves;
  private final SightingWindow window;
  private final FusionSettings settings;
  private final PendingChanges pending;
  private final Map<String, ShelfChange> waiting = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public Fusion(Vertx vertx, ServiceClient store, Shelves shelves, SightingWindow window, FusionSettings settings) {
    this.vertx = vertx;
    this.store = store;
    this.shelves = shelves;
    this.window = window;
    this.settings = settings;
    this.pending = new PendingChanges(settings.dataDir());
  }

  /** Decides whatever a previous run left pending (its sightings are gone: it goes to review unless seen). */
  public Future<Void> start() {
    return vertx.executeBlocking(pending::load).compose(left -> {
      left.forEach(change -> {
        LOG.info("event=pending_after_restart key={}", change.key());
        waiting.put(change.key(), change);
        decide(change);
      });
      return Future.succeededFuture();
    });
  }

  /** Changes waiting for their decision. */
  public int waiting() {
    return waiting.size();
  }

  @Override
  public Future<Void> accept(ShelfChange change) {
    return vertx.<Void>executeBlocking(() -> {
      pending.add(change);
      return null;
    }).onSuccess(kept -> {
      waiting.put(change.key(), change);
      long due = change.atMillis() + settings.windowMillis() - System.currentTimeMillis();
      vertx.setTimer(Math.max(1, due), t -> decide(change));
      decideEarly(change);
    });
  }

  /** A new sighting may let a waiting change be decided before its window ends. */
  public void seen(Sighting s) {
    if (s.known()) {
      waiting.values().forEach(this::decideEarly);
    }
  }

  private void decideEarly(ShelfChange change) {
    List<Sighting> seen = sightings(change, System.currentTimeMillis());
    Set<String> faces = new HashSet<>();
    boolean close = false;
    for (Sighting s : seen) {
      if (s.known()) {
        faces.add(s.faceId());
        close |= Math.abs(s.atMillis() - change.atMillis()) <= settings.epsilonMillis();
      }
    }
    if (close && faces.size() == 1) {
      decide(change);
    }
  }

  private List<Sighting> sightings(ShelfChange change, long upTo) {
    ShelfLayout.Placement placement = shelves.layout().placement(change.sensorId());
    List<Sighting> seen = new ArrayList<>();
    if (placement != null) {
      for (String camera : placement.row().getCameraIdsList()) {
        seen.addAll(window.between(camera, change.atMillis() - settings.windowMillis(),
            Math.min(upTo, change.atMillis() + settings.windowMillis())));
      }
    }
    return seen;
  }

  /** Decides nothing more: what is pending stays on disk for the next start. */
  public void close() {
    closed = true;
  }

  private void decide(ShelfChange change) {
    if (closed || waiting.remove(change.key()) == null) {
      return; // decided already (early, or by the timer)
    }
    List<Sighting> seen = sightings(change, Long.MAX_VALUE);
    store.call(StoreServiceGrpcClient.ListShoppers, ListShoppersRequest.newBuilder().setInStoreOnly(true).build())
        .compose(list -> {
          Map<String, Shopper> byFace = new HashMap<>();
          list.getShoppersList().forEach(s -> byFace.put(s.getFaceId(), s));
          return change.delta() > 0 ? holders(change.sku(), list.getShoppersList())
              .map(h -> AttributionRule.decide(change.atMillis(), seen, byFace, h, settings.marginMillis()))
              : Future.succeededFuture(AttributionRule.decide(change.atMillis(), seen, byFace, null,
                  settings.marginMillis()));
        })
        .compose(decision -> act(change, decision))
        .compose(done -> vertx.<Void>executeBlocking(() -> {
          pending.remove(change);
          return null;
        }))
        .onFailure(e -> {
          if (closed) {
            return;
          }
          LOG.warn("event=decision_failed key={} error={}; retrying", change.key(), e.getMessage());
          waiting.put(change.key(), change);
          vertx.setTimer(1000, t -> decide(change));
        });
  }

  private Future<Set<String>> holders(String sku, List<Shopper> inStore) {
    List<Future<GetCartResponse>> carts = new ArrayList<>();
    inStore.forEach(s -> carts.add(store.call(StoreServiceGrpcClient.GetCart, GetCartRequest.newBuilder()
        .setShopperId(s.getShopperId()).build())));
    return Future.all(carts).map(all -> {
      Set<String> holding = new HashSet<>();
      for (GetCartResponse cart : all.<GetCartResponse>list()) {
        if (cart.getCart().getLinesList().stream().anyMatch(l -> l.getSku().equals(sku) && l.getQuantity() > 0)) {
          holding.add(cart.getCart().getShopperId());
        }
      }
      return holding;
    });
  }

  private Future<Void> act(ShelfChange change, Decision decision) {
    CartEvent.Builder event = CartEvent.newBuilder()
        .setIdempotencyKey("shelf:" + change.key())
        .setSku(change.sku())
        .setQuantityDelta(-change.delta()) // items off the shelf go into the cart
        .setAt(EpochMillis.timestamp(change.atMillis()))
        .setConfidence((float) change.confidence())
        .setCause(CartEventCause.CART_EVENT_CAUSE_SHELF)
        .setRowId(change.rowId())
        .setAttribution(explain(decision));
    LOG.info("event=shelf_decision key={} rule={} ambiguous={} candidates={}", change.key(), decision.rule(),
        decision.ambiguous(), decision.candidates());
    if (!decision.attributed()) {
      if (change.delta() > 0) { // back on the shelf, but nobody held it: the stock is what the shelf says
        return Future.all(alert(AlertKind.ALERT_KIND_MISPLACED_ITEM, change, change.delta() + " x " + change.sku()
                + " put back on " + change.rowId() + " by nobody who held it"),
            store.call(StoreServiceGrpcClient.AdjustStock, AdjustStockRequest.newBuilder().setSku(change.sku())
                .setDelta(change.delta()).setReason("misplaced item on " + change.rowId())
                .setIdempotencyKey("misplaced:" + change.key()).build())).mapEmpty();
      }
      return Future.all(review(ReviewReason.REVIEW_REASON_UNATTRIBUTED, event.build(), "nobody seen near the row"),
          alert(AlertKind.ALERT_KIND_UNATTRIBUTED, change, -change.delta() + " x " + change.sku() + " taken from "
              + change.rowId() + " with nobody seen")).mapEmpty();
    }
    CartEvent charged = event.setShopperId(decision.winner().shopperId()).build();
    return store.call(StoreServiceGrpcClient.ApplyCartEvent, ApplyCartEventRequest.newBuilder().setEvent(charged)
            .build())
        .recover(failure -> {
          // A put-back the store refuses (not held) is queued for review by the store itself.
          LOG.warn("event=cart_event_refused key={} error={}", change.key(), failure.getMessage());
          return Future.succeededFuture();
        })
        .compose(applied -> decision.ambiguous()
            ? review(ReviewReason.REVIEW_REASON_AMBIGUOUS, charged, "runner-up within "
                + settings.marginMillis() + " ms of the winner") : Future.succeededFuture());
  }

  private org.ezshop.store.v1.Attribution explain(Decision decision) {
    org.ezshop.store.v1.Attribution.Builder why = org.ezshop.store.v1.Attribution.newBuilder()
        .setRule(decision.rule()).setAmbiguous(decision.ambiguous())
        .setWindow(EpochMillis.duration(settings.windowMillis()));
    decision.candidates().forEach(c -> why.addCandidatesBuilder().setShopperId(c.shopperId())
        .setShopperName(c.name()).setFaceSize(c.faceSize()).setScore(c.score()).setCameraId(c.cameraId())
        .setDelta(EpochMillis.duration(c.deltaMillis())));
    return why.build();
  }

  private Future<Void> review(ReviewReason reason, CartEvent event, String note) {
    return store.call(StoreServiceGrpcClient.CreateReview, CreateReviewRequest.newBuilder().setReason(reason)
        .setEvent(event).setNote(note).build()).mapEmpty();
  }

  private Future<Void> alert(AlertKind kind, ShelfChange change, String message) {
    return store.call(StoreServiceGrpcClient.RaiseAlert, RaiseAlertRequest.newBuilder().setAlert(Alert.newBuilder()
        .setKind(kind).setSku(change.sku()).setRowId(change.rowId()).setMessage(message)).build()).mapEmpty();
  }
}
