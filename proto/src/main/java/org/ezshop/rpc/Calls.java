package org.ezshop.rpc;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import io.vertx.grpc.server.StatusException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds RPC handlers that see the call's metadata (the generated Vert.x stubs hide it) and turns failures
 * into statuses: a {@link StatusException} as it is, anything else INTERNAL (logged).
 */
public final class Calls {

  private static final Logger LOG = LoggerFactory.getLogger(Calls.class);

  private Calls() {
  }

  public interface Unary<Req, Resp> {
    Future<Resp> call(MultiMap headers, Req request);
  }

  /** A unary call that also needs to know whom it comes from: the connection's remote address. */
  public interface UnaryFrom<Req, Resp> {
    Future<Resp> call(MultiMap headers, SocketAddress peer, Req request);
  }

  public interface ServerStreaming<Req, Resp> {
    /** Starts writing to {@code call.response()}; a failed future ends the stream with that status. */
    Future<Void> call(MultiMap headers, Req request, GrpcServerRequest<Req, Resp> call);
  }

  public static <Req, Resp> void unary(GrpcServer server, ServiceMethod<Req, Resp> method, Unary<Req, Resp> handler) {
    unaryFrom(server, method, (headers, peer, request) -> handler.call(headers, request));
  }

  public static <Req, Resp> void unaryFrom(GrpcServer server, ServiceMethod<Req, Resp> method,
      UnaryFrom<Req, Resp> handler) {
    server.callHandler(method, call -> call.handler(request -> {
      Context context = Vertx.currentContext();
      Future<Resp> result;
      try {
        result = handler.call(call.headers(), call.connection().remoteAddress(), request);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      // Answer on the call's own event loop: a write from another thread (say, a database connection's) is
      // queued to it and may wait there for the next read to flush it.
      result.onComplete(ar -> {
        Handler<Void> answer = v -> {
          try {
            if (ar.succeeded()) {
              call.response().end(ar.result());
            } else {
              fail(call.response(), method, ar.cause());
            }
          } catch (IllegalStateException | NullPointerException gone) {
            // The caller left first: nobody to tell. (Vert.x 5.0 throws the NPE ending a stream whose connection
            // has closed.)
          }
        };
        if (Vertx.currentContext() == context) {
          answer.handle(null);
        } else {
          context.runOnContext(answer);
        }
      });
    }));
  }

  public static <Req, Resp> void serverStreaming(GrpcServer server, ServiceMethod<Req, Resp> method,
      ServerStreaming<Req, Resp> handler) {
    server.callHandler(method, call -> call.handler(request -> {
      Future<Void> started;
      try {
        started = handler.call(call.headers(), request, call);
      } catch (RuntimeException e) {
        started = Future.failedFuture(e);
      }
      started.onFailure(failure -> fail(call.response(), method, failure));
    }));
  }

  public static void fail(GrpcServerResponse<?, ?> response, ServiceMethod<?, ?> method, Throwable failure) {
    StatusException status = status(failure);
    if (status.status() == GrpcStatus.INTERNAL) {
      LOG.error("event=call_failed method={}", method.fullMethodName(), failure);
    }
    response.status(status.status()).statusMessage(status.message()).end();
  }

  static StatusException status(Throwable failure) {
    if (failure instanceof StatusException) {
      return (StatusException) failure;
    }
    return new StatusException(GrpcStatus.INTERNAL, failure.getClass().getSimpleName() + ": " + failure.getMessage());
  }
}
