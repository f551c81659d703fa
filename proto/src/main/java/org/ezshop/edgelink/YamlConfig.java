package org.ezshop.edgelink;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * An edge agent's YAML config file, read so that every problem names its line and field: a bad file fails at
 * start-up with something a person can fix ("shelf.yaml:14: sensors[1].echo_pin: 40 is not a GPIO pin (0-27)").
 * Values written as ${NAME} come from the environment.
 */
public final class YamlConfig {

  private YamlConfig() {
  }

  /** A config problem, with the line it is on. */
  public static final class Invalid extends Exception {
    public Invalid(String message) {
      super(message, null, false, false);
    }
  }

  /** The file's top-level keys; {@code expected} says what belongs there when the file is not a mapping. */
  public static Fields read(Path file, Map<String, String> env, String expected) throws Invalid {
    Node root;
    try (Reader reader = Files.newBufferedReader(file)) {
      root = new Yaml(new LoaderOptions()).compose(reader);
    } catch (IOException e) {
      throw new Invalid(file + ": " + e.getMessage());
    } catch (YAMLException e) {
      throw new Invalid(file.getFileName() + ": not valid YAML: " + e.getMessage());
    }
    if (!(root instanceof MappingNode)) {
      throw new Invalid(file.getFileName() + ": expected keys such as " + expected);
    }
    return new Fields(file.getFileName().toString(), (MappingNode) root, "", env);
  }

  /** The keys of one YAML mapping, with the path and lines for messages. */
  public static final class Fields {
    private final String name;
    private final MappingNode node;
    private final String path;
    private final Map<String, String> env;
    private final Map<String, NodeTuple> tuples = new LinkedHashMap<>();

    Fields(String name, MappingNode node, String path, Map<String, String> env) {
      this.name = name;
      this.node = node;
      this.path = path;
      this.env = env;
      for (NodeTuple tuple : node.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode) {
          tuples.put(((ScalarNode) tuple.getKeyNode()).getValue(), tuple);
        }
      }
    }

    public int line(String key) {
      NodeTuple tuple = tuples.get(key);
      return (tuple == null ? node : tuple.getKeyNode()).getStartMark().getLine() + 1;
    }

    public Invalid invalid(String key, String problem) {
      return new Invalid(name + ":" + line(key) + ": " + path + key + ": " + problem);
    }

    public boolean has(String key) {
      return tuples.containsKey(key);
    }

    /** The keys written here, in file order. */
    public Set<String> keys() {
      return java.util.Collections.unmodifiableSet(tuples.keySet());
    }

    public void only(Set<String> known) throws Invalid {
      for (String key : tuples.keySet()) {
        if (!known.contains(key)) {
          throw invalid(key, "unknown setting (known: " + String.join(", ", new TreeSet<>(known)) + ")");
        }
      }
    }

    public String text(String key, String fallback) throws Invalid {
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

    /** A device token: required, at least 16 characters. */
    public String token(String key) throws Invalid {
      String token = text(key, null);
      if (token.length() < 16) {
        throw invalid(key, "must be at least 16 characters");
      }
      return token;
    }

    /** A required host:port. */
    public String hostPort(String key) throws Invalid {
      String value = text(key, null);
      if (!value.matches(".+:\\d{1,5}")) {
        throw invalid(key, "must be host:port, not '" + value + "'");
      }
      return value;
    }

    /** One or more host:port, separated by commas: the first, then the others in turn when it is unreachable. */
    public java.util.List<String> hostPorts(String key) throws Invalid {
      java.util.List<String> all = new java.util.ArrayList<>();
      for (String part : text(key, null).split(",")) {
        if (!part.trim().matches(".+:\\d{1,5}")) {
          throw invalid(key, "must be host:port, or several separated by commas, not '" + part.trim() + "'");
        }
        all.add(part.trim());
      }
      return all;
    }

    public int integer(String key, Integer fallback, int min, int max) throws Invalid {
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

    public double decimal(String key) throws Invalid {
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

    public Fields mapping(String key) throws Invalid {
      NodeTuple tuple = tuples.get(key);
      if (tuple == null) {
        return new Fields(name, new MappingNode(node.getTag(), List.of(), node.getFlowStyle()), path + key + ".", env);
      }
      if (!(tuple.getValueNode() instanceof MappingNode)) {
        throw invalid(key, "must be a group of settings");
      }
      return new Fields(name, (MappingNode) tuple.getValueNode(), path + key + ".", env);
    }

    /** A list of single values, e.g. [A1, A2]; empty when absent. */
    public List<String> texts(String key) throws Invalid {
      NodeTuple tuple = tuples.get(key);
      List<String> values = new ArrayList<>();
      if (tuple == null) {
        return values;
      }
      if (!(tuple.getValueNode() instanceof SequenceNode)) {
        throw invalid(key, "must be a list, e.g. [a, b]");
      }
      for (Node item : ((SequenceNode) tuple.getValueNode()).getValue()) {
        if (!(item instanceof ScalarNode) || ((ScalarNode) item).getValue().isBlank()) {
          throw invalid(key, "must be a list of single values");
        }
        values.add(((ScalarNode) item).getValue().trim());
      }
      return values;
    }

    public List<Fields> sequence(String key) throws Invalid {
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
        items.add(new Fields(name, (MappingNode) values.get(i), path + key + "[" + i + "].", env));
      }
      return items;
    }
  }
}
