package org.ezshop.dist.setup;

import static org.ezshop.edgelink.AgentYaml.quoted;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.edgelink.AgentYaml;
import org.ezshop.store.v1.ShelfRow;

/**
 * Ready-to-run agent configs, one per device registered: pi-edge's for a shelf device, android-edge's for a
 * camera, each with its token (so readable by its owner only), the gateway's address and, with TLS, the CA.
 */
public final class AgentConfigs {

  private final Path dir;
  private final String gateway;
  private final Optional<Path> ca;

  /** @param ca the CA that signed the gateway's certificate, copied beside the configs; empty for --tls off */
  public AgentConfigs(Path dir, String gateway, Optional<Path> ca) {
    this.dir = dir;
    this.gateway = gateway;
    this.ca = ca;
  }

  /** Writes {@code DEVICE.yaml}; returns its path. */
  Path write(StoreFile.Device device, String token, StoreFile store) throws IOException {
    Files.createDirectories(dir);
    boolean shelf = device.kind() == DeviceKind.DEVICE_KIND_SHELF;
    if (ca.isPresent()) {
      Files.copy(ca.get(), dir.resolve("ca.pem"), StandardCopyOption.REPLACE_EXISTING);
    }
    StringBuilder yaml = new StringBuilder(AgentYaml.header(shelf ? "pi-edge" : "android-edge", device.id(), token,
        gateway, ca.isPresent() ? "ca.pem" : null));
    if (shelf) {
      shelfAgent(yaml, device, store);
    } else {
      camera(yaml, device, store);
    }
    Path file = dir.resolve(device.id() + ".yaml");
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, yaml);
    return file;
  }

  private void shelfAgent(StringBuilder yaml, StoreFile.Device device, StoreFile store) {
    yaml.append("outbox:\n  dir: ").append(quoted(dir.toAbsolutePath().resolve(device.id() + "-outbox").toString()))
        .append("\nsensors:\n");
    for (StoreFile.AgentSensor s : store.sensors()) {
      if (s.deviceId().equals(device.id())) {
        yaml.append("  - id: ").append(quoted(s.id())).append("\n    row: ").append(quoted(s.rowId()))
            .append("\n    type: ").append(s.kind()).append('\n');
        s.wiring().forEach((key, value) -> yaml.append("    ").append(key).append(": ")
            .append(value.matches("-?[0-9]+(\\.[0-9]+)?") ? value : quoted(value)).append('\n'));
      }
    }
  }

  private static void camera(StringBuilder yaml, StoreFile.Device device, StoreFile store) {
    yaml.append(AgentYaml.camera(AgentYaml.role(device.role()), store.rows().stream().filter(r -> r.getCameraIdsList().contains(device.id()))
        .map(ShelfRow::getRowId).toList()));
    if (device.sourceDir().isPresent()) {
      yaml.append("source:\n  dir: ").append(quoted(device.sourceDir().get())).append('\n');
    } else {
      yaml.append(AgentYaml.scene(device.id()));
    }
  }

}
