package org.ezshop.gateway;

import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.ReadStream;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServerResponse;
import io.vertx.grpc.server.StatusException;
import java.util.concurrent.TimeUnit;

/** Unary calls to one of the services with the gateway's manager token; failures come back as gRPC statuses. */
public final class ServiceClient {

  private static final long TIMEOUT_MS = 5000;

  private final GrpcClient client;
  private final SocketAddress target;
  private final String token;

  public ServiceClient(GrpcClient client, SocketAddress target, String token) {
    this.client = client;
    this.target = target;
    this.token = token;
  }

  /**
   * Relays a server-streaming call to {@code out} with backpressure both ways, ending {@code out} with the
   * callee's status; {@code caller} going away cancels the call.
   */
  public <Req, Resp> Future<Void> relay(ServiceMethod<Resp, Req> method, Req request, ReadStream<?> caller,
      GrpcServerResponse<?, Resp> out) {
    return client.request(target, method)
        .recover(failure -> Future.failedFuture(
            new StatusException(GrpcStatus.UNAVAILABLE, target + " is unreachable: " + failure.getMessage())))
        .compose(call -> {
          call.headers().set("authorization", "Bearer " + token);
          caller.exceptionHandler(gone -> call.cancel());
          return call.send(request);
        })
        .compose(upstream -> {
          upstream.pipe().endOnFailure(false).to(out).onFailure(failure -> out
              .status(upstream.status() == null || upstream.status() == GrpcStatus.OK ? GrpcStatus.UNAVAILABLE
                  : upstream.status())
              .statusMessage(upstream.statusMessage() != null ? upstream.statusMessage() : failure.getMessage())
              .end());
          return Future.succeededFuture();
        });
  }

  public <Req, Resp> Future<Resp> call(ServiceMethod<Resp, Req> method, Req request) {
    return client.request(target, method)
        .compose(call -> {
          call.headers().set("authorization", "Bearer " + token);
          call.timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS);
          return call.send(request).compose(response -> response.last().recover(failure ->
              Future.failedFuture(failure instanceof InvalidStatusException
                  ? new StatusException(response.status(), response.statusMessage()) : failure)));
        })
        .recover(failure -> Future.failedFuture(failure instanceof StatusException ? failure
            : new StatusException(GrpcStatus.UNAVAILABLE, target + " is unreachable: " + failure.getMessage())));
  }
}
