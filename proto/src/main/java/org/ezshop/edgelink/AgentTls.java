package org.ezshop.edgelink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.ezshop.edgelink.YamlConfig.Fields;
import org.ezshop.edgelink.YamlConfig.Invalid;
import org.ezshop.rpc.Tls;

/**
 * An agent's TLS to the gateway, from its YAML: {@code tls_ca} (the CA `ezshop` printed at start), and for a
 * gateway that asks devices for certificates, {@code tls_cert} and {@code tls_key} (`ezshop device-cert`). Paths
 * are from the config file's directory.
 */
public final class AgentTls {

  public static final java.util.Set<String> KEYS = java.util.Set.of("tls_ca", "tls_cert", "tls_key");

  private AgentTls() {
  }

  public static Tls read(Fields top, Path base) throws Invalid {
    Optional<Path> ca = file(top, "tls_ca", base);
    Optional<Path> cert = file(top, "tls_cert", base);
    Optional<Path> key = file(top, "tls_key", base);
    if (cert.isPresent() != key.isPresent()) {
      throw top.invalid(cert.isPresent() ? "tls_key" : "tls_cert", "tls_cert and tls_key go together");
    }
    if (cert.isPresent() && ca.isEmpty()) {
      throw top.invalid("tls_ca", "a client certificate is for TLS: give the gateway's CA too");
    }
    return new Tls(cert, key, ca);
  }

  private static Optional<Path> file(Fields top, String key, Path base) throws Invalid {
    if (!top.has(key)) {
      return Optional.empty();
    }
    Path file = base.resolve(top.text(key, null));
    if (!Files.isReadable(file)) {
      throw top.invalid(key, "cannot read " + file);
    }
    return Optional.of(file);
  }
}
