package org.ezshop.gateway.link;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.Service;
import io.vertx.grpc.server.StatusException;
import java.util.Set;
import org.ezshop.edge.v1.EdgeLinkServiceGrpcService;
import org.ezshop.gateway.ServiceClient;
import org.ezshop.gateway.shelf.ShelfIntake;
import org.ezshop.gateway.sight.FrameIntake;
import org.ezshop.rpc.Bearer;
import org.ezshop.rpc.Calls;

/**
 * ezshop.edge.v1.EdgeLinkService/Connect: the token (and, with device certificates, the client certificate that
 * must name the token's device) is checked before a single message is read.
 */
public final class EdgeLinkApi implements Service {

  private static final long AUTH_CACHE_MS = 30_000;

  private final Vertx vertx;
  private final DeviceAuth auth;
  private final EdgeLinks links;
  private final ShelfIntake shelves;
  private final FrameIntake frames;
  private final long heartbeatMillis;
  private final boolean certificates;
  private final DeviceLimits limits;

  /** @param certificates whether a device must also present a client certificate that names it */
  public EdgeLinkApi(Vertx vertx, ServiceClient store, EdgeLinks links, ShelfIntake shelves,
      FrameIntake frames, long heartbeatMillis, boolean certificates, DeviceLimits limits) {
    this.vertx = vertx;
    this.auth = new DeviceAuth(store, AUTH_CACHE_MS);
    links.onRevoke(auth::forget);
    this.links = links;
    this.shelves = shelves;
    this.frames = frames;
    this.heartbeatMillis = heartbeatMillis;
    this.certificates = certificates;
    this.limits = limits;
  }

  @Override
  public ServiceName name() {
    return EdgeLinkServiceGrpcService.SERVICE_NAME;
  }

  @Override
  public ServiceDescriptor descriptor() {
    return EdgeLinkServiceGrpcService.SERVICE_DESCRIPTOR;
  }

  @Override
  public void bind(GrpcServer server) {
    server.callHandler(EdgeLinkServiceGrpcService.Connect, call -> {
      call.pause();
      String token;
      Set<String> named = certificates ? DeviceCertificate.names(call.connection()) : Set.of();
      try {
        token = Bearer.token(call.headers());
        if (certificates && named.isEmpty()) {
          throw new StatusException(GrpcStatus.UNAUTHENTICATED, "this gateway needs a client certificate from "
              + "its device CA (--device-client-ca), naming the device");
        }
      } catch (StatusException e) {
        Calls.fail(call.response(), EdgeLinkServiceGrpcService.Connect, e);
        return;
      }
      auth.device(token).onComplete(result -> {
        if (result.failed()) {
          Calls.fail(call.response(), EdgeLinkServiceGrpcService.Connect, result.cause());
        } else if (certificates && !named.contains(result.result().getDeviceId())) {
          Calls.fail(call.response(), EdgeLinkServiceGrpcService.Connect, new StatusException(
              GrpcStatus.UNAUTHENTICATED, "the client certificate names " + named + ", not this token's device '"
              + result.result().getDeviceId() + "'"));
        } else if (!result.result().getDeviceId().isEmpty()) {
          new EdgeSession(vertx, call, result.result(), links, shelves, frames, heartbeatMillis, limits).start();
        } else {
          Calls.fail(call.response(), EdgeLinkServiceGrpcService.Connect,
              new StatusException(GrpcStatus.UNAUTHENTICATED, "unknown device token"));
        }
      });
    });
  }
}
