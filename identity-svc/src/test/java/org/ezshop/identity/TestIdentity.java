package org.ezshop.identity;

import java.util.Optional;

/** identity-svc configs for tests: loopback, any port, the test token. */
final class TestIdentity {

  private TestIdentity() {
  }

  static IdentityConfig memory() {
    return IdentityConfig.of("127.0.0.1", 0, IdentityClient.TOKEN, Optional.empty());
  }

  static IdentityConfig postgres(String url) {
    return IdentityConfig.of("127.0.0.1", 0, IdentityClient.TOKEN, Optional.of(url));
  }
}
