package org.ezshop.pi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `pi-edge --config` with a bad file: the process stops at once, naming the line. */
class PiEdgeStartupTest {

  @Test
  void aBadConfigStopsTheAgentNamingTheLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("shelf.yaml");
    Files.writeString(file, Files.readString(Path.of("shelf.example.yaml")).replace("echo_pin: 24", "echo_pin: 99"));
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), PiEdge.class.getName(), "--config", file.toString())
        .redirectErrorStream(true);
    builder.environment().put("EZSHOP_DEVICE_TOKEN", "a-device-token-0123456789");
    Process process = builder.start();
    process.getOutputStream().close();
    assertTrue(process.waitFor(20, TimeUnit.SECONDS));
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(2, process.exitValue(), output);
    assertTrue(output.contains("shelf.yaml:21: sensors[0].echo_pin: 99 is not a GPIO pin"), output);
  }
}
