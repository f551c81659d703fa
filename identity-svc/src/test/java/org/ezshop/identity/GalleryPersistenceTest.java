package org.ezshop.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.ezshop.identity.v1.ForgetRequest;
import org.ezshop.identity.v1.IdentifiedFace;
import org.ezshop.rpc.EventLoops;
import org.ezshop.testing.TestPostgres;
import org.junit.jupiter.api.Test;

/** Two replicas on one PostgreSQL: what one enrols survives restarts and reaches the other; Forget reaches both. */
class GalleryPersistenceTest {

  @Test
  void enrolmentsSurviveARestartAndForgetReachesEveryReplica() throws Exception {
    Vertx vertx = EventLoops.vertx();
    // A database of its own: a gallery another run left behind may hold the same person under another id.
    IdentityConfig config = TestIdentity.postgres(TestPostgres.freshDatabase(vertx));
    String name = "persisted " + UUID.randomUUID();
    IdentityServer a = IdentityServer.start(vertx, config).await(60, TimeUnit.SECONDS);
    String id;
    try (IdentityClient client = new IdentityClient(a.port())) {
      id = client.enrol(name, Photos.portrait("men/46"));
    }
    a.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);

    a = IdentityServer.start(vertx, config).await(60, TimeUnit.SECONDS);
    IdentityServer b = IdentityServer.start(vertx, config).await(60, TimeUnit.SECONDS);
    try (IdentityClient onA = new IdentityClient(a.port()); IdentityClient onB = new IdentityClient(b.port())) {
      assertMatches(id, onA, "after a restart");
      assertMatches(id, onB, "on another replica");

      assertTrue(onB.stub().forget(ForgetRequest.newBuilder().setFaceId(id).build()).getForgotten());
      assertForgotten(id, onB);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!forgotten(id, onA) && System.nanoTime() < deadline) {
        Thread.sleep(50); // NOTIFY reaches the other replica asynchronously
      }
      assertForgotten(id, onA);
    } finally {
      a.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
      b.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
    }
    IdentityServer c = IdentityServer.start(vertx, config).await(60, TimeUnit.SECONDS);
    try (IdentityClient onC = new IdentityClient(c.port())) {
      assertForgotten(id, onC);
    } finally {
      c.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static void assertMatches(String id, IdentityClient client, String when) {
    IdentifiedFace face = client.identify(Photos.portrait("men/69")).getFaces(0);
    assertEquals(id, face.getCandidates(0).getFaceId(), when);
    assertTrue(face.getMatch(), when);
  }

  private static boolean forgotten(String id, IdentityClient client) {
    return client.identify(Photos.portrait("men/69")).getFaces(0).getCandidatesList().stream()
        .noneMatch(c -> c.getFaceId().equals(id));
  }

  private static void assertForgotten(String id, IdentityClient client) {
    assertTrue(forgotten(id, client), "still identified after Forget");
    assertFalse(client.stub().forget(ForgetRequest.newBuilder().setFaceId(id).build()).getForgotten());
  }
}
