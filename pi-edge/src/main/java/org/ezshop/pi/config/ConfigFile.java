package org.ezshop.pi.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads and checks a shelf agent's YAML config. Every problem names its line, so that a bad file fails at
 * start-up with something a person can fix: "shelf.yaml:14: sensors[1].echo_pin: 40 is not a GPIO pin (0-27)".
 */
public final class ConfigFile {

  /** A config problem, with the line it is on. */
  public static final class Invalid extends Exception {
    public Invalid(String message) {
      super(message, null, false, false);
    }
  }

  private static final Map<ShelfConfig.Kind, List<String>> PINS = Map.of(
      ShelfConfig.Kind.ULTRASONIC, List.of("trigger", "echo"),
      ShelfConfig.Kind.LIGHT, List.of("signal"),
      ShelfConfig.Kind.LIGHT_RC, List.of("charge", "sense"),
      ShelfConfig.Kind.HX711, List.of("data", "clock"));
  private static final int MAX_GPIO = 27; // BCM GPIO on the 40-pin header

  private final String name;

  private ConfigFile(String name) {
    this.name = name;
  }

  /** Reads the file; {@code env} resolves values written as ${NAME}. */
  public static ShelfConfig read(Path file, Map<String, String> env) throws Invalid {
    ConfigFile config = new ConfigFile(file.getFileName().toString());
    Node root;
    try (Reader reader = Files.newBufferedReader(file)) {
      root = new Yaml(new LoaderOptions()).compose(reader);
    } catch (IOException e) {
      throw new Invalid(file + ": " + e.getMessage());
    } catch (YAMLException e) {
      throw new Invalid(file.getFileName() + ": not valid YAML: " + e.getMessage());
    }
    if (!(root instanceof MappingNode)) {
      throw new Invalid(file.getFileName() + ": expected keys such as device_id, token, gateway, sensors");
    }
    return config.shelf(config.new Fields((MappingNode) root, "", env));
  }

  private ShelfConfig shelf(Fields top) throws Invalid {
    top.only(Set.of("device_id", "token", "gateway", "tls_ca", "outbox", "batch", "sensors"));
    String deviceId = top.text("device_id", null);
    String token = top.text("token", null);
    if (token.length() < 16) {
      throw top.invalid("token", "must be at least 16 characters");
    }
    String gateway = top.text("gateway", null);
    if (!gateway.matches(".+:\\d{1,5}")) {
      throw top.invalid("gateway", "must be host:port, not '" + gateway + "'");
    }
    Optional<Path> tls = top.has("tls_ca") ? Optional.of(Path.of(top.text("tls_ca", null))) : Optional.empty();
    Fields outbox = top.mapping("outbox");
    outbox.only(Set.of("dir", "max_mb", "sync_every"));
    Fields batch = top.mapping("batch");
    batch.only(Set.of("max_readings", "max_wait_ms"));
    List<ShelfConfig.Sensor> sensors = sensors(top);
    return new ShelfConfig(deviceId, token, gateway, tls,
        new ShelfConfig.Outbox(Path.of(outbox.text("dir", "/var/lib/ezshop/outbox")),
            outbox.integer("max_mb", 64, 1, 1 << 16) * 1024L * 1024L, outbox.integer("sync_every", 10, 1, 10_000)),
        new ShelfConfig.Batch(batch.integer("max_readings", 50, 1, 10_000),
            Duration.ofMillis(batch.integer("max_wait_ms", 50, 1, 60_000))),
        sensors);
  }

  private List<ShelfConfig.Sensor> sensors(Fields top) throws Invalid {
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

  /** The keys of one YAML mapping, with the path and lines for messages. */
  private final class Fields {
    private final MappingNode node;
    private final String path;
    private final Map<String, String> env;
    private final Map<String, NodeTuple> tuples = new LinkedHashMap<>();

    Fields(MappingNode node, String path, Map<String, String> env) {
      this.node = node;
      this.path = path;
      this.env = env;
      for (NodeTuple tuple : node.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode) {
          tuples.put(((ScalarNode) tuple.getKeyNode()).getValue(), tuple);
        }
      }
    }

    int line(String key) {
      NodeTuple tuple = tuples.get(key);
      return (tuple == null ? node : tuple.getKeyNode()).getStartMark().getLine() + 1;
    }

    Invalid invalid(String key, String problem) {
      return new Invalid(name + ":" + line(key) + ": " + path + key + ": " + problem);
    }

    boolean has(String key) {
      return tuples.containsKey(key);
    }

    void only(Set<String> known) throws Invalid {
      for (String key : tuples.keySet()) {
        if (!known.contains(key)) {
          throw invalid(key, "unknown setting (known: " + String.join(", ", new TreeSet<>(known)) + ")");
        }
      }
    }

    String text(String key, String fallback) throws Invalid {
      NodeTuple tuple = tuples.get(key);
      if (tuple == null) {
        if (fallback == null) {
          throw new Invalid(name + ":" + line(key) + ": " + path + key + ": required");
        }
        return fallback;
      }
      if (!(tuple.getValueNode() instanceof ScalarNode)) {
        throw invalid(key, "must be a single value");
      }
      String value = ((ScalarNode) tuple.getValueNode()).getValue().trim();
      if (value.startsWith("${") && value.endsWith("}")) {
        String variable = value.substring(2, value.length() - 1);
        value = env.get(variable);
        if (value == null) {
          throw invalid(key, "environment variable " + variable + " is not set");
        }
      }
      if (value.isEmpty()) {
        throw invalid(key, "must not be empty");
      }
      return value;
    }

    int integer(String key, Integer fallback, int min, int max) throws Invalid {
      if (!has(key) && fallback != null) {
        return fallback;
      }
      String text = text(key, null);
      try {
        int value = Integer.parseInt(text);
        if (value < min || value > max) {
          throw invalid(key, value + " is outside " + min + "-" + max);
        }
        return value;
      } catch (NumberFormatException e) {
        throw invalid(key, "'" + text + "' is not a whole number");
      }
    }

    double decimal(String key) throws Invalid {
      String text = text(key, null);
      try {
        double value = Double.parseDouble(text);
        if (!Double.isFinite(value)) {
          throw new NumberFormatException();
        }
        return value;
      } catch (NumberFormatException e) {
        throw invalid(key, "'" + text + "' is not a number");
      }
    }

    Fields mapping(String key) throws Invalid {
      NodeTuple tuple = tuples.get(key);
      if (tuple == null) {
        return new Fields(new MappingNode(node.getTag(), List.of(), node.getFlowStyle()), path + key + ".", env);
      }
      if (!(tuple.getValueNode() instanceof MappingNode)) {
        throw invalid(key, "must be a group of settings");
      }
      return new Fields((MappingNode) tuple.getValueNode(), path + key + ".", env);
    }

    List<Fields> sequence(String key) throws Invalid {
      NodeTuple tuple = tuples.get(key);
      if (tuple == null) {
        throw new Invalid(name + ":" + line(key) + ": " + path + key + ": required");
      }
      if (!(tuple.getValueNode() instanceof SequenceNode)) {
        throw invalid(key, "must be a list");
      }
      List<Fields> items = new ArrayList<>();
      List<Node> values = ((SequenceNode) tuple.getValueNode()).getValue();
      for (int i = 0; i < values.size(); i++) {
        if (!(values.get(i) instanceof MappingNode)) {
          throw new Invalid(name + ":" + (values.get(i).getStartMark().getLine() + 1) + ": " + path + key + "[" + i
              + "]: must be a group of settings");
        }
        items.add(new Fields((MappingNode) values.get(i), path + key + "[" + i + "].", env));
      }
      return items;
    }
  }
}
