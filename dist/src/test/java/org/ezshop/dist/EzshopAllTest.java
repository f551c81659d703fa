package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ezshop.testing.GrpcProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** `ezshop all` in this JVM, checked from outside through real gRPC clients: grpc-java and buf. */
class EzshopAllTest {

  private static final Map<String, List<String>> SERVICES = Map.of(
      "gateway", List.of("ezshop.edge.v1.EdgeLinkService", "ezshop.shop.v1.ShopService"),
      "store-svc", List.of("ezshop.store.v1.StoreService"),
      "identity-svc", List.of("ezshop.identity.v1.IdentityService"));
  private static Ezshop ezshop;
  private static String startOutput;

  @BeforeAll
  static void start() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ezshop = Ezshop.start(Settings.parse(List.of("all", "--host", "127.0.0.1", "--gateway-port", "0",
        "--store-port", "0", "--identity-port", "0", "--metrics-port", "0", "--web-port", "0"), Map.of()),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    startOutput = out.toString(StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    ezshop.stop();
  }

  @Test
  void aTakenWebPortIsNamedWhenTheGatewayCannotStart() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> Ezshop.start(Settings.parse(
          List.of("all", "--host", "127.0.0.1", "--gateway-port", "0", "--store-port", "0", "--identity-port", "0",
              "--metrics-port", "0", "--web-port", String.valueOf(taken.getLocalPort())), Map.of()),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
      assertTrue(e.getMessage().startsWith("gateway-web (port " + taken.getLocalPort() + "): "), e.getMessage());
    }
  }

  @Test
  void everyServerIsServing() throws Exception {
    assertTrue(startOutput.contains("ezshop: ready"), startOutput);
    for (Map.Entry<String, List<String>> server : SERVICES.entrySet()) {
      try (GrpcProbe probe = new GrpcProbe(ezshop.ports().get(server.getKey()))) {
        assertEquals(ServingStatus.SERVING, probe.health(""), server.getKey());
        for (String service : server.getValue()) {
          assertEquals(ServingStatus.SERVING, probe.health(service), service);
        }
      }
    }
  }

  @Test
  void reflectionListsTheFourApiServices() throws Exception {
    List<String> api = new ArrayList<>();
    for (Map.Entry<String, List<String>> server : SERVICES.entrySet()) {
      try (GrpcProbe probe = new GrpcProbe(ezshop.ports().get(server.getKey()))) {
        List<String> listed = probe.reflectedServices();
        assertTrue(listed.containsAll(List.of("grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection")), listed.toString());
        listed.stream().filter(name -> name.startsWith("ezshop.")).forEach(api::add);
      }
    }
    assertEquals(List.of("ezshop.edge.v1.EdgeLinkService", "ezshop.identity.v1.IdentityService",
        "ezshop.shop.v1.ShopService", "ezshop.store.v1.StoreService"), api.stream().sorted().toList());
  }

  @Test
  void bufCurlListsTheMethods() throws Exception {
    String gateway = buf("--list-methods", "http://127.0.0.1:" + ezshop.ports().get("gateway"));
    assertTrue(gateway.contains("ezshop.edge.v1.EdgeLinkService/Connect"), gateway);
    for (String method : List.of("RegisterShopper", "LoginWithFace", "WatchMyCart", "GetMyReceipts", "WatchStore",
        "ListShoppersInStore", "ListReviews", "ResolveReview")) {
      assertTrue(gateway.contains("ezshop.shop.v1.ShopService/" + method), method);
    }
    String store = buf("--list-methods", "http://127.0.0.1:" + ezshop.ports().get("store-svc"));
    for (String method : List.of("CreateItem", "UpdateItem", "ListItems", "PutShelfRow", "ListShelfRows",
        "RegisterShopper", "ListShoppers", "RegisterDevice", "ListDevices", "EnterStore", "ExitStore",
        "ApplyCartEvent", "GetCart", "GetReceipt", "ListReviews", "ResolveReview", "Watch", "WatchCart")) {
      assertTrue(store.contains("ezshop.store.v1.StoreService/" + method + "\n"), method);
    }
    String identity = buf("--list-methods", "http://127.0.0.1:" + ezshop.ports().get("identity-svc"));
    for (String method : List.of("Enroll", "Verify", "Identify", "Forget")) {
      assertTrue(identity.contains("ezshop.identity.v1.IdentityService/" + method), method);
    }
    String health = buf("-d", "{\"service\":\"ezshop.shop.v1.ShopService\"}",
        "http://127.0.0.1:" + ezshop.ports().get("gateway") + "/grpc.health.v1.Health/Check");
    assertTrue(health.contains("\"SERVING\""), health);
  }

  private static String buf(String... args) throws Exception {
    String bufPath = System.getProperty("ezshop.buf", "buf");
    List<String> command = new ArrayList<>(List.of(bufPath, "curl", "--protocol", "grpc", "--http2-prior-knowledge"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "buf finished");
    assertEquals(0, process.exitValue(), output);
    return output;
  }
}
