package org.ezshop.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The PostgreSQL that scripts/test makes reachable and exports as EZSHOP_PG_URL (and EZSHOP_PG_CLUSTER). */
public final class TestPostgres {

  private TestPostgres() {
  }

  /** The URL; fails the test (never skips it) when none is configured. */
  public static String url() {
    String url = System.getenv("EZSHOP_PG_URL");
    if (url == null || url.isBlank()) {
      throw new IllegalStateException("EZSHOP_PG_URL is not set: run the tests with scripts/test, which starts "
          + "PostgreSQL and exports it, or export a postgresql://user:password@host:port/db URL yourself");
    }
    return url;
  }

  /** Creates an empty database next to EZSHOP_PG_URL's (the test role may CREATEDB) and returns its URL. */
  public static String freshDatabase(io.vertx.core.Vertx vertx) throws Exception {
    String name = "ezshop_t_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    io.vertx.pgclient.PgConnectOptions base = io.vertx.pgclient.PgConnectOptions.fromUri(url());
    io.vertx.sqlclient.Pool admin = io.vertx.pgclient.PgBuilder.pool().connectingTo(base).using(vertx).build();
    try {
      admin.query("CREATE DATABASE " + name).execute().await(30, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      admin.close().await(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    return "postgresql://" + base.getUser() + ":" + base.getPassword() + "@" + base.getHost() + ":" + base.getPort()
        + "/" + name;
  }

  /**
   * Stops or starts the local cluster scripts/test set up (EZSHOP_PG_CLUSTER, e.g. "15 main"), for tests of
   * what happens while the database is away. Fails when the database is not a local cluster.
   */
  public static void cluster(String action) throws Exception {
    String cluster = System.getenv("EZSHOP_PG_CLUSTER");
    if (cluster == null || cluster.isBlank()) {
      throw new IllegalStateException("EZSHOP_PG_CLUSTER is not set: this test restarts the local cluster that "
          + "scripts/test sets up, and cannot restart a database given only by URL");
    }
    String[] parts = cluster.trim().split("\\s+");
    List<String> command = new ArrayList<>(List.of("pg_ctlcluster", parts[0], parts[1], action));
    if (action.equals("stop")) {
      command.addAll(List.of("-m", "fast"));
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      command.addAll(0, List.of("sudo", "-n"));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
  }
}
