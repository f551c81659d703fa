package org.ezshop.store.memory;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.ezshop.store.storage.Tx;
import org.ezshop.store.v1.StoreEvent;

/** A transaction on {@link MemoryState}: every write logs how to undo it, for rollback. */
final class MemoryTx implements Tx {

  private final MemoryState s;
  private final Deque<Runnable> undo = new ArrayDeque<>();
  final List<StoreEvent> published = new ArrayList<>();

  private final MemoryCatalogue catalogue;
  private final MemoryEnrolment enrolment;
  private final MemoryVisits visits;
  private final MemoryFollowUps followUps;

  MemoryTx(MemoryState state) {
    this.s = state;
    catalogue = new MemoryCatalogue(this, state);
    enrolment = new MemoryEnrolment(this, state);
    visits = new MemoryVisits(this, state);
    followUps = new MemoryFollowUps(this, state);
  }

  @Override
  public MemoryCatalogue catalogue() {
    return catalogue;
  }

  @Override
  public MemoryEnrolment enrolment() {
    return enrolment;
  }

  @Override
  public MemoryVisits visits() {
    return visits;
  }

  @Override
  public MemoryFollowUps followUps() {
    return followUps;
  }

  /** Runs {@code step} on rollback, before the steps logged earlier. */
  void undo(Runnable step) {
    undo.push(step);
  }

  void rollback() {
    while (!undo.isEmpty()) {
      undo.pop().run();
    }
    published.clear();
  }

  <K, V> void put(Map<K, V> map, K key, V value) {
    V before = map.put(key, value);
    undo.push(() -> {
      if (before == null) {
        map.remove(key);
      } else {
        map.put(key, before);
      }
    });
  }

  <K, V> void remove(Map<K, V> map, K key) {
    V before = map.remove(key);
    if (before != null) {
      undo.push(() -> map.put(key, before));
    }
  }

  @Override
  public void publish(StoreEvent event) {
    published.add(event);
  }
}
