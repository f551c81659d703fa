package org.ezshop.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.ServiceName;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How calls go round a service's replicas; that a dead one is survived is FusionTest's (real replicas). */
class ReplicasTest {

  private static final SocketAddress A = SocketAddress.inetSocketAddress(7001, "127.0.0.1");
  private static final SocketAddress B = SocketAddress.inetSocketAddress(7002, "127.0.0.1");
  private static final SocketAddress C = SocketAddress.inetSocketAddress(7003, "127.0.0.1");

  private static List<SocketAddress> picks(Replicas replicas, int n) {
    List<SocketAddress> picked = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      picked.add(replicas.pick());
    }
    return picked;
  }

  @Test
  void callsGoRoundTheReplicasSkippingOneThatCouldNotBeReachedUntilNoneCan() {
    Replicas replicas = new Replicas(null, List.of(A, B, C), ServiceName.create("ezshop.store.v1.StoreService"));
    assertEquals(List.of(A, B, C, A, B, C), picks(replicas, 6));
    replicas.unreachable(B);
    assertEquals(List.of(A, C, C, A, C, C), picks(replicas, 6), "B's turns go to the next one up");
    replicas.unreachable(A);
    replicas.unreachable(C);
    assertEquals(List.of(A, B, C), picks(replicas, 3), "none known to serve: round all of them");
  }
}
