package org.ezshop.store.pg;

import io.vertx.pgclient.PgConnectOptions;
import org.flywaydb.core.Flyway;

/** Brings the schema to the newest version in db/migration (Flyway; blocking: call from a worker). */
final class Migrations {

  private Migrations() {
  }

  static void apply(PgConnectOptions options) {
    String jdbc = "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
    Flyway.configure()
        .dataSource(jdbc, options.getUser(), options.getPassword())
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }
}
