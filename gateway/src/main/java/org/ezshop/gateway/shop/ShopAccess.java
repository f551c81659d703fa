package org.ezshop.gateway.shop;

import io.vertx.core.MultiMap;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.time.Instant;
import org.ezshop.rpc.Bearer;
import org.ezshop.rpc.SessionTokens;

/** Who calls the ShopService: the manager (manager token) or one shopper (a session token from face login). */
final class ShopAccess {

  private final String managerToken;
  private final SessionTokens sessions;

  ShopAccess(String managerToken, SessionTokens sessions) {
    this.managerToken = managerToken;
    this.sessions = sessions;
  }

  void requireManager(MultiMap headers) {
    String token = Bearer.token(headers);
    if (!Bearer.same(token, managerToken)) {
      throw new StatusException(sessions.verify(token, Instant.now()).isPresent() ? GrpcStatus.PERMISSION_DENIED
          : GrpcStatus.UNAUTHENTICATED, "this call needs the manager token");
    }
  }

  /** The signed-in shopper's id. */
  String shopper(MultiMap headers) {
    return sessions.verify(Bearer.token(headers), Instant.now()).orElseThrow(() -> new StatusException(
        GrpcStatus.UNAUTHENTICATED, "invalid or expired session token: sign in again with LoginWithFace"));
  }
}
