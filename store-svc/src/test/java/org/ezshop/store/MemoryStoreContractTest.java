package org.ezshop.store;

import org.junit.jupiter.api.BeforeAll;

class MemoryStoreContractTest extends StoreContract {

  @BeforeAll
  static void memory() throws Exception {
    start(TestStores.memory());
  }
}
