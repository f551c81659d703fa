package org.ezshop.gateway.link;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.Service;
import io.vertx.grpc.server.StatusException;
import org.ezshop.edge.v1.EdgeLinkServiceGrpcService;
import org.ezshop.gateway.ServiceClient;
import org.ezshop.gateway.shelf.ShelfIntake;
import org.ezshop.gateway.sight.FrameIntake;
import org.ezshop.rpc.Bearer;
import org.ezshop.rpc.Calls;

/** ezshop.edge.v1.EdgeLinkService/Connect: the token is checked before a single message is read. */
public final class EdgeLinkApi implements Service {

  private static final long AUTH_CACHE_MS = 30_000;

  private final Vertx vertx;
  private final DeviceAuth auth;
  private final EdgeLinks links;
  private final ShelfIntake shelves;
  private final FrameIntake frames;
  private final long heartbeatMillis;

  public EdgeLinkApi(Vertx vertx, ServiceClient store, EdgeLinks links, ShelfIntake shelves,
      FrameIntake frames, long heartbeatMillis) {
    this.vertx = vertx;
    this.auth = new DeviceAuth(store, AUTH_CACHE_MS);
    this.links = links;
    this.shelves = shelves;
    this.frames = frames;
    this.heartbeatMillis = heartbeatMillis;
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
      try {
        token = Bearer.token(call.headers());
      } catch (StatusException e) {
        Calls.fail(call.response(), EdgeLinkServiceGrpcService.Connect, e);
        return;
      }
      auth.device(token).onComplete(result -> {
        if (result.failed()) {
          Calls.fail(call.response(), EdgeLinkServiceGrpcService.Connect, result.cause());
        } else if (!result.result().getDeviceId().isEmpty()) {
          new EdgeSession(vertx, call, result.result(), links, shelves, frames, heartbeatMillis).start();
        } else {
          Calls.fail(call.response(), EdgeLinkServiceGrpcService.Connect,
              new StatusException(GrpcStatus.UNAUTHENTICATED, "unknown device token"));
        }
      });
    });
  }
}
