package org.ezshop.gateway.web;

import com.google.protobuf.Message;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.StatusException;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** A ShopService stream, with the caller's token, relayed to a browser as Server-Sent Events. */
final class ShopEvents {

  private final GrpcClient client;
  private final SocketAddress gateway;

  ShopEvents(GrpcClient client, SocketAddress gateway) {
    this.client = client;
    this.gateway = gateway;
  }

  /**
   * Relays a ShopService stream as Server-Sent Events, one JSON message per event. Until the first message the
   * HTTP status is still open, so a refusal (no token, say) is answered as an error with its status.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  void stream(ServiceMethod method, Message request, String token, HttpServerRequest caller, HttpServerResponse out,
      Function<Message, String> print, BiConsumer<HttpServerResponse, Throwable> fail) {
    client.request(gateway, method).compose(c -> {
      GrpcClientRequest call = (GrpcClientRequest) c;
      authorize(call, token);
      caller.connection().closeHandler(v -> call.cancel());
      return call.send(request).map(response -> {
        io.vertx.grpc.client.GrpcClientResponse<?, Message> upstream = (io.vertx.grpc.client.GrpcClientResponse) response;
        upstream.handler(message -> {
          if (out.closed()) {
            call.cancel();
            return;
          }
          if (!out.headWritten()) {
            out.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-store");
          }
          out.write("data: " + print.apply(message) + "\n\n");
          if (out.writeQueueFull()) {
            upstream.pause();
            out.drainHandler(v -> upstream.resume());
          }
        });
        upstream.endHandler(v -> end(out, upstream.status(), upstream.statusMessage(), fail));
        upstream.exceptionHandler(e -> end(out, upstream.status(), upstream.statusMessage(), fail));
        return null;
      });
    }).onFailure(e -> fail.accept(out, (Throwable) e));
  }

  private static void end(HttpServerResponse out, GrpcStatus status, String message,
      BiConsumer<HttpServerResponse, Throwable> fail) {
    if (out.closed() || out.ended()) {
      return;
    }
    if (!out.headWritten()) {
      fail.accept(out, new StatusException(status == null || status == GrpcStatus.OK ? GrpcStatus.UNAVAILABLE : status,
          message == null ? "the stream ended" : message));
    } else {
      out.end("event: end\ndata: " + (status == null ? "UNAVAILABLE" : status.name()) + "\n\n");
    }
  }

  private static void authorize(GrpcClientRequest<?, ?> call, String token) {
    if (!token.isEmpty()) {
      call.headers().set("authorization", "Bearer " + token);
    }
  }
}
