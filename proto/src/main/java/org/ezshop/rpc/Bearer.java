package org.ezshop.rpc;

import io.vertx.core.MultiMap;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The bearer token of a call, from its `authorization` metadata; UNAUTHENTICATED, saying why, when absent. */
public final class Bearer {

  private Bearer() {
  }

  public static String token(MultiMap headers) {
    String header = headers.get("authorization");
    if (header == null || header.isBlank()) {
      throw new StatusException(GrpcStatus.UNAUTHENTICATED, "missing bearer token in 'authorization' metadata");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new StatusException(GrpcStatus.UNAUTHENTICATED, "'authorization' metadata must be 'Bearer <token>'");
    }
    return header.substring(7).trim();
  }

  /** The manager token's id for the audit log: "manager:" and 12 hex digits of its SHA-256, never the token. */
  public static String managerId(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder("manager:");
      for (int i = 0; i < 6; i++) {
        hex.append(String.format("%02x", digest[i]));
      }
      return hex.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Compares in constant time. */
  public static boolean same(String token, String expected) {
    return MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }
}
