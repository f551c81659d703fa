package org.ezshop.gateway.shelf;

import io.vertx.core.Future;

/** A stage shelf changes go through (the feed, then fusion); the future completes once the change is safely kept. */
public interface ShelfChangeSink {

  Future<Void> accept(ShelfChange change);
}
