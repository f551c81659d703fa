package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ezshop.load.ClientAuth;
import org.ezshop.load.chaos.Databases;
import org.ezshop.load.chaos.ServiceProcess;
import org.ezshop.rpc.Tls;
import org.ezshop.shop.v1.GetInventoryRequest;
import org.ezshop.shop.v1.ShopServiceGrpc;
import org.ezshop.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway given one name for store-svc, a name with an address per replica (as a DNS name would have), reaches
 * each replica by its address over TLS, and keeps serving when the replica at the first address is killed -9.
 * The gateway's JVM looks names up in a hosts file of the test's own (the JDK's jdk.net.hosts.file).
 */
class ReplicaNamesTest {

  private static final String TOKEN = "replica-names-test-manager-token";

  @TempDir
  Path dir;

  @Test
  void aNameWithTwoAddressesIsTwoReplicasAndTheGatewayKeepsServingWhenOneDies() throws Exception {
    Vertx vertx = Vertx.vertx();
    String db = TestPostgres.freshDatabase(vertx);
    Map<String, String> env = Map.of("EZSHOP_MANAGER_TOKEN", TOKEN, "EZSHOP_SESSION_SECRET",
        "replica-names-test-session-secret-0123", "EZSHOP_PG_URL", db, "EZSHOP_DATA_DIR", dir.resolve("data").toString());
    Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n127.0.0.1 store.test\n"
        + "127.0.0.2 store.test\n");
    int storePort = LauncherProcess.freePort();
    int identityPort = LauncherProcess.freePort();
    int gatewayPort = LauncherProcess.freePort();
    List<ServiceProcess> running = new ArrayList<>();
    try {
      // One after the other: the second finds the first's certificate (for both addresses) in the shared data dir.
      for (String address : List.of("127.0.0.1", "127.0.0.2")) {
        running.add(start(LauncherProcess.of("store-" + address, List.of(), List.of("store", "--host", address,
            "--store-port", String.valueOf(storePort), "--tls-names", "127.0.0.2"), address, storePort, dir, env)));
      }
      running.add(start(LauncherProcess.of("identity", List.of(), List.of("identity", "--host", "127.0.0.1",
          "--identity-port", String.valueOf(identityPort)), identityPort, dir, env)));
      running.add(start(LauncherProcess.of("gateway", List.of("-Djdk.net.hosts.file=" + hosts), List.of("gateway",
          "--host", "127.0.0.1", "--gateway-port", String.valueOf(gatewayPort), "--web-port",
          String.valueOf(LauncherProcess.freePort()), "--web-redirect-port", String.valueOf(LauncherProcess.freePort()),
          "--metrics-port", String.valueOf(LauncherProcess.freePort()), "--store-target", "store.test:" + storePort,
          "--identity-target", "127.0.0.1:" + identityPort), gatewayPort, dir, env)));
      String expanded = "replicas=[127.0.0.1:" + storePort + ", 127.0.0.2:" + storePort + "]";
      ChainTest.waitFor(() -> log("gateway").contains(expanded), "the gateway's log: " + expanded);

      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", gatewayPort,
          Tls.trusting(dir.resolve("data/tls/ca.pem")).credentials()).build();
      try {
        var shop = ClientAuth.as(ShopServiceGrpc.newBlockingStub(channel), TOKEN);
        running.get(0).kill(); // store-svc at 127.0.0.1
        for (int i = 0; i < 4; i++) { // each call in turn to 127.0.0.2, none refused
          assertEquals(0, shop.withDeadlineAfter(10, TimeUnit.SECONDS)
              .getInventory(GetInventoryRequest.getDefaultInstance()).getLinesCount());
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      for (ServiceProcess process : running) {
        process.stop();
      }
      Databases.drop(vertx, TestPostgres.url(), db);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static ServiceProcess start(ServiceProcess process) throws Exception {
    process.start();
    return process;
  }

  private String log(String name) {
    try {
      return Files.readString(dir.resolve(name + ".log"));
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
