package org.ezshop.gateway.shelf;

import io.vertx.core.Future;

/** Where shelf changes go (the feed, then fusion); the future completes once the change is safely accepted. */
public interface ShelfChangeSink {

  Future<Void> accept(ShelfChange change);
}
