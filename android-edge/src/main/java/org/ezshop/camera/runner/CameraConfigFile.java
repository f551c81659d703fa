package org.ezshop.camera.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.ezshop.camera.core.CapturedFrame;
import org.ezshop.edgelink.AgentTls;
import org.ezshop.edgelink.YamlConfig.Fields;
import org.ezshop.edgelink.YamlConfig.Invalid;
import org.ezshop.edgelink.YamlConfig;
import org.ezshop.rpc.Tls;

/** Reads and checks camera.yaml; every problem names its line and field. Relative paths are from the file. */
public final class CameraConfigFile {

  private CameraConfigFile() {
  }

  public static CameraConfig read(Path file, Map<String, String> env) throws Invalid {
    Fields top = YamlConfig.read(file, env, "device_id, token, gateway, role, source");
    Set<String> keys = new HashSet<>(Set.of("device_id", "token", "gateway", "camera_id", "role", "rows", "door",
        "shelf", "buffer", "source", "speaker"));
    keys.addAll(AgentTls.KEYS);
    top.only(keys);
    Path base = file.toAbsolutePath().getParent();
    Tls tls = AgentTls.read(top, base);
    String deviceId = top.text("device_id", null);
    String token = top.token("token");
    List<String> gateways = top.hostPorts("gateway");
    CameraConfig.Role role = choice(top, "role", CameraConfig.Role.class, null);
    List<String> rows = top.texts("rows");
    if (role == CameraConfig.Role.SHELF && rows.isEmpty()) {
      throw top.invalid("rows", "a shelf camera needs the rows it covers, e.g. [A1, A2]");
    }
    if (role != CameraConfig.Role.SHELF && !rows.isEmpty()) {
      throw top.invalid("rows", "only a shelf camera covers rows");
    }
    Fields door = top.mapping("door");
    door.only(Set.of("cooldown_ms", "min_face_width"));
    Fields shelf = top.mapping("shelf");
    shelf.only(Set.of("period_ms", "ring_seconds"));
    Fields buffer = top.mapping("buffer");
    buffer.only(Set.of("frames", "max_mb"));
    Fields source = top.mapping("source");
    source.only(Set.of("dir", "frames", "fps", "loop", "watch"));
    double fps = source.has("fps") ? source.decimal("fps") : 5;
    boolean watch = bool(source, "watch");
    if (fps <= 0 || fps > 60) {
      throw source.invalid("fps", fps + " is outside (0, 60]");
    }
    return new CameraConfig(deviceId, token, gateways, tls, top.text("camera_id", deviceId), role, rows,
        door.integer("cooldown_ms", 10_000, 0, 3_600_000), door.integer("min_face_width", 200, 1, 10_000),
        shelf.integer("period_ms", 1000, 10, 3_600_000), shelf.integer("ring_seconds", 10, 0, 600) * 1000L,
        buffer.integer("frames", 50, 1, 100_000),
        buffer.integer("max_mb", 16, 1, 4096) * 1024L * 1024L, watch ? List.of() : shots(source, base),
        watch ? scene(source, base) : null, fps, bool(source, "loop"),
        choice(top, "speaker", CameraConfig.SpeakerKind.class, CameraConfig.SpeakerKind.AUTO));
  }

  // A scene folder may start empty (nobody there), and is made if it is missing.
  private static Path scene(Fields source, Path base) throws Invalid {
    if (!source.has("dir") || source.has("frames") || source.has("loop")) {
      throw source.invalid("watch", "a watched source is a dir alone: the photos in it now are what the camera sees");
    }
    Path dir = base.resolve(source.text("dir", null));
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw source.invalid("dir", "cannot make " + dir + " (" + e + ")");
    }
  }

  private static List<CameraConfig.Shot> shots(Fields source, Path base) throws Invalid {
    if (source.has("dir") == source.has("frames")) {
      throw source.invalid("dir", "give either dir (a folder of .jpg/.png, replayed by name) or frames (a list)");
    }
    List<CameraConfig.Shot> shots = new ArrayList<>();
    if (source.has("dir")) {
      Path dir = base.resolve(source.text("dir", null));
      try (Stream<Path> files = Files.list(dir)) {
        for (Path image : files.filter(CameraConfigFile::isImage).sorted().collect(Collectors.toList())) {
          shots.add(new CameraConfig.Shot(image, List.of()));
        }
      } catch (IOException e) {
        throw source.invalid("dir", "cannot read " + dir + " (" + e.getMessage() + ")");
      }
      if (shots.isEmpty()) {
        throw source.invalid("dir", dir + " holds no .jpg or .png");
      }
      return shots;
    }
    for (Fields frame : source.sequence("frames")) {
      frame.only(Set.of("image", "faces"));
      Path image = base.resolve(frame.text("image", null));
      if (!Files.isRegularFile(image) || !isImage(image)) {
        throw frame.invalid("image", image + " is not a .jpg or .png file");
      }
      List<CapturedFrame.FaceBox> faces = new ArrayList<>();
      if (frame.has("faces")) {
        for (Fields face : frame.sequence("faces")) {
          face.only(Set.of("x", "y", "width", "height", "track"));
          float width = (float) face.decimal("width");
          float height = (float) face.decimal("height");
          if (width <= 0 || height <= 0) {
            throw face.invalid("width", "a face box needs a positive width and height");
          }
          faces.add(new CapturedFrame.FaceBox((float) face.decimal("x"), (float) face.decimal("y"), width, height,
              face.integer("track", 0, 0, Integer.MAX_VALUE)));
        }
      }
      shots.add(new CameraConfig.Shot(image, faces));
    }
    if (shots.isEmpty()) {
      throw source.invalid("frames", "at least one frame");
    }
    return shots;
  }

  static boolean isImage(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png");
  }

  private static boolean bool(Fields fields, String key) throws Invalid {
    String value = fields.text(key, "false");
    if (!value.equals("true") && !value.equals("false")) {
      throw fields.invalid(key, "must be true or false, not '" + value + "'");
    }
    return Boolean.parseBoolean(value);
  }

  private static <E extends Enum<E>> E choice(Fields fields, String key, Class<E> type, E fallback) throws Invalid {
    String value = fields.text(key, fallback == null ? null : fallback.name().toLowerCase(Locale.ROOT));
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E option : type.getEnumConstants()) {
        names.add(option.name().toLowerCase(Locale.ROOT));
      }
      throw fields.invalid(key, "'" + value + "' is not one of " + String.join(", ", names));
    }
  }
}
