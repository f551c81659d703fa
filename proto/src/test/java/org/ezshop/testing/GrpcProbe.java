package org.ezshop.testing;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.ezshop.rpc.Tls;

/** A plain grpc-java client, independent of our Vert.x code, for checking what a server offers. */
public final class GrpcProbe implements AutoCloseable {

  private final ManagedChannel channel;

  public GrpcProbe(int port) {
    this(port, Tls.OFF);
  }

  /** Over TLS trusting {@code tls}'s CA (plaintext without one). */
  public GrpcProbe(int port, Tls tls) {
    channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, tls.credentials()).build();
  }

  public ManagedChannel channel() {
    return channel;
  }

  /** grpc.health.v1.Health/Check for one service name ("" for the whole server). */
  public ServingStatus health(String service) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }

  /** The services listed by grpc.reflection.v1.ServerReflection. */
  public List<String> reflectedServices() throws Exception {
    return reflect(List.of(ServerReflectionRequest.newBuilder().setListServices("*").build())).get(0)
        .getListServicesResponse().getServiceList().stream()
        .map(ServiceResponse::getName)
        .collect(Collectors.toList());
  }

  /** Sends the requests on one reflection stream and returns the answers, in order. */
  public List<ServerReflectionResponse> reflect(List<ServerReflectionRequest> requests) throws Exception {
    CompletableFuture<List<ServerReflectionResponse>> result = new CompletableFuture<>();
    List<ServerReflectionResponse> answers = new CopyOnWriteArrayList<>();
    StreamObserver<ServerReflectionRequest> stream = ServerReflectionGrpc.newStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse response) {
            answers.add(response);
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            result.complete(answers);
          }
        });
    requests.forEach(stream::onNext);
    stream.onCompleted();
    return result.get(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
