package org.ezshop.gateway.web;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.StatusException;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ezshop.gateway.ServiceClient;
import org.ezshop.gateway.shop.ShopApi;
import org.ezshop.rpc.ListenFailure;
import org.ezshop.rpc.Tls;
import org.ezshop.rpc.TlsOptions;
import org.ezshop.shop.v1.*;
import org.ezshop.store.v1.RecordAuditRequest;
import org.ezshop.store.v1.StoreServiceGrpcClient;

/**
 * The browser pages (/dashboard.html for managers, /shop.html for shoppers) and the thin bridge they use: each
 * ShopService call as JSON over HTTP ({@code POST /api/shop/METHOD}), the streams as Server-Sent Events
 * ({@code GET /api/shop/METHOD/events}). The bridge calls the gateway's own public ShopService, so every rule
 * of access is ShopService's; it only carries the caller's token. The cookies (HttpOnly, SameSite=Strict) hold a
 * shopper's session token, or for a manager a random session id that {@link ManagerSessions} maps to the manager
 * token for 12 h or until sign-out: the manager token itself never reaches the browser.
 */
public final class WebApp {

  private static final String MANAGER = "ezshop_manager";
  private static final Pattern RETRY = Pattern.compile("retry in (\\d+) s");
  private static final String SESSION = "ezshop_session";
  private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

  private record Method(ServiceMethod<?, ?> method, Supplier<Message.Builder> request, String cookie) {
  }

  private static final Set<ServiceMethod<?, ?>> STREAMS = Set.of(ShopServiceGrpcClient.WatchStore,
      ShopServiceGrpcClient.WatchMyCart, ShopServiceGrpcClient.WatchShelves);
  private static final Map<String, Method> METHODS = Map.ofEntries(
      Map.entry("RegisterShopper", new Method(ShopServiceGrpcClient.RegisterShopper, RegisterShopperRequest::newBuilder, MANAGER)),
      Map.entry("LoginWithFace", new Method(ShopServiceGrpcClient.LoginWithFace, LoginWithFaceRequest::newBuilder, null)),
      Map.entry("GetMyReceipts", new Method(ShopServiceGrpcClient.GetMyReceipts, GetMyReceiptsRequest::newBuilder, SESSION)),
      Map.entry("DisputeReceiptLine", new Method(ShopServiceGrpcClient.DisputeReceiptLine,
          org.ezshop.store.v1.DisputeReceiptLineRequest::newBuilder, SESSION)),
      Map.entry("ListShoppersInStore", new Method(ShopServiceGrpcClient.ListShoppersInStore, ListShoppersInStoreRequest::newBuilder, MANAGER)),
      Map.entry("ListReviews", new Method(ShopServiceGrpcClient.ListReviews, ListReviewsRequest::newBuilder, MANAGER)),
      Map.entry("ResolveReview", new Method(ShopServiceGrpcClient.ResolveReview, ResolveReviewRequest::newBuilder, MANAGER)),
      Map.entry("VerifyShopperAge", new Method(ShopServiceGrpcClient.VerifyShopperAge,
          org.ezshop.store.v1.VerifyShopperAgeRequest::newBuilder, MANAGER)),
      Map.entry("GetInventory", new Method(ShopServiceGrpcClient.GetInventory, GetInventoryRequest::newBuilder, MANAGER)),
      Map.entry("ListDeviceLinks", new Method(ShopServiceGrpcClient.ListDeviceLinks, ListDeviceLinksRequest::newBuilder, MANAGER)),
      Map.entry("CalibrateRow", new Method(ShopServiceGrpcClient.CalibrateRow, CalibrateRowRequest::newBuilder, MANAGER)),
      Map.entry("GetCameraFrame", new Method(ShopServiceGrpcClient.GetCameraFrame, GetCameraFrameRequest::newBuilder, MANAGER)),
      Map.entry("SetRowRegion", new Method(ShopServiceGrpcClient.SetRowRegion, SetRowRegionRequest::newBuilder, MANAGER)),
      Map.entry("RegisterDevice", new Method(ShopServiceGrpcClient.RegisterDevice, RegisterDeviceRequest::newBuilder, MANAGER)),
      Map.entry("RevokeDevice", new Method(ShopServiceGrpcClient.RevokeDevice, RevokeDeviceRequest::newBuilder, MANAGER)),
      Map.entry("DeleteMyData", new Method(ShopServiceGrpcClient.DeleteMyData, DeleteMyDataRequest::newBuilder, SESSION)),
      Map.entry("EraseShopper", new Method(ShopServiceGrpcClient.EraseShopper, EraseShopperRequest::newBuilder, MANAGER)),
      Map.entry("ListAuditEntries", new Method(ShopServiceGrpcClient.ListAuditEntries, ListAuditEntriesRequest::newBuilder, MANAGER)),
      Map.entry("WatchStore", new Method(ShopServiceGrpcClient.WatchStore, WatchStoreRequest::newBuilder, MANAGER)),
      Map.entry("WatchShelves", new Method(ShopServiceGrpcClient.WatchShelves, WatchShelvesRequest::newBuilder, MANAGER)),
      Map.entry("WatchMyCart", new Method(ShopServiceGrpcClient.WatchMyCart, WatchMyCartRequest::newBuilder, SESSION)));

  private final ServiceClient shop;
  private final ServiceClient store;
  private final ShopEvents events;
  private final ManagerSessions managers = new ManagerSessions(System::currentTimeMillis);
  private HttpServer server;
  private HttpServer redirect;

  private WebApp(GrpcClient client, SocketAddress gateway, ServiceClient store) {
    this.shop = new ServiceClient(client, gateway, "");
    this.store = store;
    this.events = new ShopEvents(client, gateway);
  }

  /**
   * Serves the pages and the bridge on {@code port}, calling ShopService at {@code gateway}, which takes messages
   * up to {@code maxMessageBytes}, and store-svc for the audit log. With TLS, the pages are HTTPS, and plain HTTP
   * on {@code redirectPort} is sent there.
   */
  public static Future<WebApp> start(Vertx vertx, GrpcClient client, SocketAddress gateway, ServiceClient store,
      String host, int port, int maxMessageBytes, Tls tls, int redirectPort) {
    int maxBodyBytes = maxMessageBytes / 3 * 4 + 65_536; // a photo travels as base64 inside the JSON
    WebApp app = new WebApp(client, gateway, store);
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      ctx.response().putHeader("content-security-policy", "default-src 'self'; img-src 'self' data: blob:; "
          + "media-src 'self' blob:").putHeader("x-content-type-options", "nosniff");
      ctx.next();
    });
    router.get("/").handler(ctx -> ctx.redirect("/dashboard.html"));
    router.post("/api/*").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
    router.post("/api/login").handler(app::login);
    router.post("/api/logout").handler(app::logout);
    router.post("/api/shop/:method").handler(app::unary);
    router.get("/api/shop/:method/events").handler(app::events);
    // The CA the gateway's certificate chains to, for the agents' configs (tls_ca: ca.pem): public, as any CA.
    tls.ca().filter(ca -> tls.serves()).ifPresent(ca -> router.get("/ca.pem").handler(ctx -> ctx.response()
        .putHeader("content-type", "application/x-pem-file").sendFile(ca.toString())));
    router.route().handler(StaticHandler.create("webroot").setCachingEnabled(false));
    router.errorHandler(413, ctx -> send(ctx.response(), 413, new JsonObject().put("code", "RESOURCE_EXHAUSTED")
        .put("message", String.format("the photo is too big: the gateway takes up to %.1f MB",
            maxMessageBytes / 1048576.0)).encode()));
    return vertx.createHttpServer(TlsOptions.server(tls, new HttpServerOptions())).requestHandler(router)
        .listen(port, host)
        .compose(s -> {
          app.server = s;
          if (!tls.serves()) {
            return Future.succeededFuture(app);
          }
          return ListenFailure.named("gateway-web-redirect", redirectPort, vertx.createHttpServer()
              .requestHandler(app::toHttps).listen(redirectPort, host)).map(r -> {
                app.redirect = r;
                return app;
              }).onFailure(e -> s.close());
        });
  }

  // The page asked for over plain HTTP, on the same host name, at the HTTPS port: a phone's camera needs HTTPS.
  private void toHttps(HttpServerRequest request) {
    String name = request.authority() == null ? "localhost" : request.authority().host();
    String bracketed = name.contains(":") && !name.startsWith("[") ? "[" + name + "]" : name;
    request.response().setStatusCode(301).putHeader("location", "https://" + bracketed + ":" + port()
        + request.uri()).end();
  }

  public int port() {
    return server.actualPort();
  }

  /** Where plain HTTP is sent to the HTTPS pages; -1 without TLS. */
  public int redirectPort() {
    return redirect == null ? -1 : redirect.actualPort();
  }

  public Future<Void> close() {
    return server.close().compose(v -> redirect == null ? Future.succeededFuture() : redirect.close());
  }

  // A manager signs in with the token: it is checked by a call that needs it, the sign-in goes into the audit log
  // (under that token's id), and the cookie gets a session id.
  private void login(RoutingContext ctx) {
    String token = ctx.body().asJsonObject() == null ? "" : ctx.body().asJsonObject().getString("token", "");
    shop.call(ShopServiceGrpcClient.ListDeviceLinks, ListDeviceLinksRequest.getDefaultInstance(), token)
        .compose(ok -> store.call(StoreServiceGrpcClient.RecordAudit, RecordAuditRequest.newBuilder()
            .setAction("WebSignIn").putFields("from", String.valueOf(ctx.request().remoteAddress().hostAddress()))
            .build(), token))
        .onSuccess(ok -> ctx.response().addCookie(cookie(ctx, MANAGER, managers.open(token),
            ManagerSessions.TTL_MILLIS / 1000)).setStatusCode(204).end())
        .onFailure(e -> fail(ctx.response(), e));
  }

  private void logout(RoutingContext ctx) {
    Cookie session = ctx.request().getCookie(MANAGER);
    managers.close(session == null ? null : session.getValue());
    ctx.response().addCookie(cookie(ctx, MANAGER, "", 0)).addCookie(cookie(ctx, SESSION, "", 0)).setStatusCode(204)
        .end();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void unary(RoutingContext ctx) {
    Method m = METHODS.get(ctx.pathParam("method"));
    if (m == null || STREAMS.contains(m.method())) {
      fail(ctx.response(), new StatusException(GrpcStatus.NOT_FOUND, "no unary ShopService method " + ctx.pathParam("method")));
      return;
    }
    Message.Builder request = m.request().get();
    try {
      String body = ctx.body().asString();
      JsonFormat.parser().merge(body == null || body.isBlank() ? "{}" : body, request);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      fail(ctx.response(), new StatusException(GrpcStatus.INVALID_ARGUMENT, "the body is not a "
          + request.getDescriptorForType().getName() + " in JSON: " + e.getMessage()));
      return;
    }
    // A face login counts against the browser's address, not the bridge's.
    MultiMap from = MultiMap.caseInsensitiveMultiMap().add(ShopApi.FORWARDED_FOR,
        ctx.request().remoteAddress().hostAddress());
    shop.call((ServiceMethod) m.method(), request.build(), token(ctx, m.cookie()), from).onSuccess(response -> {
      Message reply = (Message) response;
      if (reply instanceof LoginWithFaceResponse login) { // the token goes into the cookie, not to page scripts
        ctx.response().addCookie(cookie(ctx, SESSION, login.getSessionToken(),
            Math.max(0, login.getExpiresAt().getSeconds() - System.currentTimeMillis() / 1000)));
        reply = login.toBuilder().clearSessionToken().build();
      }
      send(ctx.response(), 200, print(reply));
    }).onFailure(e -> fail(ctx.response(), (Throwable) e));
  }

  private void events(RoutingContext ctx) {
    Method m = METHODS.get(ctx.pathParam("method"));
    if (m == null || !STREAMS.contains(m.method())) {
      fail(ctx.response(), new StatusException(GrpcStatus.NOT_FOUND, "no ShopService stream " + ctx.pathParam("method")));
      return;
    }
    events.stream(m.method(), m.request().get().build(), token(ctx, m.cookie()), ctx.request(), ctx.response(),
        WebApp::print, WebApp::fail);
  }

  // The bearer token a call goes with: the manager's session's, or the shopper's session token itself.
  private String token(RoutingContext ctx, String cookie) {
    Cookie c = cookie == null ? null : ctx.request().getCookie(cookie);
    if (c == null) {
      return "";
    }
    return cookie.equals(MANAGER) ? managers.token(c.getValue()) : c.getValue();
  }

  private static Cookie cookie(RoutingContext ctx, String name, String value, long maxAgeSeconds) {
    Cookie c = Cookie.cookie(name, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
        .setSecure(ctx.request().isSSL());
    if (maxAgeSeconds >= 0) {
      c.setMaxAge(maxAgeSeconds);
    }
    return c;
  }

  static String print(Message message) {
    try {
      return JSON.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  static void fail(HttpServerResponse response, Throwable e) {
    GrpcStatus status = e instanceof StatusException s ? s.status() : GrpcStatus.UNAVAILABLE;
    String message = e instanceof StatusException s ? s.message() : e.getMessage();
    int http = switch (status) {
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case RESOURCE_EXHAUSTED -> 429;
      case UNAVAILABLE, DEADLINE_EXCEEDED -> 503;
      default -> 500;
    };
    if (http == 429) {
      Matcher retry = RETRY.matcher(String.valueOf(message));
      response.putHeader("retry-after", retry.find() ? retry.group(1) : "60");
    }
    send(response, http, new JsonObject().put("code", status.name()).put("message", message).encode());
  }

  private static void send(HttpServerResponse response, int status, String json) {
    if (!response.ended() && !response.closed()) {
      response.setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8")
          .putHeader("cache-control", "no-store").end(json);
    }
  }
}
