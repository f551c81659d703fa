package org.ezshop.identity;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The inference pool: a fixed number of threads and a bounded queue; beyond it, RESOURCE_EXHAUSTED at once. */
final class Workers {

  // ONNX Runtime's native start-up overflows the JVM's default 1 MB thread stack (a SIGSEGV on JDK 17).
  private static final long STACK_BYTES = 16 << 20;

  private final ThreadPoolExecutor pool;
  private final int queue;

  Workers(int threads, int queue) {
    this.queue = queue;
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue),
        r -> {
          Thread t = new Thread(null, r, "inference-" + n.incrementAndGet(), STACK_BYTES);
          t.setDaemon(true);
          return t;
        });
  }

  <T> Future<T> submit(Callable<T> work) {
    Promise<T> done = Promise.promise();
    try {
      pool.execute(() -> {
        try {
          done.complete(work.call());
        } catch (Exception e) {
          done.fail(e);
        }
      });
    } catch (RejectedExecutionException e) {
      done.fail(new StatusException(GrpcStatus.RESOURCE_EXHAUSTED,
          "identity-svc is busy (" + queue + " images already waiting); retry shortly"));
    }
    return done.future();
  }

  /**
   * Takes no more work and drops what waits; once the inference running now is done, runs {@code last} on a thread
   * of its own (closing the models under a running inference crashes the JVM).
   */
  Future<Void> close(Runnable last) {
    pool.getQueue().clear();
    pool.shutdown();
    Promise<Void> closed = Promise.promise();
    Thread closer = new Thread(() -> {
      try {
        pool.awaitTermination(1, TimeUnit.MINUTES);
        last.run();
        closed.complete();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closed.fail(e);
      }
    }, "inference-close");
    closer.setDaemon(true);
    closer.start();
    return closed.future();
  }
}
