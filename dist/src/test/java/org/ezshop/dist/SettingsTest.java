package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ezshop.load.sim.SimSettings;
import org.ezshop.rpc.Tls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

  @Test
  void defaultsRunEverythingOnTheInMemoryStore() {
    Settings settings = Settings.parse(List.of("all", "--tls", "off"), Map.of());
    assertEquals(Command.ALL, settings.command);
    assertEquals(7001, settings.store().port());
    assertEquals(Optional.empty(), settings.store().pgUrl());
    assertEquals(7002, settings.identity().port());
    assertEquals(7000, settings.gateway(7001, 7002).port());
    assertEquals("[127.0.0.1:7001]", settings.gateway(7001, 7002).storeTargets().toString());
  }

  @Test
  void aFlagBeatsItsVariableWhichBeatsTheFileWhichBeatsTheDefault(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ezshop.properties");
    Files.writeString(file, "store-port=7101\nidentity-port=7102\ngateway-port=7100\n");
    Settings settings = Settings.parse(List.of("all", "--config", file.toString(), "--store-port=7201", "--tls=off"),
        Map.of("EZSHOP_STORE_PORT", "7301", "EZSHOP_IDENTITY_PORT", "7302",
            "EZSHOP_PG_URL", "postgresql://u:p@db:5432/ezshop"));
    assertEquals(7201, settings.store().port());
    assertEquals(7302, settings.identity().port());
    assertEquals(7100, settings.gateway(0, 0).port());
    assertEquals(Optional.of("postgresql://u:p@db:5432/ezshop"), settings.store().pgUrl());
  }

  @Test
  void badSettingsAreNamed(@TempDir Path dir) throws Exception {
    assertMessage("unknown option --stor-port", () -> Settings.parse(List.of("all", "--stor-port", "1"), Map.of()));
    assertMessage("--store-port (EZSHOP_STORE_PORT) must be a whole number, not 'x'",
        () -> Settings.parse(List.of("all"), Map.of("EZSHOP_STORE_PORT", "x")).store());
    assertMessage("--gateway-port must be a port from 0 to 65535, not 70000",
        () -> Settings.parse(List.of("all", "--gateway-port", "70000"), Map.of()).gateway(1, 2));
    assertMessage("--store-target must be host:port, not 'db'",
        () -> Settings.parse(List.of("gateway", "--store-target", "db"), Map.of()).gateway(1, 2));
    assertMessage("--host needs a value", () -> Settings.parse(List.of("all", "--host"), Map.of()));
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "store_port=1\n");
    assertMessage("unknown option --store_port", () -> Settings.parse(List.of("all", "--config", file.toString()), Map.of()));
  }

  @Test
  void aChaosProfileSetsTheStoreItRunsUnlessToldOtherwiseAndTheGatewayStateIsNamed(@TempDir Path dir) {
    Map<String, String> pg = Map.of("EZSHOP_PG_URL", "postgresql://u:p@db:5432/ezshop");
    var chaos = Settings.parse(List.of("chaos", "--chaos-profile", "long", "--sim-shoppers", "3", "--chaos-out",
        dir.toString(), "--tls", "off"), pg).chaos();
    assertEquals(3, chaos.sim().shoppers(), "a flag beats the profile");
    assertEquals(40, chaos.sim().rows());
    assertEquals(3, chaos.sim().strangers(), "the long profile runs the hard store");
    assertEquals(6, Settings.parse(List.of("chaos", "--chaos-out", dir.toString(), "--tls", "off"), pg).chaos().sim()
        .shoppers());
    assertEquals(20, Settings.parse(List.of("simulate"), pg).simulation(false).shoppers(), "only chaos");
    assertMessage("--chaos-profile must be one of", () -> Settings.parse(List.of("chaos", "--chaos-profile", "x"),
        pg));
    assertMessage("chaos runs the services on PostgreSQL: set --pg-url or EZSHOP_PG_URL",
        () -> Settings.parse(List.of("chaos", "--chaos-out", dir.toString()), Map.of()).chaos());
    assertMessage("--gateway-state pg needs --pg-url (or EZSHOP_PG_URL)",
        () -> Settings.parse(List.of("gateway", "--gateway-state", "pg"), Map.of()).gateway(1, 2));
    assertMessage("--gateway-state must be dir or pg, not 'x'",
        () -> Settings.parse(List.of("gateway", "--gateway-state", "x"), Map.of()).gateway(1, 2));
  }

  @Test
  void theDemoKeepsTheTerminalForTheStoryUnlessVerbose() {
    assertTrue(Settings.parse(List.of("demo"), Map.of()).quietDemo());
    assertFalse(Settings.parse(List.of("demo", "--verbose", "--sim-seed", "3"), Map.of()).quietDemo());
    assertFalse(Settings.parse(List.of("demo"), Map.of("EZSHOP_VERBOSE", "true")).quietDemo());
    assertFalse(Settings.parse(List.of("all"), Map.of()).quietDemo(), "only the demo tells a story");
  }

  @Test
  void theHardProfileSetsEveryKnobAFlagDoesNotGive() {
    SimSettings hard = Settings.parse(List.of("simulate", "--sim-profile", "hard", "--sim-strangers", "1"), Map.of())
        .simulation(false);
    assertEquals(1, hard.strangers(), "a flag given beats the profile");
    assertEquals(90_000, hard.clockSkewMillis());
    assertEquals(3, hard.rowsPerCamera());
    assertEquals(0.15, hard.missedFace(), 1e-6);
    SimSettings easy = Settings.parse(List.of("simulate"), Map.of()).simulation(false);
    assertEquals(0, easy.strangers());
    assertEquals(1, easy.rowsPerCamera());
    assertMessage("--sim-profile must be one of", () -> Settings.parse(List.of("simulate", "--sim-profile", "busy"),
        Map.of()));
  }

  @Test
  void tlsAutoMakesItsCaOnceAndACertificateForEveryNameClientsTrustIt(@TempDir Path dir) throws Exception {
    Settings first = Settings.parse(List.of("all", "--data-dir", dir.toString()), Map.of());
    Tls tls = first.store().tls();
    assertEquals(Optional.of(dir.resolve("tls/ca.pem")), tls.ca());
    assertTrue(tls.serves() && first.gateway(1, 2).tls().trusts());
    String fingerprint = first.localCa().fingerprint();
    assertTrue(fingerprint.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), fingerprint);
    X509Certificate cert = LocalCa.read(tls.cert().get());
    List<String> names = cert.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
    assertTrue(names.containsAll(List.of("localhost", "127.0.0.1")), names.toString());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.key().get())));

    Settings again = Settings.parse(List.of("all", "--data-dir", dir.toString(), "--tls-names", "ezshop.test"),
        Map.of());
    assertEquals(fingerprint, again.localCa().fingerprint(), "the CA is made once");
    X509Certificate named = LocalCa.read(again.identity().tls().cert().get());
    assertTrue(named.getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("ezshop.test")),
        "a certificate made anew for a new name");
    named.verify(LocalCa.read(tls.ca().get()).getPublicKey());
    assertEquals(Optional.of(dir.resolve("tls/ca.pem")), Settings.parse(List.of("simulate", "--data-dir",
        dir.toString()), Map.of()).clientTls().ca(), "a client on this machine trusts it with no flag");

    assertEquals(Tls.OFF, Settings.parse(List.of("all", "--tls", "off"), Map.of()).store().tls());
    assertMessage("--tls must be auto or off, not 'on'", () -> Settings.parse(List.of("all", "--tls", "on"),
        Map.of()).store());
    assertMessage("--tls-cert and --tls-key go together", () -> Settings.parse(List.of("all", "--tls-cert",
        tls.cert().get().toString()), Map.of()).store());
    assertMessage("--tls-cert needs --tls-ca for the gateway", () -> Settings.parse(List.of("gateway", "--tls-cert",
        tls.cert().get().toString(), "--tls-key", tls.key().get().toString()), Map.of()).gateway(1, 2));
    assertMessage("no CA at " + dir.resolve("none/tls/ca.pem"), () -> Settings.parse(List.of("simulate",
        "--data-dir", dir.resolve("none").toString()), Map.of()).clientTls());
  }

  @Test
  void secretsAreRandomUnlessConfigured() {
    Settings random = Settings.parse(List.of("all"), Map.of());
    assertTrue(random.managerTokenGenerated());
    assertTrue(random.managerToken().length() >= 32);
    assertTrue(random.sessionSecret().length >= 32);
    Settings chosen = Settings.parse(List.of("all", "--manager-token", "m-token", "--tls", "off"),
        Map.of("EZSHOP_SESSION_SECRET", "0123456789abcdef0123456789abcdef"));
    assertEquals("m-token", chosen.store().managerToken());
    assertTrue(!chosen.managerTokenGenerated());
    assertMessage("--session-secret (EZSHOP_SESSION_SECRET) must be at least 32 characters",
        () -> Settings.parse(List.of("all", "--session-secret", "short"), Map.of()).store());
  }

  @Test
  void helpDocumentsEveryFlagAndVariable() {
    assertEquals(Command.HELP, Settings.parse(List.of("--help"), Map.of()).command);
    String usage = Usage.text(Optional.empty());
    for (Option option : Option.values()) {
      assertTrue(usage.contains("--" + option.flag) && usage.contains(option.env()), option.flag);
    }
    for (Command command : Command.values()) {
      assertTrue(usage.contains("\n  " + command.name + " "), command.name);
    }
    assertTrue(usage.contains("EZSHOP_PG_URL"));
  }

  @Test
  void helpOnOneCommandListsTheOptionsItReads() {
    Settings asked = Settings.parse(List.of("simulate", "--help"), Map.of());
    assertEquals(Command.HELP, asked.command);
    assertEquals(Optional.of(Command.SIMULATE), asked.topic);
    assertEquals(asked.topic, Settings.parse(List.of("help", "simulate"), Map.of()).topic);
    String usage = Usage.text(asked.topic);
    assertTrue(usage.contains("--sim-seed") && usage.contains("--gateway-target"), usage);
    assertFalse(usage.contains("--pg-url"), "simulate talks to a running platform; it has no database");
    assertFalse(Usage.text(Optional.of(Command.STORE)).contains("--sim-seed"));
    assertMessage("unknown command 'serve'", () -> Settings.parse(List.of("serve"), Map.of()));
  }

  private static void assertMessage(String expected, Runnable parse) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parse::run);
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
  }
}
