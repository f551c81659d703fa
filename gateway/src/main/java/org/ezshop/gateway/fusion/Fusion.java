package org.ezshop.gateway.fusion;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.ezshop.gateway.ServiceClient;
import org.ezshop.gateway.shelf.RowView;
import org.ezshop.gateway.shelf.ShelfChange;
import org.ezshop.gateway.shelf.ShelfChangeSink;
import org.ezshop.gateway.sight.Sighting;
import org.ezshop.gateway.sight.SightingWindow;
import org.ezshop.gateway.state.StateArea;
import org.ezshop.store.v1.*;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shelf changes to cart events: each change is kept (in the gateway's state) before its readings are
 * acked, then decided by {@link Evidence} once its window (and the lateness allowed for identification) has
 * passed and every camera covering the row, and every entrance camera (who was in the store), has sent and
 * identified its frames past onset + window (event time:
 * after a restart, readings resent first wait for the cameras' resent frames; a camera silent past the grace
 * period is decided without, its confidence cut by the share of the window it missed, and the log says so; a pick
 * left under the review line so goes to review as a camera gap, charging nobody); or at once when every face seen so far makes a clear charge
 * to a shopper seen within {@code epsilonMillis} of the onset (a face identified later cannot undo that). Picks and put-backs go to
 * store-svc with an idempotency key derived from the change, so a decision replayed after a restart never charges
 * twice. Doubt goes to the review queue, explained. A covering camera that may have missed part of the window (a
 * restart, a lost link) is first asked for what its ring of recent frames holds of it ({@link CameraCoverage}).
 */
public final class Fusion implements ShelfChangeSink {

  private static final Logger LOG = LoggerFactory.getLogger(Fusion.class);
  /** At debug: every decision's whole input, for deriving the weights offline (load-tests/RESULTS.md). */
  private static final Logger INPUTS = LoggerFactory.getLogger("ezshop.fusion.inputs");
  private static final long WATERMARK_POLL_MILLIS = 250;

  private final Vertx vertx;
  private final ServiceClient store;
  private final SightingWindow window;
  private final FusionSettings settings;
  private final PendingChanges pending;
  private final CameraCoverage coverage;
  private final Map<String, ShelfChange> waiting = new ConcurrentHashMap<>();
  private final Set<String> waitingForCameras = ConcurrentHashMap.newKeySet();
  private final List<BiConsumer<ShelfChange, Decision>> decided = new CopyOnWriteArrayList<>();
  private final List<Consumer<Receipt>> adjusted = new CopyOnWriteArrayList<>();
  private final StorePresence presence;
  private volatile boolean closed;

  /** @param state where changes wait for their decision ("pending"); {@code durable} if it outlives the process */
  public Fusion(Vertx vertx, ServiceClient store, SightingWindow window, CameraWatermarks cameras,
      FusionSettings settings, StateArea state, boolean durable) {
    this.vertx = vertx;
    this.store = store;
    this.window = window;
    this.coverage = new CameraCoverage(cameras, settings);
    this.settings = settings;
    this.pending = new PendingChanges(state, durable);
    // who walked out is remembered as long as a change from before it can wait, and a minute more
    this.presence = new StorePresence(store, settings.windowMillis() + settings.latenessMillis()
        + settings.graceMillis() + 60_000);
  }

  /** Decides whatever a previous run left pending, with the sightings kept with it. */
  public Future<Void> start() {
    return pending.load().compose(left -> {
      left.forEach(kept -> {
        ShelfChange change = kept.change();
        LOG.info("event=pending_after_restart key={} sightings={}", change.key(), kept.sightings().size());
        kept.sightings().forEach(window::restore);
        waiting.put(change.key(), change);
        decide(change);
      });
      return Future.succeededFuture();
    });
  }

  /** Keeps a frame's sightings with every waiting change they may decide, before the frame is acked. */
  public Future<Void> keep(List<Sighting> frame) {
    if (!pending.persistent() || frame.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Void>> writes = new ArrayList<>();
    for (ShelfChange change : waiting.values()) {
      List<Sighting> mine = frame.stream().filter(s -> covers(change, s)).toList();
      if (!mine.isEmpty()) {
        writes.add(pending.keep(change, mine));
      }
    }
    return Future.all(writes).mapEmpty();
  }

  /**
   * Completes once every change from {@code atMillis} or before is carried out, so that a receipt issued then
   * holds it, or once a change at {@code atMillis} would have been decided on time (window, lateness and a second
   * to carry it out): one waiting longer, for a camera, is not waited for. Answers how many are still deciding;
   * fails if the gateway stops first.
   */
  public Future<Integer> settled(long atMillis) {
    Promise<Integer> done = Promise.promise();
    settled(atMillis, atMillis + settings.windowMillis() + settings.latenessMillis() + 1000, done);
    return done.future();
  }

  private void settled(long atMillis, long untilMillis, Promise<Integer> done) {
    int deciding = pending.countFrom(atMillis);
    if (closed) {
      done.fail("the gateway is stopping");
    } else if (deciding > 0 && System.currentTimeMillis() < untilMillis) {
      vertx.setTimer(WATERMARK_POLL_MILLIS, t -> settled(atMillis, untilMillis, done));
    } else {
      done.complete(deciding);
    }
  }

  /** Hears of each receipt a change decided after its shopper's exit adjusted. */
  public void onReceiptAdjusted(Consumer<Receipt> listener) {
    adjusted.add(listener);
  }

  /** Changes waiting for their decision. */
  public int waiting() {
    return waiting.size();
  }

  /** Changes past their decision time, waiting for a covering camera's frames. */
  public int waitingForCameras() {
    return waitingForCameras.size();
  }

  @Override
  public Future<Void> accept(ShelfChange change) {
    List<Sighting> seen = sightings(change);
    return pending.add(change, seen).onSuccess(kept -> {
      waiting.put(change.key(), change);
      long due = change.onsetMillis() + settings.windowMillis() + settings.latenessMillis()
          - System.currentTimeMillis();
      vertx.setTimer(Math.max(1, due), t -> decide(change));
      decideEarly(change);
    });
  }

  /**
   * A known face right at a waiting change's onset may settle it before the window ends; any other sighting can
   * only add doubt, so it asks nothing of store-svc.
   */
  public void seen(Sighting s) {
    if (s.known()) {
      waiting.values().stream().filter(c -> Math.abs(s.atMillis() - c.onsetMillis()) <= settings.epsilonMillis()
              && c.views().stream().anyMatch(v -> v.cameraId().equals(s.cameraId())))
          .forEach(this::decideEarly);
    }
  }

  private void decideEarly(ShelfChange change) {
    List<Sighting> seen = sightings(change);
    if (change.delta() != -1 || !coverage.behind(change, change.onsetMillis() + settings.epsilonMillis(),
        System.currentTimeMillis()).isEmpty() || seen.stream().noneMatch(s -> s.known()
        && Math.abs(s.atMillis() - change.onsetMillis()) <= settings.epsilonMillis())) {
      // Put-backs need the holders, a pick of several may have a second taker seen later, frames of the onset may
      // be on their way, a far sighting may be beaten.
      return;
    }
    presence.inStore(change).map(byFace -> weigh(change, seen, byFace, null))
        .onSuccess(decision -> {
          boolean clear = decision.attributed() && !decision.ambiguous() && decision.charges().size() == 1
              && Math.abs(decision.charges().get(0).who().deltaMillis()) <= settings.epsilonMillis();
          if (clear && !closed && waiting.remove(change.key()) != null) {
            carryOut(change, decision);
          }
        });
  }

  /** Faces at the row's cameras, inside its regions, within the window of the onset. */
  private List<Sighting> sightings(ShelfChange change) {
    List<Sighting> seen = new ArrayList<>();
    for (String camera : change.views().stream().map(RowView::cameraId).distinct().toList()) {
      for (Sighting s : window.between(camera, change.onsetMillis() - settings.windowMillis(),
          change.onsetMillis() + settings.windowMillis())) {
        if (covers(change, s)) {
          seen.add(s);
        }
      }
    }
    return seen;
  }

  private boolean covers(ShelfChange change, Sighting s) {
    return Math.abs(s.atMillis() - change.onsetMillis()) <= settings.windowMillis() && change.views().stream()
        .anyMatch(v -> v.cameraId().equals(s.cameraId()) && v.contains(s.centreX(), s.centreY()));
  }

  /** Decides nothing more: what is pending stays where it is kept, for the next start (or another gateway). */
  public void close() {
    closed = true;
  }

  private void decide(ShelfChange change) {
    if (closed || !waiting.containsKey(change.key())) {
      return; // decided already
    }
    if (change.delta() > 0 && pending.earlierOfItem(change)) {
      // Who holds the item is known only once its earlier changes are carried out: a pick still waiting (for a
      // late camera, say) would otherwise leave its picker's put-back to look like nobody's.
      vertx.setTimer(WATERMARK_POLL_MILLIS, t -> decide(change));
      return;
    }
    long now = System.currentTimeMillis();
    if (coverage.askForFrames(change)) {
      vertx.setTimer(settings.latenessMillis(), t -> decide(change)); // the ring's frames come, then are waited for
      return;
    }
    long due = change.onsetMillis() + settings.windowMillis() + settings.latenessMillis();
    List<String> behind = coverage.behind(change, change.onsetMillis() + settings.windowMillis(), now);
    if (!behind.isEmpty() && now < due + settings.graceMillis()) {
      if (waitingForCameras.add(change.key())) {
        LOG.info("event=decision_waits key={} cameras={}", change.key(), behind);
      }
      vertx.setTimer(WATERMARK_POLL_MILLIS, t -> decide(change));
      return;
    }
    if (waitingForCameras.remove(change.key()) || !behind.isEmpty()) {
      LOG.info("event=decision_waited key={} waited_ms={} cameras_without_frames={}", change.key(),
          Math.max(0, now - due), behind);
    }
    if (waiting.remove(change.key()) == null) {
      return;
    }
    List<Sighting> seen = sightings(change);
    double gap = coverage.gap(change, now);
    if (gap > 0) {
      LOG.info("event=decision_gap key={} unseen_share={}", change.key(), String.format("%.2f", gap));
    }
    presence.inStore(change)
        .compose(byFace -> (change.delta() > 0 ? presence.holders(change.sku())
            : Future.<Set<String>>succeededFuture(null))
            .map(holders -> weigh(change, seen, byFace, holders).missing(gap, settings.reviewConfidence(),
                change.delta())))
        .onSuccess(decision -> carryOut(change, decision))
        .onFailure(e -> retry(change, e));
  }

  private Decision weigh(ShelfChange change, List<Sighting> seen, Map<String, Shopper> inStore, Set<String> holders) {
    if (INPUTS.isDebugEnabled()) {
      INPUTS.debug("event=fusion_inputs {}", DecisionInputs.json(change, seen, inStore, holders,
          camera -> window.nearArea(camera, settings.nearQuantile())));
    }
    return Evidence.decide(change.onsetMillis(), change.delta(), seen, inStore, holders,
        camera -> window.nearArea(camera, settings.nearQuantile()), settings);
  }

  /** The shopper walked out at {@code atMillis}: a change from before it, decided after it, is still theirs. */
  public void left(Shopper shopper, long atMillis) {
    presence.left(shopper, atMillis);
  }

  /** Hears of each decision carried out. */
  public void onDecision(BiConsumer<ShelfChange, Decision> listener) {
    decided.add(listener);
  }

  private void carryOut(ShelfChange change, Decision decision) {
    coverage.forget(change);
    new Verdict(store, change, decision, settings, receipt -> adjusted.forEach(l -> l.accept(receipt))).act()
        .compose(done -> pending.remove(change))
        .onSuccess(done -> decided.forEach(listener -> listener.accept(change, decision)))
        .onFailure(e -> retry(change, e));
  }

  private void retry(ShelfChange change, Throwable e) {
    if (closed) {
      return;
    }
    LOG.warn("event=decision_failed key={} error={}; retrying", change.key(), e.getMessage());
    waiting.put(change.key(), change);
    vertx.setTimer(1000, t -> decide(change));
  }
}
