package org.ezshop.pi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.ezshop.edgelink.YamlConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

  private static final Map<String, String> ENV = Map.of("EZSHOP_DEVICE_TOKEN", "a-device-token-0123456789");

  @Test
  void theShippedExampleIsValid() throws Exception {
    ShelfConfig config = ConfigFile.read(Path.of("shelf.example.yaml"), ENV);
    assertEquals("shelf-pi-1", config.deviceId());
    assertEquals("a-device-token-0123456789", config.token());
    assertEquals(4, config.sensors().size());
    ShelfConfig.Sensor us = config.sensors().get(0);
    assertEquals(ShelfConfig.Kind.ULTRASONIC, us.kind());
    assertEquals(Map.of("trigger", 23, "echo", 24), us.pins());
    assertEquals(Duration.ofMillis(30), us.timeout());
    assertEquals(64L << 20, config.outbox().maxBytes());
    assertEquals(Duration.ofMillis(50), config.batch().maxWait());
  }

  @Test
  void severalGatewaysAreTriedInTheOrderGiven(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("shelf.yaml");
    Files.writeString(file, example().replace("gateway: 192.168.1.10:7000",
        "gateway: 192.168.1.10:7000, 192.168.1.11:7000"));
    assertEquals(List.of("192.168.1.10:7000", "192.168.1.11:7000"), ConfigFile.read(file, ENV).gateways());
    assertProblem(dir, example().replace("gateway: 192.168.1.10:7000", "gateway: 192.168.1.10:7000, backup"),
        "gateway: must be host:port, or several separated by commas, not 'backup'");
  }

  @Test
  void anUnknownPinIsNamedWithItsLine(@TempDir Path dir) {
    assertProblem(dir, example().replace("echo_pin: 24", "echo_pin: 40"), "shelf.yaml:21: sensors[0].echo_pin: 40 is not a GPIO pin");
  }

  @Test
  void aDuplicateSensorIdIsNamedWithBothLines(@TempDir Path dir) {
    assertProblem(dir, example().replace("id: aisle1-row2-light", "id: aisle1-row1-us"),
        "shelf.yaml:25: sensors[1].id: 'aisle1-row1-us' is used already on line 17");
  }

  @Test
  void aMissingTokenIsNamed(@TempDir Path dir) {
    assertProblem(dir, example().replace("token: ${EZSHOP_DEVICE_TOKEN}", "# no token"), "token: required");
    assertProblem(dir, example(), Map.of(), "shelf.yaml:3: token: environment variable EZSHOP_DEVICE_TOKEN is not set");
  }

  @Test
  void otherMistakesAreNamedToo(@TempDir Path dir) {
    assertProblem(dir, example().replace("trigger_pin: 23", "trigger_pin: 17"),
        "sensors[1].signal_pin: GPIO 17 is taken by aisle1-row1-us.trigger_pin");
    assertProblem(dir, example().replace("type: hx711", "type: sonar"), "sensors[3].type: 'sonar' is not one of");
    assertProblem(dir, example().replace("    gain: 128", "    gian: 128"), "shelf.yaml:41: sensors[3].gian: unknown setting");
    assertProblem(dir, example().replace("max_wait_ms: 50", "max_wait_ms: soon"), "batch.max_wait_ms: 'soon' is not a whole number");
    assertProblem(dir, "sensors: [", "not valid YAML");
  }

  private static String example() {
    try {
      return Files.readString(Path.of("shelf.example.yaml"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertProblem(Path dir, String yaml, String expected) {
    assertProblem(dir, yaml, ENV, expected);
  }

  private static void assertProblem(Path dir, String yaml, Map<String, String> env, String expected) {
    Path file = dir.resolve("shelf.yaml");
    YamlConfig.Invalid e = assertThrows(YamlConfig.Invalid.class, () -> {
      Files.writeString(file, yaml);
      ConfigFile.read(file, env);
    });
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
