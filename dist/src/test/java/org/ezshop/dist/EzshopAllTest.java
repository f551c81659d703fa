package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.ezshop.rpc.Tls;
import org.ezshop.testing.GrpcProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `ezshop all` in this JVM, on TLS (--tls auto), checked from outside through real clients: grpc-java, buf, HTTPS. */
class EzshopAllTest {

  private static final Map<String, List<String>> SERVICES = Map.of(
      "gateway", List.of("ezshop.edge.v1.EdgeLinkService", "ezshop.shop.v1.ShopService"),
      "store-svc", List.of("ezshop.store.v1.StoreService"),
      "identity-svc", List.of("ezshop.identity.v1.IdentityService"));
  private static Ezshop ezshop;
  private static String startOutput;
  private static Tls tls;
  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Settings settings = Settings.parse(List.of("all", "--host", "127.0.0.1", "--gateway-port", "0", "--store-port",
        "0", "--identity-port", "0", "--metrics-port", "0", "--web-port", "0", "--web-redirect-port", "0",
        "--data-dir", dataDir.toString()), Map.of());
    ezshop = Ezshop.start(settings, new PrintStream(out, true, StandardCharsets.UTF_8));
    startOutput = out.toString(StandardCharsets.UTF_8);
    tls = Tls.trusting(dataDir.resolve("tls/ca.pem"));
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
              "--metrics-port", "0", "--web-port", String.valueOf(taken.getLocalPort()), "--tls", "off"), Map.of()),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
      assertTrue(e.getMessage().startsWith("gateway-web (port " + taken.getLocalPort() + "): "), e.getMessage());
    }
  }

  @Test
  void everyServerIsServingOverTlsAndSaysWhichCaToTrust() throws Exception {
    assertTrue(startOutput.contains("ezshop: ready"), startOutput);
    assertTrue(startOutput.contains("trust the CA " + dataDir.resolve("tls/ca.pem").toAbsolutePath() + " (SHA-256 "
        + new LocalCa(dataDir).fingerprint() + ")"), startOutput);
    assertTrue(startOutput.contains("dashboard https://127.0.0.1:"), startOutput);
    for (Map.Entry<String, List<String>> server : SERVICES.entrySet()) {
      try (GrpcProbe probe = new GrpcProbe(ezshop.ports().get(server.getKey()), tls)) {
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
      try (GrpcProbe probe = new GrpcProbe(ezshop.ports().get(server.getKey()), tls)) {
        List<String> listed = probe.reflectedServices();
        assertTrue(listed.containsAll(List.of("grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection")), listed.toString());
        listed.stream().filter(name -> name.startsWith("ezshop.")).forEach(api::add);
      }
    }
    assertEquals(List.of("ezshop.edge.v1.EdgeLinkService", "ezshop.identity.v1.IdentityService",
        "ezshop.shop.v1.ShopService", "ezshop.store.v1.StoreService"), api.stream().sorted().toList());
  }

  @Test
  void plaintextAndAnotherCaAreRefusedOnEveryGrpcPort(@TempDir Path elsewhere) throws Exception {
    Tls other = Settings.parse(List.of("all", "--data-dir", elsewhere.toString()), Map.of()).tls();
    for (String server : SERVICES.keySet()) {
      for (Tls client : List.of(Tls.OFF, Tls.trusting(other.ca().get()))) {
        try (GrpcProbe probe = new GrpcProbe(ezshop.ports().get(server), client)) {
          StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> probe.health(""));
          assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), server + " " + client);
        }
      }
    }
  }

  @Test
  void thePagesAndMetricsAreHttpsAndPlainHttpIsSentThere() throws Exception {
    HttpClient trusting = HttpClient.newBuilder().sslContext(tls.sslContext()).build();
    int web = ezshop.ports().get("gateway-web");
    HttpResponse<String> page = trusting.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + web
        + "/shop.html")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    HttpResponse<String> moved = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + ezshop.ports().get("gateway-web-redirect") + "/shop.html?x=1")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(301, moved.statusCode());
    assertEquals(Optional.of("https://127.0.0.1:" + web + "/shop.html?x=1"), moved.headers().firstValue("location"));
    HttpResponse<String> metrics = trusting.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
        + ezshop.ports().get("gateway-metrics") + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(metrics.body().contains("ezshop_"), metrics.body());
    assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "https://127.0.0.1:" + web + "/shop.html")).build(), HttpResponse.BodyHandlers.ofString()),
        "a client that does not trust the CA");
  }

  @Test
  void bufCurlListsTheMethodsOverTls() throws Exception {
    String gateway = buf("--list-methods", "https://127.0.0.1:" + ezshop.ports().get("gateway"));
    assertTrue(gateway.contains("ezshop.edge.v1.EdgeLinkService/Connect"), gateway);
    for (String method : List.of("RegisterShopper", "LoginWithFace", "WatchMyCart", "GetMyReceipts", "WatchStore",
        "ListShoppersInStore", "ListReviews", "ResolveReview")) {
      assertTrue(gateway.contains("ezshop.shop.v1.ShopService/" + method), method);
    }
    String store = buf("--list-methods", "https://127.0.0.1:" + ezshop.ports().get("store-svc"));
    for (String method : List.of("CreateItem", "UpdateItem", "ListItems", "PutShelfRow", "ListShelfRows",
        "RegisterShopper", "ListShoppers", "RegisterDevice", "ListDevices", "EnterStore", "ExitStore",
        "ApplyCartEvent", "GetCart", "GetReceipt", "ListReviews", "ResolveReview", "Watch", "WatchCart")) {
      assertTrue(store.contains("ezshop.store.v1.StoreService/" + method + "\n"), method);
    }
    String identity = buf("--list-methods", "https://127.0.0.1:" + ezshop.ports().get("identity-svc"));
    for (String method : List.of("Enroll", "Verify", "Identify", "Forget")) {
      assertTrue(identity.contains("ezshop.identity.v1.IdentityService/" + method), method);
    }
    String health = buf("-d", "{\"service\":\"ezshop.shop.v1.ShopService\"}",
        "https://127.0.0.1:" + ezshop.ports().get("gateway") + "/grpc.health.v1.Health/Check");
    assertTrue(health.contains("\"SERVING\""), health);
  }

  private static String buf(String... args) throws Exception {
    String bufPath = System.getProperty("ezshop.buf", "buf");
    List<String> command = new ArrayList<>(List.of(bufPath, "curl", "--protocol", "grpc", "--cacert",
        dataDir.resolve("tls/ca.pem").toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "buf finished");
    assertEquals(0, process.exitValue(), output);
    return output;
  }
}
