package org.ezshop.load.chaos;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;

/** Databases made for one run beside the given one, and dropped after it. */
public final class Databases {

  private Databases() {
  }

  /** Creates {@code name} (replacing one left by an earlier run) and returns its URL. */
  public static String create(Vertx vertx, String url, String name) throws Exception {
    PgConnectOptions base = PgConnectOptions.fromUri(url);
    drop(vertx, base, name);
    admin(vertx, base, "CREATE DATABASE " + name);
    return "postgresql://" + base.getUser() + ":" + base.getPassword() + "@" + base.getHost() + ":" + base.getPort()
        + "/" + name;
  }

  public static void drop(Vertx vertx, String url, String dbUrl) throws Exception {
    drop(vertx, PgConnectOptions.fromUri(url), PgConnectOptions.fromUri(dbUrl).getDatabase());
  }

  /**
   * A plain DROP first: PostgreSQL stops an autovacuum worker in the way itself, while WITH (FORCE) would refuse
   * to (42501: a non-superuser may not end it). FORCE only for sessions of ours left behind (55006: in use), such
   * as a killed process's.
   */
  private static void drop(Vertx vertx, PgConnectOptions base, String name) throws Exception {
    try {
      admin(vertx, base, "DROP DATABASE IF EXISTS " + name);
    } catch (PgException inUse) {
      if (!"55006".equals(inUse.getSqlState())) {
        throw inUse;
      }
      admin(vertx, base, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  private static void admin(Vertx vertx, PgConnectOptions base, String sql) throws Exception {
    Pool admin = PgBuilder.pool().connectingTo(base).using(vertx).build();
    try {
      admin.query(sql).execute().await(60, TimeUnit.SECONDS);
    } finally {
      admin.close().await(10, TimeUnit.SECONDS);
    }
  }
}
