package org.ezshop.edgelink;

import java.security.SecureRandom;
import java.util.Base64;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.common.v1.SensorType;

/**
 * Writes an edge agent's config (the YAML {@link YamlConfig} reads): the lines every agent's file starts with. The
 * file holds the device's token, so it is for its owner's eyes only.
 */
public final class AgentYaml {

  private static final SecureRandom RANDOM = new SecureRandom();

  private AgentYaml() {
  }

  /**
   * @param agent  "pi-edge" or "android-edge", for the comment saying how to run it
   * @param caFile the CA file the agent trusts, beside the config; null for a plaintext gateway
   */
  public static String header(String agent, String deviceId, String token, String gateway, String caFile) {
    StringBuilder yaml = new StringBuilder("# " + agent + " --config " + deviceId + ".yaml: it holds the device's "
        + "token, so keep it private\n");
    yaml.append("device_id: ").append(quoted(deviceId)).append('\n');
    yaml.append("token: ").append(quoted(token)).append('\n');
    yaml.append("gateway: ").append(quoted(gateway)).append('\n');
    if (caFile != null) {
      yaml.append("tls_ca: ").append(quoted(caFile)).append('\n');
    }
    return yaml.toString();
  }

  /** A camera's lines after the header: its role (entrance, exit, shelf) and, for a shelf camera, its rows. */
  public static String camera(String role, java.util.List<String> rows) {
    StringBuilder yaml = new StringBuilder("role: " + role + "\n");
    if (!rows.isEmpty()) {
      yaml.append("rows: [");
      for (int i = 0; i < rows.size(); i++) {
        yaml.append(i > 0 ? ", " : "").append(quoted(rows.get(i)));
      }
      yaml.append("]\n");
    }
    return yaml.toString();
  }

  /**
   * The desktop camera runner's source: a scene folder beside the config, named after the device, whose photos are
   * what the camera sees (a phone films instead).
   */
  public static String scene(String deviceId) {
    return "source:        # the desktop runner shows the photos in this folder: drop one in, someone is there\n"
        + "  dir: " + quoted(deviceId + "-scene") + "\n  watch: true\n";
  }

  /** A fresh device token: 24 random bytes, 32 URL-safe characters. */
  public static String newToken() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A sensor type as a shelf agent's config names it (a light sensor may also be wired as light_rc). */
  public static String sensorKind(SensorType type) {
    switch (type) {
      case SENSOR_TYPE_ULTRASONIC:
        return "ultrasonic";
      case SENSOR_TYPE_LIGHT:
        return "light";
      case SENSOR_TYPE_WEIGHT:
        return "hx711";
      default:
        throw new IllegalArgumentException("no agent sensor kind for " + type);
    }
  }

  /** A camera role as a camera agent's config names it. */
  public static String role(CameraRole role) {
    switch (role) {
      case CAMERA_ROLE_ENTRANCE:
        return "entrance";
      case CAMERA_ROLE_EXIT:
        return "exit";
      case CAMERA_ROLE_SHELF:
        return "shelf";
      default:
        throw new IllegalArgumentException("no agent camera role for " + role);
    }
  }

  /** A YAML double-quoted scalar. */
  public static String quoted(String text) {
    StringBuilder q = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        q.append('\\').append(c);
      } else if (c < 0x20) {
        q.append(String.format("\\x%02x", (int) c));
      } else {
        q.append(c);
      }
    }
    return q.append('"').toString();
  }
}
