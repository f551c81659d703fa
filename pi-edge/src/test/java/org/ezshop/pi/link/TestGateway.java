package org.ezshop.pi.link;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ezshop.edge.v1.Ack;
import org.ezshop.edge.v1.EdgeLinkServiceGrpc;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.TimeSyncReply;
import org.ezshop.edge.v1.Welcome;

/**
 * A stand-in gateway over real gRPC on loopback: checks the token, applies each data message once (by seq),
 * acks it, and can cut every open stream. Records what it applied for the test to check.
 */
final class TestGateway implements AutoCloseable {

  private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  final List<Reading> applied = new CopyOnWriteArrayList<>();
  final List<Long> notices = new CopyOnWriteArrayList<>();
  final List<TimeSyncReply> timeSyncReplies = new CopyOnWriteArrayList<>();
  final AtomicLong appliedSeq = new AtomicLong();
  final AtomicLong resends = new AtomicLong();
  private final Set<StreamObserver<GatewayMessage>> open = ConcurrentHashMap.newKeySet();
  private final Server server;

  TestGateway(String token) throws Exception {
    this(token, null);
  }

  /** @param tls the server's TLS context; null for plaintext */
  TestGateway(String token, SslContext tls) throws Exception {
    ServerInterceptor auth = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        if (!("Bearer " + token).equals(headers.get(AUTHORIZATION))) {
          call.close(Status.UNAUTHENTICATED.withDescription("bad token"), new Metadata());
          return new ServerCall.Listener<>() {
          };
        }
        return Contexts.interceptCall(Context.current(), call, headers, next);
      }
    };
    NettyServerBuilder builder = NettyServerBuilder.forPort(0).directExecutor();
    if (tls != null) {
      builder.sslContext(tls);
    }
    server = builder
        .addService(ServerInterceptors.intercept(new EdgeLinkServiceGrpc.EdgeLinkServiceImplBase() {
          @Override
          public StreamObserver<EdgeMessage> connect(StreamObserver<GatewayMessage> out) {
            open.add(out);
            return new StreamObserver<>() {
              @Override
              public void onNext(EdgeMessage message) {
                synchronized (TestGateway.this) {
                  if (!open.contains(out)) {
                    return; // cut: what was still on its way never arrives
                  }
                  if (message.hasTimeSyncReply()) {
                    timeSyncReplies.add(message.getTimeSyncReply());
                  } else if (message.hasHello()) {
                    out.onNext(GatewayMessage.newBuilder().setWelcome(Welcome.newBuilder().setAckedSeq(appliedSeq.get())).build());
                  } else if (message.getSeq() <= appliedSeq.get()) {
                    resends.incrementAndGet(); // already applied: no second effect
                  } else {
                    applied.addAll(message.getReadings().getReadingsList());
                    if (message.hasNotice()) {
                      notices.add(message.getNotice().getCount());
                    }
                    appliedSeq.set(message.getSeq());
                    out.onNext(GatewayMessage.newBuilder().setAck(Ack.newBuilder().setUpToSeq(message.getSeq())).build());
                  }
                }
              }

              @Override
              public void onError(Throwable t) {
                open.remove(out);
              }

              @Override
              public void onCompleted() {
                open.remove(out);
                out.onCompleted();
              }
            };
          }
        }, auth))
        .build().start();
  }

  int port() {
    return server.getPort();
  }

  /** Sends a message to every connected device. */
  void push(GatewayMessage message) {
    for (StreamObserver<GatewayMessage> out : open) {
      synchronized (this) {
        out.onNext(message);
      }
    }
  }

  /** Breaks every open stream, as a network cut would. */
  synchronized void cut() {
    for (StreamObserver<GatewayMessage> out : open) {
      open.remove(out);
      try {
        out.onError(Status.UNAVAILABLE.withDescription("link cut").asRuntimeException());
      } catch (RuntimeException alreadyClosed) {
        // the stream ended on its own meanwhile
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
