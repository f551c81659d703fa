package org.ezshop.gateway;

import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.v1.HealthCheckRequest;
import io.vertx.grpc.health.v1.HealthCheckResponse;
import java.util.concurrent.TimeUnit;

/** Asks a service the gateway depends on whether it is SERVING, through grpc.health.v1.Health/Check. */
final class DownstreamHealth {

  private static final ServiceMethod<HealthCheckResponse, HealthCheckRequest> CHECK = ServiceMethod.client(
      ServiceName.create("grpc.health.v1.Health"), "Check",
      GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(HealthCheckResponse.newBuilder()));
  private static final long TIMEOUT_MS = 2000;

  private final GrpcClient client;
  private final SocketAddress target;
  private final HealthCheckRequest request;

  DownstreamHealth(GrpcClient client, SocketAddress target, ServiceName service) {
    this.client = client;
    this.target = target;
    this.request = HealthCheckRequest.newBuilder().setService(service.fullyQualifiedName()).build();
  }

  /** True when the service answered SERVING; false when it did not, or could not be reached. */
  Future<Boolean> serving() {
    return client.request(target, CHECK)
        .compose(call -> {
          call.timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).idleTimeout(TIMEOUT_MS);
          return call.send(request).compose(response -> response.last());
        })
        .map(response -> response.getStatus() == HealthCheckResponse.ServingStatus.SERVING)
        .otherwise(false);
  }
}
