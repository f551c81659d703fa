package org.ezshop.gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A manager's web session: a random id for the token, good for 12 h or until sign-out. */
class ManagerSessionsTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final ManagerSessions sessions = new ManagerSessions(now::get);

  @Test
  void aSessionStandsForItsTokenUntilItExpiresOrIsClosed() {
    String id = sessions.open("manager-token");
    assertNotEquals("manager-token", id);
    assertEquals(43, id.length(), "256 random bits");
    assertEquals("manager-token", sessions.token(id));
    assertEquals("", sessions.token("guessed"));
    now.addAndGet(ManagerSessions.TTL_MILLIS - 1);
    assertEquals("manager-token", sessions.token(id));
    now.addAndGet(1);
    assertEquals("", sessions.token(id), "expired");
    String again = sessions.open("manager-token");
    sessions.close(again);
    assertEquals("", sessions.token(again), "signed out");
  }
}
