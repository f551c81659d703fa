package org.ezshop.camera.core;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.ezshop.edge.v1.Ack;
import org.ezshop.edge.v1.EdgeLinkServiceGrpc;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.Frame;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Welcome;

/** A stand-in gateway for camera tests: applies each message once by seq, acks it, keeps its state across restarts. */
public final class TestGateway {
  public final List<Long> frames = new CopyOnWriteArrayList<>(); // capture times, in the order applied
  public final List<Frame> frameMessages = new CopyOnWriteArrayList<>();
  public final List<Long> notices = new CopyOnWriteArrayList<>();
  public final AtomicLong applied = new AtomicLong();
  public final List<StreamObserver<GatewayMessage>> open = new CopyOnWriteArrayList<>();
  /** What the gateway answers a frame with, besides its ack (e.g. a greet command); null for nothing. */
  public volatile Function<Frame, GatewayMessage> onFrame = frame -> null;
  public Server server;

  public void start(int port) throws Exception {
    server = NettyServerBuilder.forPort(port).directExecutor().addService(new EdgeLinkServiceGrpc.EdgeLinkServiceImplBase() {
      @Override
      public StreamObserver<EdgeMessage> connect(StreamObserver<GatewayMessage> out) {
        open.add(out);
        return new StreamObserver<>() {
          @Override
          public void onNext(EdgeMessage m) {
            synchronized (TestGateway.this) {
              if (m.hasHello()) {
                out.onNext(GatewayMessage.newBuilder().setWelcome(Welcome.newBuilder().setAckedSeq(applied.get())).build());
              } else if (m.getSeq() > applied.get()) {
                if (m.hasFrame()) {
                  frameMessages.add(m.getFrame());
                  frames.add(m.getFrame().getCapturedAt().getSeconds() * 1000 + m.getFrame().getCapturedAt().getNanos() / 1_000_000);
                } else if (m.hasNotice()) {
                  notices.add(m.getNotice().getCount());
                }
                applied.set(m.getSeq());
                out.onNext(GatewayMessage.newBuilder().setAck(Ack.newBuilder().setUpToSeq(m.getSeq())).build());
                GatewayMessage reply = m.hasFrame() ? onFrame.apply(m.getFrame()) : null;
                if (reply != null) {
                  out.onNext(reply);
                }
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
    }).build().start();
  }

  public void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    open.clear();
  }
}
