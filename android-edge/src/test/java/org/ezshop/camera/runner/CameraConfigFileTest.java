package org.ezshop.camera.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ezshop.edgelink.YamlConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CameraConfigFileTest {

  @TempDir
  Path dir;

  private Path write(String yaml) throws Exception {
    Files.createDirectories(dir.resolve("shots"));
    Files.write(dir.resolve("shots/a.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF});
    Path file = dir.resolve("camera.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private static final String GOOD = "device_id: cam-shelf-1\ntoken: shelf-camera-token-0123\ngateway: gw:7000\n"
      + "role: shelf\nrows: [A1, A2]\nsource: {dir: shots, fps: 2, loop: true}\n";

  @Test
  void readsAShelfCamera() throws Exception {
    CameraConfig config = CameraConfigFile.read(write(GOOD), Map.of());
    assertEquals(CameraConfig.Role.SHELF, config.role);
    assertEquals(List.of("A1", "A2"), config.rows);
    assertEquals("cam-shelf-1", config.cameraId);
    assertEquals(1, config.shots.size());
    assertTrue(config.loop);
    assertEquals(CameraConfig.SpeakerKind.AUTO, config.speaker);
  }

  @Test
  void badSettingsNameTheirLineAndField() throws Exception {
    assertProblem(GOOD.replace("role: shelf", "role: door"), "camera.yaml:4: role: 'door' is not one of entrance, exit, shelf");
    assertProblem(GOOD.replace("rows: [A1, A2]\n", ""), "rows: a shelf camera needs the rows it covers");
    assertProblem(GOOD.replace("shelf-camera-token-0123", "short"), "camera.yaml:2: token: must be at least 16 characters");
    assertProblem(GOOD.replace("gw:7000", "gw"), "gateway: must be host:port");
    assertProblem(GOOD.replace("fps: 2", "fps: 0"), "source.fps: 0.0 is outside (0, 60]");
    assertProblem(GOOD.replace("dir: shots", "dir: nowhere"), "source.dir: cannot read");
    assertProblem(GOOD + "zoom: 2\n", "zoom: unknown setting");
    assertProblem(GOOD.replace("source: {dir: shots, fps: 2, loop: true}",
        "source:\n  frames:\n    - image: shots/a.jpg\n      faces: [{x: 1, y: 1, width: -5, height: 9}]"),
        "source.frames[0].faces[0].width: a face box needs a positive width and height");
  }

  @Test
  void theRunnerRefusesABadConfigAtStartUpNamingTheField() throws Exception {
    Path file = write(GOOD.replace("role: shelf", "role: door"));
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AndroidEdge.class.getName(), "--config", file.toString())
        .redirectErrorStream(true).start();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(2, process.exitValue(), output);
    assertTrue(output.contains("camera.yaml:4: role: 'door' is not one of entrance, exit, shelf"), output);
  }

  private void assertProblem(String yaml, String expected) throws Exception {
    Path file = write(yaml);
    YamlConfig.Invalid e = assertThrows(YamlConfig.Invalid.class, () -> CameraConfigFile.read(file, Map.of()));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
