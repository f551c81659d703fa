package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ezshop.load.ClientAuth;
import org.ezshop.load.chaos.Databases;
import org.ezshop.load.sim.Score;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.ListItemsRequest;
import org.ezshop.store.v1.StoreServiceGrpc;
import org.ezshop.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ezshop cluster`: two stores on two replicas of each service, each store's gateway playing a simulated store of
 * its own shoppers at the same time; each store's receipts are right, and each store holds only its own items.
 */
class ClusterTest {

  private static final String TOKEN = "cluster-test-manager-token";

  @TempDir
  Path dir;

  @Test
  void eachStoreOfTheChainServesItsOwnSimulatedShoppersThroughItsOwnGateway() throws Exception {
    Vertx vertx = Vertx.vertx();
    String db = TestPostgres.freshDatabase(vertx);
    Settings settings = Settings.parse(List.of("cluster", "--pg-url", db, "--cluster-stores", "2",
        "--cluster-replicas", "2", "--sim-shoppers", "3", "--sim-rows", "6", "--sim-minutes", "1.5", "--sim-speed",
        "4", "--manager-token", TOKEN, "--data-dir", dir.resolve("data").toString(), "--sim-out",
        dir.resolve("sim-out").toString()), Map.of());
    try (Chain chain = Cluster.start(settings, System.out)) {
      List<Score> scores = Cluster.play(settings, chain, System.out);
      for (Score score : scores) {
        assertTrue(score.taken() > 0 && score.f1() >= 0.95, "each store's shoppers charged right: " + score);
      }
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", chain.port("store-2"),
          chain.tls().credentials()).build();
      try {
        for (String store : List.of("store-1", "store-2")) {
          List<String> skus = ClientAuth.as(StoreServiceGrpc.newBlockingStub(channel), TOKEN, store)
              .listItems(ListItemsRequest.getDefaultInstance()).getItemsList().stream().map(Item::getSku).toList();
          assertEquals(6, skus.size(), skus.toString());
          assertTrue(skus.stream().allMatch(sku -> sku.startsWith(store + "-sku-")), skus.toString());
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      Databases.drop(vertx, TestPostgres.url(), db);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
