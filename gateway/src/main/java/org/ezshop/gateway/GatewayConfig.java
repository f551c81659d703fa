package org.ezshop.gateway;

import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.ezshop.gateway.fusion.FusionSettings;
import org.ezshop.gateway.link.DeviceLimits;
import org.ezshop.gateway.shop.ShopLimits;
import org.ezshop.gateway.state.StatePlace;
import org.ezshop.rpc.Tls;

/**
 * Settings of the gateway.
 *
 * @param host            address to bind
 * @param port            gRPC port for edges and apps (0 picks a free one)
 * @param storeTargets    where store-svc's replicas listen (one or more, sharing one database)
 * @param identityTargets where identity-svc's replicas listen
 * @param maxFrameBytes   largest edge message (camera frame) accepted, in bytes
 * @param managerToken    the token the gateway calls the services with
 * @param heartbeatMillis how often a device must be heard from (and is probed); three misses close its link
 * @param identifyConcurrency frames being identified at once; further frames wait, newest per camera
 * @param metricsPort     HTTP port of GET /metrics (Prometheus text format; 0 picks a free one)
 * @param webPort         HTTP port of the manager dashboard and the shopper page (0 picks a free one)
 * @param sessionSecret   key signing shopper session tokens (32+ bytes), shared with store-svc
 * @param doorCooldownMillis after a door acts for a shopper, how long that camera ignores them
 * @param fusion          how shelf changes are attributed to shoppers
 * @param state           where shelf changes wait for their decision and rows' levels are kept, across restarts
 * @param limits          the limits on ShopService's callers (face logins, shopper sessions)
 * @param deviceLimits    what one device may send a second
 * @param pushCredentials Firebase service-account JSON for receipt notifications; empty logs them instead
 * @param tls             the certificate and key its listeners serve, and the CA the services' certificates (and
 *                        its own, which its web bridge calls on 127.0.0.1) chain to; none: plaintext
 * @param webRedirectPort with TLS, the plain HTTP port that sends browsers to the pages' HTTPS (0 picks a free one)
 * @param deviceClientCa  with TLS, the CA whose client certificates devices must present, each naming its device
 *                        (subject CN or URI SAN); empty: the device token alone
 * @param storeId         the one store whose devices, rows and visits it serves (its calls to store-svc are bound to
 *                        it); empty: every store's, as a single-store platform's gateway does
 */
public record GatewayConfig(String host, int port, List<SocketAddress> storeTargets,
    List<SocketAddress> identityTargets,
    int maxFrameBytes, String managerToken, long heartbeatMillis, int identifyConcurrency, int metricsPort, int webPort,
    byte[] sessionSecret, long doorCooldownMillis, FusionSettings fusion, StatePlace state,
    ShopLimits.Settings limits, DeviceLimits.Settings deviceLimits, Optional<Path> pushCredentials, Tls tls,
    int webRedirectPort, Optional<Path> deviceClientCa, String storeId) {

  public static final int DEFAULT_PORT = 7000;
  public static final int DEFAULT_MAX_FRAME_BYTES = 4 << 20;
  public static final long DEFAULT_HEARTBEAT_MILLIS = 10_000;
  public static final int DEFAULT_IDENTIFY_CONCURRENCY = 4;
  public static final int DEFAULT_METRICS_PORT = 9464;
  public static final int DEFAULT_WEB_PORT = 8080;
  public static final int DEFAULT_WEB_REDIRECT_PORT = 8081;
  public static final long DEFAULT_DOOR_COOLDOWN_MILLIS = 30_000;
  /** How long sightings are kept for fusion. */
  public static final long SIGHTING_WINDOW_MILLIS = 30_000;
  /** How long a shelf row's new count must hold before it counts. */
  public static final long STABLE_MILLIS = 600;
  /** How soon the gateway tries again to follow store-svc's layout after its stream broke. */
  public static final long LAYOUT_RETRY_MILLIS = 5_000;
}
