package org.ezshop.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vertx.core.Vertx;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.ezshop.common.v1.Box;
import org.ezshop.identity.v1.EnrollRequest;
import org.ezshop.identity.v1.EnrollResponse;
import org.ezshop.identity.v1.ForgetRequest;
import org.ezshop.identity.v1.IdentifiedFace;
import org.ezshop.identity.v1.IdentifyResponse;
import org.ezshop.identity.v1.VerifyRequest;
import org.ezshop.identity.v1.VerifyResponse;
import org.ezshop.rpc.EventLoops;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** identity-svc over gRPC on loopback, with the real models and the faces.md photos, gallery in memory. */
class IdentityServiceTest {

  private static Vertx vertx;
  private static IdentityServer server;
  private static IdentityClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = EventLoops.vertx();
    server = IdentityServer.start(vertx, TestIdentity.memory()).await(60, TimeUnit.SECONDS);
    client = new IdentityClient(server.port());
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void eachPersonIsFoundAmongFortyDistractorsFromAnotherPhoto() {
    List<String> ids = new ArrayList<>();
    for (List<String> person : Photos.SAME_PERSON) {
      ids.add(client.enrol("person " + person.get(0), Photos.portrait(person.get(0))));
    }
    int distractors = 0;
    for (String single : Photos.singles()) {
      if (distractors == 40) {
        break;
      }
      try {
        client.enrol("distractor " + single, Photos.portrait(single));
        distractors++;
      } catch (StatusRuntimeException e) { // portraits with a second face in the background cannot be enrolled
        assertTrue(e.getStatus().getDescription().contains("faces found"), e.getStatus().toString());
      }
    }
    assertEquals(40, distractors);
    for (int p = 0; p < Photos.SAME_PERSON.size(); p++) {
      List<String> person = Photos.SAME_PERSON.get(p);
      for (String other : person.subList(1, person.size())) {
        IdentifiedFace face = client.identify(Photos.portrait(other)).getFaces(0);
        assertEquals(ids.get(p), face.getCandidates(0).getFaceId(), other + " is " + person.get(0));
        assertTrue(face.getMatch(), other + " scored " + face.getCandidates(0).getScore());
        System.out.printf("same person: %s found as %s, score %.3f; runner-up %.3f%n", other, person.get(0),
            face.getCandidates(0).getScore(), face.getCandidates(1).getScore());
      }
    }
  }

  @Test
  void everyFaceOfAGroupPhotoIsIdentified() {
    for (int n = 1; n <= 6; n++) {
      IdentifyResponse response = client.identify(Photos.group(n));
      assertEquals(Photos.GROUP_FACES.get(n - 1), response.getFacesCount(), "faces in sample" + n);
      for (int i = 1; i < response.getFacesCount(); i++) {
        assertTrue(area(response.getFaces(i - 1).getBox()) >= area(response.getFaces(i).getBox()), "largest first");
      }
    }
  }

  @Test
  void aFaceThatFillsTheWholeImageIsStillFound() throws Exception {
    EnrollResponse enrolled = client.stub().enroll(EnrollRequest.newBuilder().setSubjectName("close up")
        .setImage(ByteString.copyFrom(Photos.portrait("men/5"))).build());
    // Cropped inside the face's own box: the detector finds nothing until the picture is padded.
    byte[] crop = crop(Photos.portrait("men/5"), enrolled.getBox(), 0.1f);
    IdentifyResponse response = client.identify(crop);
    assertEquals(1, response.getFacesCount());
    assertEquals(enrolled.getFaceId(), response.getFaces(0).getCandidates(0).getFaceId());
  }

  @Test
  void morePhotosOfOnePersonGoUnderOneFaceAndVerifyChecksAgainstThem() {
    String id = client.enrol("Ada", Photos.portrait("women/0"));
    EnrollResponse second = client.stub().enroll(EnrollRequest.newBuilder().setFaceId(id)
        .setImage(ByteString.copyFrom(Photos.portrait("women/2"))).build());
    assertEquals(2, second.getPhotoCount());
    assertTrue(second.getQuality() > 0 && second.getQuality() <= 1);
    VerifyResponse same = client.stub().verify(VerifyRequest.newBuilder().setFaceId(id)
        .setImage(ByteString.copyFrom(Photos.portrait("women/19"))).build());
    assertTrue(same.getMatch(), "score " + same.getScore());
    VerifyResponse other = client.stub().verify(VerifyRequest.newBuilder().setFaceId(id)
        .setImage(ByteString.copyFrom(Photos.portrait("men/0"))).build());
    assertFalse(other.getMatch(), "score " + other.getScore());
    assertEquals(IdentityConfig.DEFAULT_THRESHOLD, other.getThreshold());
  }

  @Test
  void forgetRemovesTheFaceAndIsIdempotent() {
    String id = client.enrol("Grace", Photos.portrait("women/13"));
    assertEquals(id, client.identify(Photos.portrait("women/28")).getFaces(0).getCandidates(0).getFaceId());
    var forgotten = client.stub().forget(ForgetRequest.newBuilder().setFaceId(id).build());
    assertTrue(forgotten.getForgotten());
    assertEquals(1, forgotten.getEmbeddingsRemoved());
    IdentifyResponse after = client.identify(Photos.portrait("women/28"));
    assertTrue(after.getFaces(0).getCandidatesList().stream().noneMatch(c -> c.getFaceId().equals(id)));
    assertFalse(client.stub().forget(ForgetRequest.newBuilder().setFaceId(id).build()).getForgotten());
    var audit = client.stub().listAuditEntries(org.ezshop.store.v1.ListAuditEntriesRequest.getDefaultInstance())
        .getEntriesList().stream().filter(e -> id.equals(e.getFieldsMap().get("face_id"))).toList();
    assertEquals(java.util.List.of("0", "1"), audit.stream().map(e -> e.getFieldsMap().get("embeddings_removed"))
        .toList(), "both calls audited, newest first");
    assertEquals(org.ezshop.rpc.Bearer.managerId(IdentityClient.TOKEN), audit.get(0).getActor());
    assertEquals("Forget", audit.get(0).getAction());
  }

  @Test
  void badInputGetsAClearStatusAndTheServiceCarriesOn() throws Exception {
    byte[] jpeg = Photos.portrait("men/0");
    expect(Status.Code.INVALID_ARGUMENT, "image is empty", () -> client.identify(new byte[0]));
    expect(Status.Code.INVALID_ARGUMENT, "neither JPEG nor PNG", () -> client.identify("hello".getBytes()));
    expect(Status.Code.INVALID_ARGUMENT, "truncated", () -> client.identify(java.util.Arrays.copyOf(jpeg, jpeg.length / 2)));
    expect(Status.Code.INVALID_ARGUMENT, "20000x20000", () -> client.identify(headerBomb(jpeg)));
    expect(Status.Code.INVALID_ARGUMENT, "no face found", () -> client.enrol("nobody", png(new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB))));
    expect(Status.Code.INVALID_ARGUMENT, "3 faces found", () -> client.enrol("three", Photos.group(1)));
    expect(Status.Code.INVALID_ARGUMENT, "subject_name", () -> client.enrol(" ", jpeg));
    expect(Status.Code.NOT_FOUND, "no face 'nobody'", () -> client.stub().verify(VerifyRequest.newBuilder()
        .setFaceId("nobody").setImage(ByteString.copyFrom(jpeg)).build()));
    expect(Status.Code.NOT_FOUND, "no face 'nobody'", () -> client.stub().enroll(EnrollRequest.newBuilder()
        .setFaceId("nobody").setImage(ByteString.copyFrom(jpeg)).build()));
    expect(Status.Code.INVALID_ARGUMENT, "threshold", () -> client.stub().identify(org.ezshop.identity.v1.IdentifyRequest
        .newBuilder().setImage(ByteString.copyFrom(jpeg)).setThreshold(Float.NaN).build()));
    expect(Status.Code.UNAUTHENTICATED, "missing bearer token", () -> client.as(null).identify(
        org.ezshop.identity.v1.IdentifyRequest.newBuilder().setImage(ByteString.copyFrom(jpeg)).build()));
    expect(Status.Code.UNAUTHENTICATED, "invalid token", () -> client.as("guess").identify(
        org.ezshop.identity.v1.IdentifyRequest.newBuilder().setImage(ByteString.copyFrom(jpeg)).build()));
    assertEquals(1, client.identify(jpeg).getFacesCount(), "still serving");
  }

  private static void expect(Status.Code code, String text, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::execute);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().contains(text), e.getStatus().getDescription());
  }

  /** A real JPEG whose frame header claims 20000x20000: 400 megapixels if anyone decoded it. */
  static byte[] headerBomb(byte[] jpeg) {
    byte[] out = jpeg.clone();
    for (int i = 2; i + 9 < out.length; ) {
      int marker = out[i + 1] & 0xFF;
      int length = ((out[i + 2] & 0xFF) << 8) | (out[i + 3] & 0xFF);
      if (marker >= 0xC0 && marker <= 0xC2) {
        out[i + 5] = (byte) (20000 >> 8);
        out[i + 6] = (byte) (20000 & 0xFF);
        out[i + 7] = (byte) (20000 >> 8);
        out[i + 8] = (byte) (20000 & 0xFF);
        return out;
      }
      i += 2 + length;
    }
    throw new IllegalArgumentException("no frame header");
  }

  static byte[] crop(byte[] jpeg, Box box, float inset) throws Exception {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
    int x = Math.round(box.getX() + box.getWidth() * inset);
    int y = Math.round(box.getY() + box.getHeight() * inset);
    int w = Math.round(box.getWidth() * (1 - 2 * inset));
    int h = Math.round(box.getHeight() * (1 - 2 * inset));
    return png(image.getSubimage(x, y, w, h));
  }

  static byte[] png(BufferedImage image) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static float area(Box b) {
    return b.getWidth() * b.getHeight();
  }
}
