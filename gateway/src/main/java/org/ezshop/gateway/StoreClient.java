package org.ezshop.gateway;

import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.StatusException;
import java.util.concurrent.TimeUnit;

/** Unary calls to store-svc with the gateway's manager token; failures come back as gRPC statuses. */
public final class StoreClient {

  private static final long TIMEOUT_MS = 5000;

  private final GrpcClient client;
  private final SocketAddress target;
  private final String token;

  public StoreClient(GrpcClient client, SocketAddress target, String token) {
    this.client = client;
    this.target = target;
    this.token = token;
  }

  public <Req, Resp> Future<Resp> call(ServiceMethod<Resp, Req> method, Req request) {
    return client.request(target, method)
        .compose(call -> {
          call.headers().set("authorization", "Bearer " + token);
          call.timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS);
          return call.send(request).compose(response -> response.last());
        })
        .recover(failure -> Future.failedFuture(failure instanceof InvalidStatusException
            ? new StatusException(((InvalidStatusException) failure).actualStatus(), failure.getMessage())
            : new StatusException(GrpcStatus.UNAVAILABLE, "store-svc is unreachable: " + failure.getMessage())));
  }
}
