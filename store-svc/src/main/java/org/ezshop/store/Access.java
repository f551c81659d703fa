package org.ezshop.store;

import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Optional;
import org.ezshop.rpc.SessionTokens;

/**
 * Who is calling, from the bearer token in `authorization` metadata: the manager (also the token services use
 * to call each other), or a shopper holding a session token. Tokens see only what they own.
 */
final class Access {

  private final byte[] managerToken;
  private final SessionTokens sessions;

  Access(String managerToken, SessionTokens sessions) {
    this.managerToken = managerToken.getBytes(StandardCharsets.UTF_8);
    this.sessions = sessions;
  }

  /** Empty for the manager; the shopper id for a shopper. */
  Optional<String> caller(MultiMap headers) {
    String header = headers.get("authorization");
    if (header == null || header.isBlank()) {
      throw Failures.unauthenticated("missing bearer token in 'authorization' metadata");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw Failures.unauthenticated("'authorization' metadata must be 'Bearer <token>'");
    }
    String token = header.substring(7).trim();
    if (MessageDigest.isEqual(managerToken, token.getBytes(StandardCharsets.UTF_8))) {
      return Optional.empty();
    }
    return Optional.of(sessions.verify(token, Instant.now())
        .orElseThrow(() -> Failures.unauthenticated("invalid or expired token")));
  }

  void requireManager(MultiMap headers) {
    caller(headers).ifPresent(shopper -> {
      throw Failures.denied("this call needs the manager token");
    });
  }

  /** The manager, or the shopper whose data it is. */
  void requireOwner(MultiMap headers, String shopperId) {
    caller(headers).filter(shopper -> !shopper.equals(shopperId)).ifPresent(shopper -> {
      throw Failures.denied("a shopper's token sees only that shopper's cart and receipts");
    });
  }
}
