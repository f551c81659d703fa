package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ezshop.camera.runner.CameraConfig;
import org.ezshop.camera.runner.CameraConfigFile;
import org.ezshop.load.ClientAuth;
import org.ezshop.pi.config.ConfigFile;
import org.ezshop.pi.config.ShelfConfig;
import org.ezshop.rpc.Tls;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.ListItemsRequest;
import org.ezshop.store.v1.ListShelfRowsRequest;
import org.ezshop.store.v1.StoreServiceGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ezshop setup apply` and `setup export` against `ezshop all --tls auto`, with the shipped original rack; and the
 * observability kit (docs/prometheus, docs/grafana) against the gateway of the store so set up.
 */
class StoreSetupTest {

  private static final String TOKEN = "setup-test-manager-token";
  private static final Path RACK = Path.of("../examples/original-rack/store.yaml");

  @TempDir
  Path dir;
  private Settings settings;
  private Ezshop ezshop;
  private ManagedChannel channel;
  private StoreServiceGrpc.StoreServiceBlockingStub store;

  @BeforeEach
  void start() throws Exception {
    settings = Settings.parse(List.of("all", "--host", "127.0.0.1", "--gateway-port", "0", "--store-port",
        "0", "--identity-port", "0", "--metrics-port", "0", "--web-port", "0", "--web-redirect-port", "0",
        "--manager-token", TOKEN, "--data-dir", dir.resolve("data").toString()), Map.of());
    ezshop = Ezshop.start(settings, System.out);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", ezshop.ports().get("store-svc"),
        Tls.trusting(settings.tls().ca().get()).credentials()).build();
    store = ClientAuth.as(StoreServiceGrpc.newBlockingStub(channel), TOKEN);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    ezshop.stop();
  }

  @Test
  void theOriginalRackAppliedTwiceChangesNothingTheSecondTimeAndItsAgentsReadTheirConfigs() throws Exception {
    String first = setup("apply", "--file", RACK.toString());
    assertTrue(first.endsWith("setup: 10 created, 0 updated, 0 unchanged\n"), first);
    assertEquals(List.of("chips", "cola", "gum"), skus());
    assertEquals(3, store.listShelfRows(ListShelfRowsRequest.getDefaultInstance()).getRowsCount());

    ShelfConfig pi = ConfigFile.read(dir.resolve("devices/pi-1.yaml"), Map.of());
    assertEquals(List.of("rack-row1-us", "rack-row2-us", "rack-row3-light"), pi.sensors().stream()
        .map(ShelfConfig.Sensor::id).toList());
    assertTrue(pi.tls().ca().isPresent(), "the CA beside it: TLS");
    List<String> tokens = new ArrayList<>(List.of(pi.token()));
    for (String camera : List.of("cam-entrance", "cam-exit", "cam-shelf")) {
      CameraConfig config = CameraConfigFile.read(dir.resolve("devices/" + camera + ".yaml"), Map.of());
      tokens.add(config.token);
    }
    CameraConfig shelfCamera = CameraConfigFile.read(dir.resolve("devices/cam-shelf.yaml"), Map.of());
    assertEquals(List.of("rack-row1", "rack-row2", "rack-row3"), shelfCamera.rows);
    assertEquals(dir.resolve("devices/cam-shelf-scene"), shelfCamera.scene, "the desktop runner's scene folder");
    tokens.forEach(token -> assertFalse(first.contains(token), "a token is never printed"));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("devices/pi-1.yaml"))));

    String second = setup("apply", "--file", RACK.toString());
    assertTrue(second.endsWith("setup: 0 created, 0 updated, 10 unchanged\n"), second);
    assertEquals(pi.token(), ConfigFile.read(dir.resolve("devices/pi-1.yaml"), Map.of()).token(),
        "an unchanged device keeps its token and its config");
  }

  @Test
  void aChangedPriceIsAnUpdateThatLeavesTheStockAlone() throws Exception {
    setup("apply", "--file", RACK.toString());
    Path changed = dir.resolve("store.yaml");
    Files.writeString(changed, Files.readString(RACK).replace("price: 1.49", "price: 1.59")
        .replace("stock: 6                  #", "stock: 60 #"));
    String out = setup("apply", "--file", changed.toString());
    assertTrue(out.contains("setup: item cola: updated\n") && out.endsWith("0 created, 1 updated, 9 unchanged\n"),
        out);
    Item cola = item("cola");
    assertEquals(159, cola.getPrice().getMinorUnits());
    assertEquals(6, cola.getStock(), "stock is the store's own once the item exists");
  }

  @Test
  void aBadFileIsRefusedWholeNamingLineAndFieldAndChangesNothing() throws Exception {
    String rack = Files.readString(RACK);
    assertRefused(rack.replace("device: pi-1\n        trigger_pin: 23", "device: pi-9\n        trigger_pin: 23"),
        "store.yaml:" + line(rack, "device: pi-1") + ": rows[0].sensors[0].device: 'pi-9' is not a shelf device");
    assertRefused(rack.replace("price: 1.99", "price: -1.99"),
        "store.yaml:" + line(rack, "price: 1.99") + ": items[1].price: -1.99 is negative");
    assertRefused(rack.replace("x_min: 0.3, x_max: 0.7", "x_min: 0.8, x_max: 0.7"),
        "store.yaml:" + line(rack, "x_min: 0.3") + ": rows[1].camera_regions[0].x_min: 0.8 is not below x_max 0.7");
    assertEquals(List.of(), skus(), "nothing was sent");
  }

  @Test
  void anExportedStoreAppliesAsItIs() throws Exception {
    setup("apply", "--file", RACK.toString());
    Path exported = dir.resolve("exported.yaml");
    assertEquals("setup: the running store is in " + exported + "\n", setup("export", "--file",
        exported.toString()));
    String again = setup("apply", "--file", exported.toString(), "--out-dir", dir.resolve("again").toString());
    assertTrue(again.endsWith("setup: 0 created, 0 updated, 10 unchanged\n"), again);
  }

  @Test
  void anAgeRestrictedItemGoesInOutAndBackUnchanged() throws Exception {
    String rack = Files.readString(RACK).replace("    name: Mint gum\n", "    name: Mint gum\n"
        + "    age_restricted: true\n    minimum_age: 18\n");
    Path restricted = dir.resolve("store.yaml");
    Files.writeString(restricted, rack);
    setup("apply", "--file", restricted.toString());
    Item gum = item("gum");
    assertTrue(gum.getAgeRestricted());
    assertEquals(18, gum.getMinimumAge());
    Path exported = dir.resolve("exported.yaml");
    setup("export", "--file", exported.toString());
    assertTrue(Files.readString(exported).contains("age_restricted: true\n    minimum_age: 18\n"),
        Files.readString(exported));
    String again = setup("apply", "--file", exported.toString(), "--out-dir", dir.resolve("again").toString());
    assertTrue(again.endsWith("setup: 0 created, 0 updated, 10 unchanged\n"), again);
    String unrestricted = Files.readString(RACK).replace("    name: Mint gum\n", "    name: Mint gum\n"
        + "    minimum_age: 18\n");
    assertRefused(unrestricted, "store.yaml:" + line(unrestricted, "minimum_age") + ": items[2].minimum_age: only an "
        + "item with age_restricted: true has a minimum age");
  }

  @Test
  void withAStoreIdTheFileLaysOutThatStoreOfTheChainMadeWhenMissing() throws Exception {
    String first = setup("apply", "--file", RACK.toString(), "--store-id", "north");
    assertTrue(first.startsWith("setup: store north: created\n") && first.endsWith("11 created, 0 updated, "
        + "0 unchanged\n"), first);
    assertEquals(List.of("chips", "cola", "gum"), store.listItems(ListItemsRequest.newBuilder().setStoreId("north")
        .build()).getItemsList().stream().map(Item::getSku).toList());
    assertEquals(List.of(), store.listItems(ListItemsRequest.newBuilder().setStoreId("default").build())
        .getItemsList(), "the default store has none of them");
    String second = setup("apply", "--file", RACK.toString(), "--store-id", "north");
    assertTrue(second.endsWith("setup: 0 created, 0 updated, 10 unchanged\n"), second);
    assertEquals(setup("export"), setup("export", "--store-id", "north"), "north is all there is");
    assertEquals(List.of(), List.of(setup("export", "--store-id", "default").split("\n")).stream()
        .filter(line -> line.contains("sku:")).toList(), "an export of another store names none of north's");
  }

  @Test
  void theAlertRulesPassPromtoolAndTheKitNamesOnlyMetricsTheGatewayExports() throws Exception {
    Process check = new ProcessBuilder(System.getenv().getOrDefault("EZSHOP_PROMTOOL", "promtool"), "check",
        "rules", "../docs/prometheus/alerts.yml").redirectErrorStream(true).start();
    String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, check.waitFor(), checked);
    assertTrue(checked.contains("SUCCESS: 5 rules found"), checked);

    setup("apply", "--file", RACK.toString()); // registered devices: each has a link-up series
    HttpClient trusting = HttpClient.newBuilder().sslContext(settings.tls().sslContext()).build();
    URI metrics = URI.create("https://127.0.0.1:" + ezshop.ports().get("gateway-metrics") + "/metrics");
    String exported = "";
    for (long deadline = System.nanoTime() + 20_000_000_000L; !exported.contains("ezshop_edge_link_up{device=\"pi-1\"}")
        && System.nanoTime() < deadline; Thread.sleep(200)) {
      exported = trusting.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
    assertTrue(exported.contains("ezshop_edge_link_up{device=\"pi-1\"} 0.0"), exported);
    assertTrue(exported.contains("ezshop_downstream_serving{service=\"store-svc\"} 1.0"), exported);
    Set<String> named = new TreeSet<>();
    for (String kit : List.of("../docs/prometheus/alerts.yml", "../docs/grafana/ezshop.json")) {
      Matcher m = Pattern.compile("\\bezshop_[a-z_]+").matcher(Files.readString(Path.of(kit)));
      while (m.find()) {
        named.add(m.group());
      }
    }
    assertTrue(named.size() >= 12, "the kit names the store's metrics: " + named);
    for (String name : named) {
      assertTrue(Pattern.compile("(?m)^" + name + "[{ ]").matcher(exported).find(), name + " is not on /metrics");
    }
  }

  private void assertRefused(String yaml, String message) throws Exception {
    Path bad = dir.resolve("bad").resolve("store.yaml");
    Files.createDirectories(bad.getParent());
    Files.writeString(bad, yaml);
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> setup("apply", "--file", bad.toString()));
    assertTrue(refused.getMessage().startsWith(message), refused.getMessage());
  }

  private static int line(String text, String of) {
    return text.substring(0, text.indexOf(of)).split("\n", -1).length;
  }

  private String setup(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("setup"));
    all.addAll(List.of(args));
    if (!all.contains("--out-dir")) {
      all.addAll(List.of("--out-dir", dir.resolve("devices").toString()));
    }
    all.addAll(List.of("--store-port", String.valueOf(ezshop.ports().get("store-svc")), "--gateway-port",
        String.valueOf(ezshop.ports().get("gateway")), "--manager-token", TOKEN, "--data-dir",
        dir.resolve("data").toString()));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Ezshop.setup(Settings.parse(all, Map.of()), new PrintStream(printed, true, StandardCharsets.UTF_8));
    return printed.toString(StandardCharsets.UTF_8);
  }

  private List<String> skus() {
    return store.listItems(ListItemsRequest.getDefaultInstance()).getItemsList().stream().map(Item::getSku).sorted()
        .toList();
  }

  private Item item(String sku) {
    return store.listItems(ListItemsRequest.getDefaultInstance()).getItemsList().stream()
        .filter(i -> i.getSku().equals(sku)).findFirst().orElseThrow();
  }
}
