package org.ezshop.store;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.ezshop.rpc.EventLoops;

/** A second store-svc in its own process, on the database given as argument; prints its port. */
public final class StoreReplicaMain {

  public static void main(String[] args) throws Exception {
    Vertx vertx = EventLoops.vertx();
    StoreServer server = StoreServer.start(vertx, TestStores.postgres(args[0])).await(60, TimeUnit.SECONDS);
    System.out.println("replica port " + server.port());
    System.out.flush();
    // Exit when the test closes our stdin (or dies).
    while (System.in.read() >= 0) {
      Thread.onSpinWait();
    }
    System.exit(0);
  }
}
