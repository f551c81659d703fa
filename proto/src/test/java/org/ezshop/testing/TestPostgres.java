package org.ezshop.testing;

/** The PostgreSQL that scripts/test makes reachable and exports as EZSHOP_PG_URL. */
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
}
