package org.ezshop.store.storage;

import org.ezshop.store.rules.Ledger;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.ezshop.store.v1.CartEvent;
import org.ezshop.store.v1.CartLine;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.StoreEvent;
import org.ezshop.store.v1.Visit;

/**
 * One transaction on the store of record, its reads and writes grouped by area. The rules live in {@link Ledger},
 * once; each storage (memory, PostgreSQL) only implements the areas. Reads of rows a transaction will change lock
 * them (except in {@link Transactions#unlocked} work).
 */
public interface Tx {

  CatalogueTx catalogue();

  EnrolmentTx enrolment();

  VisitTx visits();

  FollowUpTx followUps();

  /**
   * Everything applying the event reads: a recording of its idempotency key, the shopper's open visit and the
   * item (both locked in a locking transaction, in that order), a new event id taken after the visit's lock, and
   * the cart's lines and version. A storage that can read them in one round trip overrides this.
   */
  default Future<CartEventState> cartEventState(CartEvent event) {
    Future<Optional<RecordedEvent>> known = visits().eventByKey(event.getIdempotencyKey());
    Future<Optional<Visit>> open = visits().openVisit(event.getShopperId());
    Future<Long> eventId = visits().newEventId();
    Future<Optional<Item>> item = catalogue().item(event.getSku());
    Future<List<CartLine>> lines = visits().openCartLines(event.getShopperId());
    Future<Long> version = open.compose(v -> v.isEmpty() ? Future.succeededFuture(0L)
        : visits().cartVersion(v.get().getVisitId()));
    return Future.all(List.of(known, open, eventId, item, lines, version)).map(x -> new CartEventState(known.result(),
        open.result(), version.result(), eventId.result(), item.result(), lines.result()));
  }

  /** Publishes the event to every watcher once the transaction commits. */
  void publish(StoreEvent event);

  /** What {@link #cartEventState} read. */
  record CartEventState(Optional<RecordedEvent> known, Optional<Visit> visit, long cartVersion, long newEventId,
      Optional<Item> item, List<CartLine> lines) {
  }

  /** A cart event as recorded, with whether it was refused. */
  record RecordedEvent(CartEvent event, boolean refused) {
  }

  /** What a read without locks saw has changed since. */
  final class Stale extends RuntimeException {
    public Stale(String message) {
      super(message, null, false, false);
    }
  }

  /** A uniqueness constraint said no. */
  final class Conflict extends RuntimeException {
    public Conflict(String message) {
      super(message, null, false, false);
    }
  }
}
