package org.ezshop.pi.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ezshop.edgelink.AgentTls;
import org.ezshop.edgelink.YamlConfig.Fields;
import org.ezshop.edgelink.YamlConfig.Invalid;
import org.ezshop.edgelink.YamlConfig;
import org.ezshop.rpc.Tls;

/** Reads and checks a shelf agent's YAML config (see pi-edge/shelf.example.yaml); problems name line and field. */
public final class ConfigFile {

  private static final Map<ShelfConfig.Kind, List<String>> PINS = Map.of(
      ShelfConfig.Kind.ULTRASONIC, List.of("trigger", "echo"),
      ShelfConfig.Kind.LIGHT, List.of("signal"),
      ShelfConfig.Kind.LIGHT_RC, List.of("charge", "sense"),
      ShelfConfig.Kind.HX711, List.of("data", "clock"));
  private static final int MAX_GPIO = 27; // BCM GPIO on the 40-pin header

  private ConfigFile() {
  }

  /** Reads the file; {@code env} resolves values written as ${NAME}. */
  public static ShelfConfig read(Path file, Map<String, String> env) throws Invalid {
    return shelf(YamlConfig.read(file, env, "device_id, token, gateway, sensors"), file.toAbsolutePath().getParent());
  }

  private static ShelfConfig shelf(Fields top, Path base) throws Invalid {
    Set<String> keys = new HashSet<>(Set.of("device_id", "token", "gateway", "outbox", "batch", "sensors"));
    keys.addAll(AgentTls.KEYS);
    top.only(keys);
    String deviceId = top.text("device_id", null);
    String token = top.token("token");
    List<String> gateways = top.hostPorts("gateway");
    Tls tls = AgentTls.read(top, base);
    Fields outbox = top.mapping("outbox");
    outbox.only(Set.of("dir", "max_mb", "sync_every"));
    Fields batch = top.mapping("batch");
    batch.only(Set.of("max_readings", "max_wait_ms"));
    List<ShelfConfig.Sensor> sensors = sensors(top);
    return new ShelfConfig(deviceId, token, gateways, tls,
        new ShelfConfig.Outbox(Path.of(outbox.text("dir", "/var/lib/ezshop/outbox")),
            outbox.integer("max_mb", 64, 1, 1 << 16) * 1024L * 1024L, outbox.integer("sync_every", 10, 1, 10_000)),
        new ShelfConfig.Batch(batch.integer("max_readings", 50, 1, 10_000),
            Duration.ofMillis(batch.integer("max_wait_ms", 50, 1, 60_000))),
        sensors);
  }

  private static List<ShelfConfig.Sensor> sensors(Fields top) throws Invalid {
    List<Fields> entries = top.sequence("sensors");
    if (entries.isEmpty()) {
      throw top.invalid("sensors", "at least one sensor");
    }
    List<ShelfConfig.Sensor> sensors = new ArrayList<>();
    Map<String, Integer> ids = new HashMap<>();
    Map<Integer, String> pinOwners = new HashMap<>();
    for (Fields s : entries) {
      String id = s.text("id", null);
      if (ids.containsKey(id)) {
        throw s.invalid("id", "'" + id + "' is used already on line " + ids.get(id));
      }
      ids.put(id, s.line("id"));
      String kindName = s.text("type", null);
      ShelfConfig.Kind kind;
      try {
        kind = ShelfConfig.Kind.valueOf(kindName.toUpperCase());
      } catch (IllegalArgumentException e) {
        throw s.invalid("type", "'" + kindName + "' is not one of ultrasonic, light, light_rc, hx711");
      }
      List<String> roles = PINS.get(kind);
      Set<String> allowed = new HashSet<>(Set.of("id", "row", "type", "rate_hz", "pings", "timeout_ms"));
      if (kind == ShelfConfig.Kind.HX711) {
        allowed.addAll(Set.of("gain", "tare", "counts_per_gram"));
      }
      if (kind == ShelfConfig.Kind.LIGHT_RC) {
        allowed.add("dark_above_us");
      }
      roles.forEach(role -> allowed.add(role + "_pin"));
      s.only(allowed);
      Map<String, Integer> pins = new LinkedHashMap<>();
      for (String role : roles) {
        int pin = s.integer(role + "_pin", null, 0, Integer.MAX_VALUE);
        if (pin > MAX_GPIO) {
          throw s.invalid(role + "_pin", pin + " is not a GPIO pin (0-" + MAX_GPIO + ")");
        }
        String owner = pinOwners.putIfAbsent(pin, id + "." + role + "_pin");
        if (owner != null) {
          throw s.invalid(role + "_pin", "GPIO " + pin + " is taken by " + owner);
        }
        pins.put(role, pin);
      }
      int gain = s.integer("gain", 128, 32, 128);
      if (kind == ShelfConfig.Kind.HX711 && gain != 128 && gain != 64 && gain != 32) {
        throw s.invalid("gain", "must be 128, 64 or 32");
      }
      double tare = kind == ShelfConfig.Kind.HX711 ? s.decimal("tare") : 0;
      double countsPerGram = kind == ShelfConfig.Kind.HX711 ? s.decimal("counts_per_gram") : 1;
      if (countsPerGram == 0) {
        throw s.invalid("counts_per_gram", "must not be 0");
      }
      sensors.add(new ShelfConfig.Sensor(id, s.text("row", null), kind, pins, s.integer("rate_hz", 20, 1, 1000),
          s.integer("pings", 5, 1, 15), Duration.ofMillis(s.integer("timeout_ms", 30, 1, 1000)), gain, tare,
          countsPerGram, Duration.ofNanos(1000L * (kind == ShelfConfig.Kind.LIGHT_RC
              ? s.integer("dark_above_us", null, 1, 1_000_000) : 0))));
    }
    return sensors;
  }
}
