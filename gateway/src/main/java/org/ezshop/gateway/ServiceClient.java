package org.ezshop.gateway;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.ReadStream;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServerResponse;
import io.vertx.grpc.server.StatusException;
import java.util.concurrent.TimeUnit;
import org.ezshop.rpc.BoundStore;

/**
 * Calls to one of the services, a replica at a time, with the gateway's manager token; failures come back as gRPC
 * statuses. A call no replica's connection took is tried on the next replica: it was never sent.
 */
public final class ServiceClient {

  private static final long TIMEOUT_MS = 5000;

  private final GrpcClient client;
  private final Replicas replicas;
  private final String token;
  private final MultiMap bound = MultiMap.caseInsensitiveMultiMap();

  public ServiceClient(GrpcClient client, SocketAddress target, String token) {
    this(client, Replicas.of(target), token, "");
  }

  /** @param storeId the store every call is bound to (store-svc's `ezshop-store-id`); empty: none */
  public ServiceClient(GrpcClient client, Replicas replicas, String token, String storeId) {
    this.client = client;
    this.replicas = replicas;
    this.token = token;
    if (!storeId.isEmpty()) {
      bound.set(BoundStore.HEADER, storeId);
    }
  }

  /** A request to the next replica in turn, or to the one after it when that one cannot be reached. */
  private <Req, Resp> Future<GrpcClientRequest<Req, Resp>> request(ServiceMethod<Resp, Req> method, int tries) {
    SocketAddress target = replicas.pick();
    return client.request(target, method).recover(failure -> {
      replicas.unreachable(target);
      return tries > 1 ? request(method, tries - 1) : Future.failedFuture(new StatusException(GrpcStatus.UNAVAILABLE,
          target + " is unreachable: " + failure.getMessage()));
    });
  }

  /**
   * Relays a server-streaming call to {@code out} with backpressure both ways, ending {@code out} with the
   * callee's status; {@code caller} going away cancels the call.
   */
  public <Req, Resp> Future<Void> relay(ServiceMethod<Resp, Req> method, Req request, ReadStream<?> caller,
      GrpcServerResponse<?, Resp> out) {
    return request(method, replicas.targets().size())
        .compose(call -> {
          call.headers().addAll(bound).set("authorization", "Bearer " + token);
          caller.exceptionHandler(gone -> call.cancel());
          return call.send(request).map(upstream -> {
            wire(call, upstream, out);
            return null;
          });
        });
  }

  /**
   * Follows a server-streaming call: each message goes to {@code each}, and {@code ended} hears how the stream
   * ended (null when it completed). The future is the call, to cancel, once the callee has answered.
   */
  public <Req, Resp> Future<GrpcClientRequest<Req, Resp>> follow(ServiceMethod<Resp, Req> method, Req request,
      Handler<Resp> each, Handler<Throwable> ended) {
    return request(method, replicas.targets().size())
        .compose(call -> {
          call.headers().addAll(bound).set("authorization", "Bearer " + token);
          return call.send(request).map(response -> {
            response.handler(each);
            response.endHandler(v -> ended.handle(response.status() == GrpcStatus.OK ? null
                : new StatusException(response.status(), response.statusMessage())));
            response.exceptionHandler(ended);
            return call;
          });
        });
  }

  // By hand, not pipeTo: a pipe writing on after the caller has gone away throws on the event loop.
  private static <Req, Resp> void wire(GrpcClientRequest<Req, Resp> call, GrpcClientResponse<Req, Resp> upstream,
      GrpcServerResponse<?, Resp> out) {
    upstream.handler(message -> {
      try {
        out.write(message);
      } catch (IllegalStateException gone) {
        call.cancel();
        return;
      }
      if (out.writeQueueFull()) {
        upstream.pause();
        out.drainHandler(v -> upstream.resume());
      }
    });
    upstream.endHandler(v -> finish(out, upstream.status(), upstream.statusMessage(), null));
    upstream.exceptionHandler(failure -> finish(out, upstream.status(), upstream.statusMessage(), failure));
  }

  private static void finish(GrpcServerResponse<?, ?> out, GrpcStatus status, String message, Throwable failure) {
    try {
      if (status == GrpcStatus.OK && failure == null) {
        out.end();
      } else {
        out.status(status == null || status == GrpcStatus.OK ? GrpcStatus.UNAVAILABLE : status)
            .statusMessage(message != null ? message : failure == null ? "stream ended" : failure.getMessage())
            .end();
      }
    } catch (IllegalStateException | NullPointerException gone) {
      // The caller left first: nobody to tell. (Vert.x 5.0 throws the NPE ending a stream whose connection closes.)
    }
  }

  public <Req, Resp> Future<Resp> call(ServiceMethod<Resp, Req> method, Req request) {
    return call(method, request, token);
  }

  /** A call with the caller's own token instead (none when empty). */
  public <Req, Resp> Future<Resp> call(ServiceMethod<Resp, Req> method, Req request, String callerToken) {
    return call(method, request, callerToken, MultiMap.caseInsensitiveMultiMap());
  }

  /** The same, with these headers besides. */
  public <Req, Resp> Future<Resp> call(ServiceMethod<Resp, Req> method, Req request, String callerToken,
      MultiMap headers) {
    return request(method, replicas.targets().size())
        .compose(call -> {
          call.headers().addAll(bound).addAll(headers);
          if (!callerToken.isEmpty()) {
            call.headers().set("authorization", "Bearer " + callerToken);
          }
          call.timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS);
          return call.send(request).compose(response -> response.last().recover(failure ->
              Future.failedFuture(failure instanceof InvalidStatusException
                  ? new StatusException(response.status(), response.statusMessage()) : failure)));
        })
        .recover(failure -> Future.failedFuture(failure instanceof StatusException ? failure
            : new StatusException(GrpcStatus.UNAVAILABLE, replicas + " failed: " + failure.getMessage())));
  }
}
