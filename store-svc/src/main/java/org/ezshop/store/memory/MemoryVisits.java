package org.ezshop.store.memory;

import static io.vertx.core.Future.succeededFuture;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.ezshop.store.storage.VisitTx;
import org.ezshop.store.storage.Tx;
import org.ezshop.store.v1.*;

/** Visits, carts, cart events and receipts in memory. */
final class MemoryVisits implements VisitTx {

  private final MemoryTx tx;
  private final MemoryState s;

  MemoryVisits(MemoryTx tx, MemoryState state) {
    this.tx = tx;
    this.s = state;
  }

  @Override
  public Future<Optional<Visit>> openVisit(String shopperId) {
    return succeededFuture(s.openVisit(shopperId));
  }

  @Override
  public Future<Optional<Visit>> lastVisit(String shopperId) {
    List<String> ids = s.visitsByShopper.getOrDefault(shopperId, List.of());
    return succeededFuture(ids.isEmpty() ? Optional.empty() : Optional.of(s.visits.get(ids.get(ids.size() - 1))));
  }

  @Override
  public Future<Void> insertVisit(Visit visit) {
    tx.put(s.visits, visit.getVisitId(), visit);
    List<String> ids = new ArrayList<>(s.visitsByShopper.getOrDefault(visit.getShopperId(), List.of()));
    ids.add(visit.getVisitId());
    tx.put(s.visitsByShopper, visit.getShopperId(), ids);
    return succeededFuture();
  }

  @Override
  public Future<Void> closeVisit(Visit visit) {
    tx.put(s.visits, visit.getVisitId(), visit);
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
    tx.put(s.cartLines, visitId, lines);
  }

  @Override
  public Future<List<CartLine>> openCartLines(String shopperId) {
    return succeededFuture(s.openVisit(shopperId)
        .map(v -> List.copyOf(s.cartLines.getOrDefault(v.getVisitId(), Map.of()).values()))
        .orElse(List.of()));
  }

  @Override
  public Future<Void> writeCartChange(String visitId, long cartVersion, Item item, CartEvent event, CartLine line) {
    if (s.events.containsKey(event.getIdempotencyKey())) {
      return Future.failedFuture(new Tx.Conflict("idempotency key " + event.getIdempotencyKey()
          + " was taken meanwhile"));
    }
    if (s.visits.get(visitId).hasExitedAt() || s.cartVersions.getOrDefault(visitId, 0L) != cartVersion
        || s.items.get(item.getSku()).getStock() != item.getStock()) {
      return Future.failedFuture(new Tx.Stale("cart " + visitId + " or item " + item.getSku() + " changed since read"));
    }
    tx.put(s.events, event.getIdempotencyKey(), new Tx.RecordedEvent(event, false));
    append(s.visitEvents, visitId, event);
    tx.put(s.cartVersions, visitId, event.getEventId());
    putCartLine(visitId, line);
    return tx.catalogue().addStock(event.getSku(), -event.getQuantityDelta()).mapEmpty();
  }

  @Override
  public Future<Optional<Long>> recordEvent(CartEvent event, String visitId, boolean refused) {
    if (s.events.containsKey(event.getIdempotencyKey())) {
      return succeededFuture(Optional.empty());
    }
    long id = s.nextCartEventId++;
    tx.put(s.events, event.getIdempotencyKey(),
        new Tx.RecordedEvent(event.toBuilder().setEventId(id).build(), refused));
    if (!refused) {
      append(s.visitEvents, visitId, event.toBuilder().setEventId(id).build());
    }
    return succeededFuture(Optional.of(id));
  }

  @Override
  public Future<Optional<Tx.RecordedEvent>> eventByKey(String idempotencyKey) {
    return succeededFuture(Optional.ofNullable(s.events.get(idempotencyKey)));
  }

  private <V> void append(Map<String, List<V>> lists, String key, V value) {
    List<V> after = new ArrayList<>(lists.getOrDefault(key, List.of()));
    after.add(value);
    tx.put(lists, key, after);
  }

  @Override
  public Future<List<CartEvent>> cartEvents(String visitId) {
    return succeededFuture(List.copyOf(s.visitEvents.getOrDefault(visitId, List.of())));
  }

  @Override
  public Future<Void> putReceipt(Receipt receipt) {
    tx.put(s.receipts, receipt.getReceiptId(), receipt.toBuilder().clearAdjustments().clearNetTotal().build());
    return succeededFuture();
  }

  @Override
  public Future<Boolean> appendAdjustment(ReceiptAdjustment adjustment) {
    if (s.receiptAdjustmentKeys.containsKey(adjustment.getIdempotencyKey())) {
      return succeededFuture(false);
    }
    tx.put(s.receiptAdjustmentKeys, adjustment.getIdempotencyKey(), true);
    append(s.receiptAdjustments, adjustment.getReceiptId(), adjustment);
    return succeededFuture(true);
  }

  @Override
  public Future<List<ReceiptAdjustment>> adjustments(String receiptId) {
    return succeededFuture(List.copyOf(s.receiptAdjustments.getOrDefault(receiptId, List.of())));
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
}
