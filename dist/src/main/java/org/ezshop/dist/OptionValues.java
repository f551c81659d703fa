package org.ezshop.dist;

import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.ezshop.load.sim.SimSettings;

/**
 * Every option's value, each taken from the first of: a flag, an EZSHOP_* variable, the --config file, the default;
 * read back as the type it must be, with errors naming the flag and its variable.
 */
final class OptionValues {

  private final Map<Option, String> values;
  private final Set<Option> given;
  /** True when no manager token was configured and a random one is in use (the launcher prints it). */
  final boolean managerTokenGenerated;

  private OptionValues(Map<Option, String> values, Set<Option> given, boolean managerTokenGenerated) {
    this.values = values;
    this.given = given;
    this.managerTokenGenerated = managerTokenGenerated;
  }

  /**
   * @param defaults a command's own defaults, in place of the options'
   * @throws IllegalArgumentException naming the bad variable, file key or profile
   */
  static OptionValues resolve(Map<Option, String> flags, Map<String, String> env, Map<Option, String> defaults) {
    Map<Option, String> values = new EnumMap<>(Option.class);
    Set<Option> given = EnumSet.noneOf(Option.class);
    String configFile = flags.getOrDefault(Option.CONFIG, env.getOrDefault(Option.CONFIG.env(), ""));
    Properties file = configFile.isEmpty() ? new Properties() : load(Path.of(configFile));
    for (String key : file.stringPropertyNames()) {
      Option.byFlag(key); // an unknown key is an error, not a silent no-op
    }
    for (Option option : Option.values()) {
      String value = flags.get(option);
      if (value == null) {
        value = env.get(option.env());
      }
      if (value == null) {
        value = file.getProperty(option.flag);
      }
      if (value == null) {
        value = defaults.getOrDefault(option, option.defaultValue);
      } else {
        given.add(option);
      }
      values.put(option, value.trim());
    }
    Map<String, String> profile = SimSettings.PROFILES.get(values.get(Option.SIM_PROFILE));
    if (profile == null) {
      throw new IllegalArgumentException("--sim-profile must be one of " + SimSettings.PROFILES.keySet() + ", not '"
          + values.get(Option.SIM_PROFILE) + "'");
    }
    profile.forEach((flag, value) -> values.computeIfPresent(Option.byFlag(flag), (o, v) -> v.isEmpty() ? value : v));
    if (values.get(Option.PUSH_CREDENTIALS).isEmpty()) { // the variable Google's own tools read
      values.put(Option.PUSH_CREDENTIALS, env.getOrDefault("GOOGLE_APPLICATION_CREDENTIALS", "").trim());
    }
    // Secrets left unset get random values: safe defaults for one process, printed where the user needs them.
    boolean generated = values.get(Option.MANAGER_TOKEN).isEmpty();
    if (generated) {
      values.put(Option.MANAGER_TOKEN, random());
    }
    if (values.get(Option.SESSION_SECRET).isEmpty()) {
      values.put(Option.SESSION_SECRET, random());
    }
    return new OptionValues(values, given, generated);
  }

  /** The same values with some replaced, as if given. */
  OptionValues with(Map<Option, String> replaced) {
    Map<Option, String> copy = new EnumMap<>(values);
    copy.putAll(replaced);
    Set<Option> alsoGiven = EnumSet.copyOf(given);
    alsoGiven.addAll(replaced.keySet());
    return new OptionValues(copy, alsoGiven, managerTokenGenerated);
  }

  String text(Option option) {
    return values.get(option);
  }

  boolean given(Option option) {
    return given.contains(option);
  }

  Optional<String> optional(Option option) {
    return text(option).isEmpty() ? Optional.empty() : Optional.of(text(option));
  }

  Optional<Path> path(Option option) {
    return optional(option).map(Path::of);
  }

  int port(Option option) {
    int port = integer(option);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--" + option.flag + " must be a port from 0 to 65535, not " + port);
    }
    return port;
  }

  int positive(Option option) {
    int value = integer(option);
    if (value <= 0) {
      throw new IllegalArgumentException("--" + option.flag + " must be positive, not " + value);
    }
    return value;
  }

  int integer(Option option) {
    try {
      return Integer.parseInt(text(option));
    } catch (NumberFormatException e) {
      throw wrong(option, "a whole number");
    }
  }

  long longNumber(Option option) {
    try {
      return Long.parseLong(text(option));
    } catch (NumberFormatException e) {
      throw wrong(option, "a whole number");
    }
  }

  float number(Option option) {
    try {
      return Float.parseFloat(text(option));
    } catch (NumberFormatException e) {
      throw wrong(option, "a number");
    }
  }

  boolean bool(Option option) {
    if (!text(option).equals("true") && !text(option).equals("false")) {
      throw wrong(option, "true or false");
    }
    return Boolean.parseBoolean(text(option));
  }

  /** host:port[,host:port...]: a service's replicas; none given, 127.0.0.1 at {@code localPort}. */
  List<SocketAddress> targets(Option option, int localPort) {
    if (text(option).isEmpty()) {
      return List.of(SocketAddress.inetSocketAddress(localPort, "127.0.0.1"));
    }
    List<SocketAddress> all = new ArrayList<>();
    for (String one : text(option).split(",")) {
      all.add(hostPort(option, one.strip()));
    }
    return List.copyOf(all);
  }

  SocketAddress hostPort(Option option) {
    return hostPort(option, text(option));
  }

  private static SocketAddress hostPort(Option option, String value) {
    int colon = value.lastIndexOf(':');
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (colon <= 0 || port <= 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return SocketAddress.inetSocketAddress(port, value.substring(0, colon));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + option.flag + " must be host:port, not '" + value + "'");
    }
  }

  private IllegalArgumentException wrong(Option option, String what) {
    return new IllegalArgumentException("--" + option.flag + " (" + option.env() + ") must be " + what + ", not '"
        + text(option) + "'");
  }

  private static String random() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static Properties load(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read --config " + file + ": " + e.getMessage());
    }
    return properties;
  }
}
