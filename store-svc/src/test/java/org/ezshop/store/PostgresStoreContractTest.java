package org.ezshop.store;

import org.junit.jupiter.api.BeforeAll;

class PostgresStoreContractTest extends StoreContract {

  @BeforeAll
  static void postgres() throws Exception {
    start(TestStores.postgres(TestStores.freshDatabase(vertx)));
  }
}
