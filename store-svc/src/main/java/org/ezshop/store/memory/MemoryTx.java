package org.ezshop.store.memory;

import static io.vertx.core.Future.succeededFuture;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.ezshop.store.Tx;
import org.ezshop.store.v1.Alert;
import org.ezshop.store.v1.CartEvent;
import org.ezshop.store.v1.CartLine;
import org.ezshop.store.v1.Device;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.Review;
import org.ezshop.store.v1.ReviewState;
import org.ezshop.store.v1.ShelfRow;
import org.ezshop.store.v1.Shopper;
import org.ezshop.store.v1.StoreEvent;
import org.ezshop.store.v1.Visit;

/** A transaction on {@link MemoryState}: every write logs how to undo it, for rollback. */
final class MemoryTx implements Tx {

  private final MemoryState s;
  private final Deque<Runnable> undo = new ArrayDeque<>();
  final List<StoreEvent> published = new ArrayList<>();

  MemoryTx(MemoryState state) {
    this.s = state;
  }

  void rollback() {
    while (!undo.isEmpty()) {
      undo.pop().run();
    }
    published.clear();
  }

  private <K, V> void put(Map<K, V> map, K key, V value) {
    V before = map.put(key, value);
    undo.push(() -> {
      if (before == null) {
        map.remove(key);
      } else {
        map.put(key, before);
      }
    });
  }

  private <K, V> void remove(Map<K, V> map, K key) {
    V before = map.remove(key);
    if (before != null) {
      undo.push(() -> map.put(key, before));
    }
  }

  @Override
  public Future<Optional<Item>> item(String sku) {
    return succeededFuture(Optional.ofNullable(s.items.get(sku)));
  }

  @Override
  public Future<List<Item>> items(String afterSku, int limit) {
    return succeededFuture(s.items.values().stream()
        .filter(i -> i.getSku().compareTo(afterSku) > 0)
        .limit(limit == 0 ? Long.MAX_VALUE : limit)
        .collect(Collectors.toList()));
  }

  @Override
  public Future<Void> insertItem(Item item) {
    if (s.items.containsKey(item.getSku())) {
      return Future.failedFuture(new Conflict("item " + item.getSku() + " exists"));
    }
    put(s.items, item.getSku(), item);
    return succeededFuture();
  }

  @Override
  public Future<Void> updateItem(Item item) {
    put(s.items, item.getSku(), item);
    return succeededFuture();
  }

  @Override
  public Future<Item> addStock(String sku, long delta) {
    Item item = s.items.get(sku).toBuilder().setStock(s.items.get(sku).getStock() + delta).build();
    put(s.items, sku, item);
    return succeededFuture(item);
  }

  @Override
  public Future<List<ShelfRow>> rows() {
    return succeededFuture(List.copyOf(s.rows.values()));
  }

  @Override
  public Future<Void> putRow(ShelfRow row) {
    put(s.rows, row.getRowId(), row);
    return succeededFuture();
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
    return open(shopper.getShopperId())
        .map(v -> shopper.toBuilder().setInStore(true).setEnteredAt(v.getEnteredAt()).build())
        .orElse(shopper);
  }

  @Override
  public Future<Void> insertShopper(Shopper shopper) {
    if (s.shopperByFace.containsKey(shopper.getFaceId())) {
      return Future.failedFuture(new Conflict("face " + shopper.getFaceId() + " is registered already"));
    }
    put(s.shoppers, shopper.getShopperId(), shopper);
    put(s.shopperByFace, shopper.getFaceId(), shopper.getShopperId());
    return succeededFuture();
  }

  @Override
  public Future<Void> putDevice(Device device, byte[] tokenHash) {
    String hash = Base64.getEncoder().encodeToString(tokenHash);
    String owner = s.deviceByTokenHash.get(hash);
    if (owner != null && !owner.equals(device.getDeviceId())) {
      return Future.failedFuture(new Conflict("the token belongs to another device"));
    }
    for (Map.Entry<String, String> previous : List.copyOf(s.deviceByTokenHash.entrySet())) {
      if (previous.getValue().equals(device.getDeviceId())) {
        remove(s.deviceByTokenHash, previous.getKey()); // registering again rotates the token
      }
    }
    put(s.devices, device.getDeviceId(), device);
    put(s.deviceByTokenHash, hash, device.getDeviceId());
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

  private Optional<Visit> open(String shopperId) {
    return s.visitsByShopper.getOrDefault(shopperId, List.of()).stream().map(s.visits::get)
        .filter(v -> !v.hasExitedAt()).findFirst();
  }

  @Override
  public Future<Optional<Visit>> openVisit(String shopperId) {
    return succeededFuture(open(shopperId));
  }

  @Override
  public Future<Optional<Visit>> lastVisit(String shopperId) {
    List<String> ids = s.visitsByShopper.getOrDefault(shopperId, List.of());
    return succeededFuture(ids.isEmpty() ? Optional.empty() : Optional.of(s.visits.get(ids.get(ids.size() - 1))));
  }

  @Override
  public Future<Void> insertVisit(Visit visit) {
    put(s.visits, visit.getVisitId(), visit);
    List<String> ids = new ArrayList<>(s.visitsByShopper.getOrDefault(visit.getShopperId(), List.of()));
    ids.add(visit.getVisitId());
    put(s.visitsByShopper, visit.getShopperId(), ids);
    return succeededFuture();
  }

  @Override
  public Future<Void> closeVisit(Visit visit) {
    put(s.visits, visit.getVisitId(), visit);
    return succeededFuture();
  }

  @Override
  public Future<Long> cartVersion(String visitId) {
    return succeededFuture(s.cartVersions.getOrDefault(visitId, 0L));
  }

  @Override
  public Future<Long> newEventId() {
    return succeededFuture(s.nextCartEventId++); // like a sequence: not given back on rollback
  }

  @Override
  public Future<List<CartLine>> cartLines(String visitId) {
    return succeededFuture(List.copyOf(s.cartLines.getOrDefault(visitId, Map.of()).values()));
  }

  private void putCartLine(String visitId, CartLine line) {
    Map<String, CartLine> lines = new TreeMap<>(s.cartLines.getOrDefault(visitId, Map.of()));
    if (line.getQuantity() == 0) {
      lines.remove(line.getSku());
    } else {
      lines.put(line.getSku(), line);
    }
    put(s.cartLines, visitId, lines);
  }

  @Override
  public Future<List<CartLine>> openCartLines(String shopperId) {
    return succeededFuture(open(shopperId).map(v -> List.copyOf(s.cartLines.getOrDefault(v.getVisitId(), Map.of()).values()))
        .orElse(List.of()));
  }

  @Override
  public Future<Void> writeCartChange(String visitId, long cartVersion, Item item, CartEvent event, CartLine line) {
    if (s.events.containsKey(event.getIdempotencyKey())) {
      return Future.failedFuture(new Conflict("idempotency key " + event.getIdempotencyKey() + " was taken meanwhile"));
    }
    if (s.visits.get(visitId).hasExitedAt() || s.cartVersions.getOrDefault(visitId, 0L) != cartVersion
        || s.items.get(item.getSku()).getStock() != item.getStock()) {
      return Future.failedFuture(new Stale("cart " + visitId + " or item " + item.getSku() + " changed since read"));
    }
    put(s.events, event.getIdempotencyKey(), new RecordedEvent(event, false));
    put(s.cartVersions, visitId, event.getEventId());
    putCartLine(visitId, line);
    return addStock(event.getSku(), -event.getQuantityDelta()).mapEmpty();
  }

  @Override
  public Future<Optional<Long>> recordEvent(CartEvent event, String visitId, boolean refused) {
    if (s.events.containsKey(event.getIdempotencyKey())) {
      return succeededFuture(Optional.empty());
    }
    long id = s.nextCartEventId++;
    put(s.events, event.getIdempotencyKey(), new RecordedEvent(event.toBuilder().setEventId(id).build(), refused));
    return succeededFuture(Optional.of(id));
  }

  @Override
  public Future<Optional<RecordedEvent>> eventByKey(String idempotencyKey) {
    return succeededFuture(Optional.ofNullable(s.events.get(idempotencyKey)));
  }

  @Override
  public Future<Void> putReceipt(Receipt receipt) {
    put(s.receipts, receipt.getReceiptId(), receipt);
    return succeededFuture();
  }

  @Override
  public Future<Optional<Receipt>> receipt(String receiptId) {
    return succeededFuture(Optional.ofNullable(s.receipts.get(receiptId)));
  }

  @Override
  public Future<List<Receipt>> receipts(String shopperId) {
    return succeededFuture(s.receipts.values().stream().filter(r -> r.getShopperId().equals(shopperId))
        .sorted(Comparator.comparing((Receipt r) -> r.getIssuedAt().getSeconds())
            .thenComparing(r -> r.getIssuedAt().getNanos()).reversed())
        .collect(Collectors.toList()));
  }

  @Override
  public Future<Void> putReview(Review review) {
    if (!s.reviews.containsKey(review.getReviewId())) {
      List<String> order = new ArrayList<>(s.reviewOrder);
      s.reviewOrder.add(review.getReviewId());
      undo.push(() -> {
        s.reviewOrder.clear();
        s.reviewOrder.addAll(order);
      });
    }
    put(s.reviews, review.getReviewId(), review);
    return succeededFuture();
  }

  @Override
  public Future<Optional<Review>> review(String reviewId) {
    return succeededFuture(Optional.ofNullable(s.reviews.get(reviewId)));
  }

  @Override
  public Future<List<Review>> reviews(boolean openOnly) {
    return succeededFuture(s.reviewOrder.stream().map(s.reviews::get)
        .filter(r -> !openOnly || r.getState() == ReviewState.REVIEW_STATE_OPEN)
        .collect(Collectors.toList()));
  }

  @Override
  public Future<Void> insertAlert(Alert alert) {
    s.alerts.add(alert);
    undo.push(() -> s.alerts.remove(s.alerts.size() - 1));
    return succeededFuture();
  }

  @Override
  public Future<List<Alert>> alerts(int limit) {
    List<Alert> newest = new ArrayList<>(s.alerts);
    Collections.reverse(newest);
    return succeededFuture(newest.subList(0, Math.min(limit, newest.size())));
  }

  @Override
  public Future<Boolean> recordAdjustment(String idempotencyKey, String sku, long delta, String reason) {
    if (s.adjustments.containsKey(idempotencyKey)) {
      return succeededFuture(false);
    }
    put(s.adjustments, idempotencyKey, true);
    return succeededFuture(true);
  }

  @Override
  public void publish(StoreEvent event) {
    published.add(event);
  }
}
