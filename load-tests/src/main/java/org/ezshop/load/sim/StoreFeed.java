package org.ezshop.load.sim;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ezshop.common.v1.Money;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.store.v1.CartEvent;
import org.ezshop.store.v1.NotificationState;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.StoreEvent;
import org.ezshop.store.v1.StoreServiceGrpc;
import org.ezshop.store.v1.WatchRequest;

/** What the platform makes of the simulated store, as it happens: entries, cart changes and receipts. */
final class StoreFeed implements StreamObserver<StoreEvent> {

  private final PrintStream out;
  private final Map<String, String> names = new HashMap<>();
  private final Map<String, String> goods = new HashMap<>();
  private final long start = System.currentTimeMillis();
  private final Context.CancellableContext context = Context.current().withCancellation();
  private final java.util.Set<String> receipts = new java.util.HashSet<>();
  private final Map<String, Long> pushMillis = new HashMap<>();
  private final StoreServiceGrpc.StoreServiceStub store;
  final Decisions decisions = new Decisions();

  private StoreFeed(StoreServiceGrpc.StoreServiceStub store, PrintStream out, List<String> ids,
      List<String> shopperNames, Plan plan) {
    this.store = store;
    this.out = out;
    for (int i = 0; i < ids.size(); i++) {
      names.put(ids.get(i), shopperNames.get(i));
    }
    plan.rows.forEach(row -> goods.put(row.sku(), row.name()));
  }

  static StoreFeed watch(StoreServiceGrpc.StoreServiceStub store, PrintStream out, List<String> ids,
      List<String> names, Plan plan) {
    StoreFeed feed = new StoreFeed(store, out, ids, names, plan);
    feed.watch();
    return feed;
  }

  private void watch() {
    context.run(() -> store.watch(WatchRequest.getDefaultInstance(), this));
  }

  @Override
  public void onNext(StoreEvent e) {
    switch (e.getBodyCase()) {
      case VISIT -> {
        if (!e.getVisit().hasExitedAt()) {
          say(name(e.getVisit().getShopperId()) + " walks in");
        }
      }
      case CART -> {
        CartEvent c = e.getCart().getEvent();
        decisions.add(c);
        String why = c.hasAttribution() ? " (" + c.getAttribution().getRule()
            + (c.getAttribution().getCandidatesCount() > 0 ? ", seen " + millis(c.getAttribution().getCandidates(0)
            .getDelta()) + " ms from the change" : "")
            + String.format(", confidence %.2f", c.getAttribution().getConfidence())
            + (c.getAttribution().getAmbiguous() ? ", thin: to review too" : "") + ")" : "";
        say(name(c.getShopperId()) + (c.getQuantityDelta() > 0 ? " takes " : " puts back ")
            + Math.abs(c.getQuantityDelta()) + " x " + goods.getOrDefault(c.getSku(), c.getSku()) + why);
      }
      case RECEIPT -> {
        timePush(e.getReceipt());
        synchronized (this) {
          if (!receipts.add(e.getReceipt().getReceiptId())) {
            return; // the same receipt again, with its notification recorded
          }
        }
        StringBuilder lines = new StringBuilder();
        e.getReceipt().getLinesList().forEach(l -> lines.append(lines.length() == 0 ? "" : ", ").append(l.getQuantity())
            .append(" x ").append(l.getName()));
        say(name(e.getReceipt().getShopperId()) + " walks out; receipt: " + (lines.length() == 0 ? "nothing" : lines)
            + " = " + money(e.getReceipt().getTotal()));
      }
      default -> {
      }
    }
  }

  // Issued at the exit's sighting, in gateway time (the same clock here); pushed once its outcome is recorded.
  private synchronized void timePush(Receipt r) {
    if (names.containsKey(r.getShopperId()) && r.getNotification() != NotificationState.NOTIFICATION_STATE_PENDING) {
      pushMillis.putIfAbsent(r.getReceiptId(), System.currentTimeMillis() - EpochMillis.of(r.getIssuedAt()));
    }
  }

  /** Each receipt's time from the exit to its push, in ms. */
  synchronized List<Long> pushMillis() {
    return List.copyOf(pushMillis.values());
  }

  private String name(String shopperId) {
    return names.getOrDefault(shopperId, shopperId);
  }

  // Real time since the store opened: the acts run in real time, only the gaps between them are shortened.
  private void say(String line) {
    long seconds = (System.currentTimeMillis() - start) / 1000;
    out.printf("[%02d:%02d] %s%n", seconds / 60, seconds % 60, line);
  }

  private static long millis(com.google.protobuf.Duration d) {
    return d.getSeconds() * 1000 + d.getNanos() / 1_000_000;
  }

  private static String money(Money m) {
    return String.format("%d.%02d %s", m.getMinorUnits() / 100, m.getMinorUnits() % 100, m.getCurrency());
  }

  void close() {
    context.cancel(null);
  }

  /** store-svc went away (a restart, a network cut): watch again shortly; what it did meanwhile is not shown. */
  @Override
  public void onError(Throwable t) {
    if (!context.isCancelled()) {
      java.util.concurrent.CompletableFuture.delayedExecutor(500, java.util.concurrent.TimeUnit.MILLISECONDS)
          .execute(this::watch);
    }
  }

  @Override
  public void onCompleted() {
  }
}
