package org.ezshop.store.memory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.ezshop.store.rules.Stores;
import org.ezshop.store.storage.EnrolmentTx;
import org.ezshop.store.storage.Stamps;
import org.ezshop.store.storage.Tx.RecordedEvent;
import org.ezshop.store.v1.Alert;
import org.ezshop.store.v1.AuditEntry;
import org.ezshop.store.v1.CartEvent;
import org.ezshop.store.v1.CartLine;
import org.ezshop.store.v1.Device;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.ReceiptAdjustment;
import org.ezshop.store.v1.Review;
import org.ezshop.store.v1.ShelfRow;
import org.ezshop.store.v1.Shopper;
import org.ezshop.store.v1.Store;
import org.ezshop.store.v1.Visit;

/** Everything the in-memory store holds; only MemoryTx touches it, under MemoryTransactions' lock. */
final class MemoryState {
  final Map<String, Store> stores = new TreeMap<>(Map.of(Stores.DEFAULT, Store.newBuilder()
      .setStoreId(Stores.DEFAULT).setName("Default store").setCreatedAt(Stamps.now()).build()));
  final Map<String, Item> items = new TreeMap<>();
  final Map<String, ShelfRow> rows = new TreeMap<>();
  final Map<String, Shopper> shoppers = new HashMap<>();
  final Map<String, String> shopperByFace = new HashMap<>();
  final Map<String, Device> devices = new TreeMap<>();
  final Map<String, String> deviceByTokenHash = new HashMap<>();
  final Map<String, Visit> visits = new HashMap<>();
  final Map<String, List<String>> visitsByShopper = new HashMap<>();
  final Map<String, Long> cartVersions = new HashMap<>();
  final Map<String, Map<String, CartLine>> cartLines = new HashMap<>();
  final Map<String, RecordedEvent> events = new HashMap<>();
  final Map<String, List<CartEvent>> visitEvents = new HashMap<>();
  final Map<String, Receipt> receipts = new HashMap<>();
  final Map<String, List<ReceiptAdjustment>> receiptAdjustments = new HashMap<>();
  final Map<String, Boolean> receiptAdjustmentKeys = new HashMap<>();
  final Map<String, Review> reviews = new HashMap<>();
  final List<String> reviewOrder = new ArrayList<>();
  final List<Alert> alerts = new ArrayList<>();
  final Map<String, AuditEntry> audit = new LinkedHashMap<>();
  final Map<String, EnrolmentTx.Erasure> erasures = new HashMap<>();
  final Map<String, Boolean> adjustments = new HashMap<>();
  long nextCartEventId = 1;
  long nextStoreEventId = 1;

  Optional<Visit> openVisit(String shopperId) {
    return visitsByShopper.getOrDefault(shopperId, List.of()).stream().map(visits::get)
        .filter(v -> !v.hasExitedAt()).findFirst();
  }
}
