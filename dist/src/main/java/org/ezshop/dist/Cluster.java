package org.ezshop.dist;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.ezshop.load.sim.Score;
import org.ezshop.load.sim.StoreSimulator;

/**
 * `ezshop cluster`: a {@link Chain} of K stores on this machine, each store's gateway then playing a simulated store
 * of its own shoppers (its own portraits, its ids prefixed with its store's), all at once; each store's score is
 * printed, and the chain runs on until Ctrl-C for its dashboards.
 */
final class Cluster {

  private Cluster() {
  }

  static void run(Settings settings, PrintStream out) throws Exception {
    Chain chain = start(settings, out);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        chain.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "ezshop-cluster-stop"));
    play(settings, chain, out);
    out.println("cluster: the chain keeps running (Ctrl-C stops it)");
    new CountDownLatch(1).await();
  }

  /** The chain of --cluster-stores stores (store-1, store-2, ...), on --cluster-replicas replicas. */
  static Chain start(Settings settings, PrintStream out) throws Exception {
    String pg = settings.values.text(Option.PG_URL);
    if (pg.isEmpty()) {
      throw new IllegalArgumentException("needs --pg-url (" + Option.PG_URL.env() + "): the chain's one database");
    }
    List<String> stores = IntStream.rangeClosed(1, settings.values.positive(Option.CLUSTER_STORES))
        .mapToObj(i -> "store-" + i).toList();
    Chain chain = Chain.start(stores, settings.values.positive(Option.CLUSTER_REPLICAS), pg, settings.managerToken(),
        settings.values.text(Option.SESSION_SECRET), Path.of(settings.values.text(Option.DATA_DIR), "cluster"), out);
    if (settings.managerTokenGenerated()) {
      out.println("cluster: manager token " + settings.managerToken() + " (random; set "
          + Option.MANAGER_TOKEN.env() + " to choose)");
    }
    return chain;
  }

  /** Every store's simulated store at once, through its own gateway; each one's score, in the stores' order. */
  static List<Score> play(Settings settings, Chain chain, PrintStream out) throws Exception {
    List<String> stores = chain.stores();
    ExecutorService simulators = Executors.newFixedThreadPool(stores.size());
    try {
      List<Future<Score>> running = new ArrayList<>();
      for (int i = 0; i < stores.size(); i++) {
        StoreSimulator.ChainStore store = new StoreSimulator.ChainStore(stores.get(i), i, stores.size());
        String gateway = "127.0.0.1:" + chain.port("gateway-" + store.storeId());
        running.add(simulators.submit(() -> StoreSimulator.runInChain(settings.simulation(false)
                .withOut(Path.of(settings.values.text(Option.SIM_OUT), store.storeId())), store, gateway,
            "127.0.0.1:" + chain.port("store-1"), chain.tls(), settings.managerToken(),
            prefixed(out, store.storeId() + ": "))));
      }
      List<Score> scores = new ArrayList<>();
      for (int i = 0; i < stores.size(); i++) {
        Score score = running.get(i).get();
        out.printf("cluster: %s: F1 %.3f, exact receipts %d of %d%n", stores.get(i), score.f1(), score.exact(),
            score.shoppers());
        scores.add(score);
      }
      return scores;
    } finally {
      simulators.shutdownNow();
    }
  }

  /** Each line {@code out} is given, after the prefix. */
  static PrintStream prefixed(PrintStream out, String prefix) {
    return new PrintStream(new OutputStream() {
      private final ByteArrayOutputStream line = new ByteArrayOutputStream();

      @Override
      public synchronized void write(int b) {
        if (b == '\n') {
          out.println(prefix + line.toString(StandardCharsets.UTF_8));
          line.reset();
        } else {
          line.write(b);
        }
      }
    }, true, StandardCharsets.UTF_8);
  }
}
