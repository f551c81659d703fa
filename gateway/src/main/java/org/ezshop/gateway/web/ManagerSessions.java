package org.ezshop.gateway.web;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Managers signed in on the web: a random session id (what the cookie holds) for each, kept here with the manager
 * token it stands for until it expires or its manager signs out. The token itself never reaches the browser.
 */
final class ManagerSessions {

  /** A working day. */
  static final long TTL_MILLIS = 12 * 3600_000L;
  private static final SecureRandom RANDOM = new SecureRandom();

  private record Session(String token, long expiresAt) {
  }

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  ManagerSessions(LongSupplier clock) {
    this.clock = clock;
  }

  /** A new session for a token already checked; its id. */
  String open(String token) {
    long now = clock.getAsLong();
    sessions.values().removeIf(s -> s.expiresAt() <= now);
    byte[] id = new byte[32];
    RANDOM.nextBytes(id);
    String sessionId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    sessions.put(sessionId, new Session(token, now + TTL_MILLIS));
    return sessionId;
  }

  /** The token a live session stands for; empty (which every manager call refuses) for any other id. */
  String token(String sessionId) {
    Session s = sessionId == null ? null : sessions.get(sessionId);
    if (s == null || s.expiresAt() <= clock.getAsLong()) {
      return "";
    }
    return s.token();
  }

  void close(String sessionId) {
    if (sessionId != null) {
      sessions.remove(sessionId);
    }
  }
}
