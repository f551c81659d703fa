package org.ezshop.gateway.fusion;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.ezshop.gateway.ServiceClient;
import org.ezshop.gateway.shelf.ShelfChange;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.store.v1.*;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A decision carried out in store-svc: cart events for whoever is charged (keys derived from the change, so a
 * repeat charges nothing twice), reviews and alerts for doubt, the evidence on each.
 */
final class Verdict {

  private static final Logger LOG = LoggerFactory.getLogger(Verdict.class);

  private final ServiceClient store;
  private final ShelfChange change;
  private final Decision decision;
  private final FusionSettings settings;
  private final Consumer<Receipt> adjusted;

  /** @param adjusted hears of a receipt a charge adjusted, its shopper having left before the decision */
  Verdict(ServiceClient store, ShelfChange change, Decision decision, FusionSettings settings,
      Consumer<Receipt> adjusted) {
    this.adjusted = adjusted;
    this.store = store;
    this.change = change;
    this.decision = decision;
    this.settings = settings;
  }

  Future<Void> act() {
    LOG.info("event=shelf_decision key={} onset={} settled={} rule={} confidence={} ambiguous={} charges={} "
            + "candidates={}", change.key(), change.onsetMillis(), change.settledMillis(), decision.rule(),
        String.format("%.3f", decision.confidence()), decision.ambiguous(), decision.charges(), decision.candidates());
    CartEvent unattributed = event(-change.delta(), 0, 0).setIdempotencyKey("shelf:" + change.key()).build();
    if (decision.rule().equals("unrecognised-person")) {
      return Future.all(review(ReviewReason.REVIEW_REASON_UNRECOGNISED_PERSON, unattributed, "the likeliest "
              + "taker is a person the gallery does not know (or not in store): nobody charged"),
          alert(AlertKind.ALERT_KIND_UNRECOGNISED_PERSON, Math.abs(change.delta()) + " x " + change.sku()
              + (change.delta() < 0 ? " taken from " : " put back on ") + change.rowId() + " by an unrecognised person"))
          .mapEmpty();
    }
    if (decision.rule().equals("camera-gap")) {
      return review(ReviewReason.REVIEW_REASON_CAMERA_GAP, unattributed, String.format("a camera covering the row "
          + "sent nothing for part of the window: confidence %.2f is under the review line %.2f, so nobody was "
          + "charged", decision.confidence(), settings.reviewConfidence()));
    }
    if (!decision.attributed()) {
      if (change.delta() > 0) { // back on the shelf, but nobody held it: the stock is what the shelf says
        return Future.all(alert(AlertKind.ALERT_KIND_MISPLACED_ITEM, change.delta() + " x " + change.sku()
                + " put back on " + change.rowId() + " by nobody who held it"),
            store.call(StoreServiceGrpcClient.AdjustStock, AdjustStockRequest.newBuilder().setSku(change.sku())
                .setDelta(change.delta()).setReason("misplaced item on " + change.rowId())
                .setIdempotencyKey("misplaced:" + change.key()).build())).mapEmpty();
      }
      return Future.all(review(ReviewReason.REVIEW_REASON_UNATTRIBUTED, unattributed, "nobody seen near the row"),
          alert(AlertKind.ALERT_KIND_UNATTRIBUTED, -change.delta() + " x " + change.sku() + " taken from "
              + change.rowId() + " with nobody seen")).mapEmpty();
    }
    List<Future<CartEvent>> applied = new ArrayList<>();
    int count = decision.charges().size();
    for (int i = 0; i < count; i++) {
      Decision.Charge charge = decision.charges().get(i);
      int sign = change.delta() < 0 ? 1 : -1; // items off the shelf go into the cart
      CartEvent e = event(sign * charge.quantity(), count > 1 ? count : 0, count > 1 ? i + 1 : 0)
          .setIdempotencyKey("shelf:" + change.key() + (count > 1 ? "#" + (i + 1) : ""))
          .setShopperId(charge.who().shopperId()).build();
      applied.add(store.call(StoreServiceGrpcClient.ApplyCartEvent, ApplyCartEventRequest.newBuilder().setEvent(e)
          .build()).map(done -> {
            if (done.hasReceipt() && !done.getDuplicate()) {
              adjusted.accept(done.getReceipt());
            }
            return e;
          }).recover(failure -> {
            // A put-back the store refuses (not held) is queued for review by the store itself.
            LOG.warn("event=cart_event_refused key={} error={}", e.getIdempotencyKey(), failure.getMessage());
            return Future.succeededFuture(e);
          }));
    }
    String doubt = decision.confidence() < settings.reviewConfidence()
        ? String.format("confidence %.2f is under the review line %.2f", decision.confidence(),
            settings.reviewConfidence())
        : String.format("a thin margin: the runner-up holds more than %.0f%% of the evidence it and the winner share "
            + "(confidence %.2f)", 100 * (1 - settings.reviewBelow()), decision.confidence());
    return Future.all(applied).compose(all -> decision.ambiguous()
        ? review(ReviewReason.REVIEW_REASON_AMBIGUOUS, all.resultAt(0), doubt) : Future.succeededFuture());
  }

  private CartEvent.Builder event(int quantity, int splitCount, int splitIndex) {
    return CartEvent.newBuilder()
        .setSku(change.sku())
        .setQuantityDelta(quantity)
        .setAt(EpochMillis.timestamp(change.onsetMillis()))
        .setConfidence((float) Math.max(0, Math.min(1, decision.confidence())))
        .setCause(CartEventCause.CART_EVENT_CAUSE_SHELF)
        .setRowId(change.rowId())
        .setAttribution(explain(splitCount, splitIndex));
  }

  private Attribution explain(int splitCount, int splitIndex) {
    Attribution.Builder why = Attribution.newBuilder()
        .setRule(decision.rule()).setAmbiguous(decision.ambiguous())
        .setConfidence((float) decision.confidence())
        .setWindow(EpochMillis.duration(settings.windowMillis()))
        .setOnset(EpochMillis.timestamp(change.onsetMillis()))
        .setSettled(EpochMillis.timestamp(change.settledMillis()))
        .setSplitCount(splitCount).setSplitIndex(splitIndex);
    decision.candidates().forEach(c -> why.addCandidatesBuilder().setShopperId(c.shopperId())
        .setShopperName(c.name()).setFaceSize(c.faceSize()).setScore(c.score()).setCameraId(c.cameraId())
        .setDelta(EpochMillis.duration(c.deltaMillis())).setRecognised(c.recognised())
        .setProximity(c.proximity()).setProbability((float) c.probability()).setSightings(c.sightings())
        .setPresence(c.presence()).setNearness(c.nearness()).setApproach(c.approach()));
    return why.build();
  }

  // Keyed by the change, like its cart events: a decision carried out again after a crash queues nothing twice.
  private Future<Void> review(ReviewReason reason, CartEvent event, String note) {
    return store.call(StoreServiceGrpcClient.CreateReview, CreateReviewRequest.newBuilder().setReason(reason)
        .setEvent(event).setNote(note).setIdempotencyKey("review:" + change.key()).build()).mapEmpty();
  }

  private Future<Void> alert(AlertKind kind, String message) {
    return store.call(StoreServiceGrpcClient.RaiseAlert, RaiseAlertRequest.newBuilder().setAlert(Alert.newBuilder()
            .setKind(kind).setSku(change.sku()).setRowId(change.rowId()).setMessage(message))
        .setIdempotencyKey("alert:" + kind + ":" + change.key()).build()).mapEmpty();
  }
}
