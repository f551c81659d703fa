package org.ezshop.gateway;

import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
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
