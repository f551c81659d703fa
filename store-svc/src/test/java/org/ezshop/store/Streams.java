package org.ezshop.store;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Collects a server stream's messages for a test to take one by one. */
final class Streams<T> implements StreamObserver<T>, AutoCloseable {

  final BlockingQueue<T> messages = new LinkedBlockingQueue<>();
  volatile Throwable error;
  final Context.CancellableContext context = Context.current().withCancellation();

  /** The next message, failing the test after 5 s. */
  T next() throws InterruptedException {
    T message = messages.poll(5, TimeUnit.SECONDS);
    if (message == null) {
      throw new AssertionError("no message within 5 s" + (error == null ? "" : "; stream failed: " + error));
    }
    return message;
  }

  @Override
  public void onNext(T value) {
    messages.add(value);
  }

  @Override
  public void onError(Throwable t) {
    error = t;
  }

  @Override
  public void onCompleted() {
  }

  /** Cancels the call. */
  @Override
  public void close() {
    context.cancel(null);
  }
}
