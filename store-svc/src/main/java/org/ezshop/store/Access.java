package org.ezshop.store;

import io.vertx.core.MultiMap;
import java.time.Instant;
import java.util.Optional;
import org.ezshop.rpc.Bearer;
import org.ezshop.rpc.BoundStore;
import org.ezshop.rpc.SessionTokens;
import org.ezshop.store.storage.Failures;

/**
 * Who is calling, from the bearer token in `authorization` metadata: the manager (also the token services use
 * to call each other), or a shopper holding a session token. Tokens see only what they own.
 */
final class Access {

  private final String managerToken;
  private final SessionTokens sessions;

  Access(String managerToken, SessionTokens sessions) {
    this.managerToken = managerToken;
    this.sessions = sessions;
  }

  /** Empty for the manager; the shopper id for a shopper. */
  Optional<String> caller(MultiMap headers) {
    String token = Bearer.token(headers);
    if (Bearer.same(token, managerToken)) {
      return Optional.empty();
    }
    return Optional.of(sessions.verify(token, Instant.now())
        .orElseThrow(() -> Failures.unauthenticated("invalid or expired token")));
  }

  /** The store the call is bound to by its `ezshop-store-id` metadata; "" for none (every store). */
  static String bound(MultiMap headers) {
    String store = headers.get(BoundStore.HEADER);
    return store == null ? "" : Requests.storeId(store, BoundStore.HEADER);
  }

  void requireManager(MultiMap headers) {
    caller(headers).ifPresent(shopper -> {
      throw Failures.denied("this call needs the manager token");
    });
  }

  /** Who calls, for the audit log: the token's id, never the token. */
  String actor(MultiMap headers) {
    return caller(headers).map(shopper -> "shopper:" + shopper).orElseGet(() -> Bearer.managerId(
        Bearer.token(headers)));
  }

  /** The manager, or the shopper whose data it is. */
  void requireOwner(MultiMap headers, String shopperId) {
    caller(headers).filter(shopper -> !shopper.equals(shopperId)).ifPresent(shopper -> {
      throw Failures.denied("a shopper's token sees only that shopper's cart and receipts");
    });
  }
}
