package org.ezshop.rpc;

import io.vertx.core.Future;

/** A listener that could not start, named with its port: "Address already in use" alone does not say whose. */
public final class ListenFailure extends IllegalStateException {

  private ListenFailure(String listener, int port, Throwable cause) {
    super(listener + " (port " + port + "): " + cause.getMessage(), cause);
  }

  /** The same future, its failure (unless already named) naming the listener and port. */
  public static <T> Future<T> named(String listener, int port, Future<T> starting) {
    return starting.recover(failure -> Future.failedFuture(failure instanceof ListenFailure ? failure
        : new ListenFailure(listener, port, failure)));
  }
}
