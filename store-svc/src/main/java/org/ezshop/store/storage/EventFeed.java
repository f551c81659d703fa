package org.ezshop.store.storage;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.ezshop.store.v1.StoreEvent;

/** Fans committed store events out to this replica's watchers, in commit order. */
public final class EventFeed {

  private final Set<Consumer<StoreEvent>> subscribers = new CopyOnWriteArraySet<>();

  /** Delivers every later event to the subscriber (which must not block) until the returned handle runs. */
  public Runnable subscribe(Consumer<StoreEvent> subscriber) {
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }

  /** Called by the storage, in commit order, once per committed event. */
  public void deliver(StoreEvent event) {
    for (Consumer<StoreEvent> subscriber : subscribers) {
      subscriber.accept(event);
    }
  }
}
