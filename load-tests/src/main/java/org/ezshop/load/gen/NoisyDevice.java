package org.ezshop.load.gen;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.edge.v1.EdgeLinkServiceGrpc;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Hello;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.load.ClientAuth;
import org.ezshop.load.gateway.EdgeLinkLoad;
import org.ezshop.rpc.EpochMillis;

/**
 * A device gone wrong: it sends one-reading messages at {@code perSecond}, paced, on its own connection, and after
 * its stream is ended (a limit) reconnects a second later and does it again, until stopped.
 */
public final class NoisyDevice implements AutoCloseable {

  private final EdgeLinkLoad.Device device;
  private final double perSecond;
  private final ManagedChannel channel;
  private final Thread sender;
  private final AtomicReference<String> lastEnd = new AtomicReference<>("");
  private volatile boolean stopped;
  private volatile long sent;
  private volatile int ends;

  public NoisyDevice(String host, int port, EdgeLinkLoad.Device device, double perSecond) {
    this.device = device;
    this.perSecond = perSecond;
    this.channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
    this.sender = new Thread(this::loop, "noisy-device");
  }

  public NoisyDevice start() {
    sender.start();
    return this;
  }

  /** Messages sent, streams the gateway ended, and the status of the last. */
  public String summary() {
    return String.format("%,d messages sent, %d streams ended by the gateway, the last: %s", sent, ends, lastEnd.get());
  }

  public int ends() {
    return ends;
  }

  private void loop() {
    while (!stopped) {
      CompletableFuture<Status> ended = new CompletableFuture<>();
      StreamObserver<EdgeMessage> out = ClientAuth.as(EdgeLinkServiceGrpc.newStub(channel), device.token())
          .connect(new StreamObserver<>() {
            @Override
            public void onNext(GatewayMessage message) {
            }

            @Override
            public void onError(Throwable t) {
              ended.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
              ended.complete(Status.OK);
            }
          });
      out.onNext(EdgeMessage.newBuilder().setHello(Hello.newBuilder().setDeviceId(device.id())
          .setKind(DeviceKind.DEVICE_KIND_SHELF).addSourceIds(device.sensorId())).build());
      long start = System.nanoTime();
      for (long seq = 1; !stopped && !ended.isDone(); seq++) {
        LockSupport.parkNanos(start + (long) (seq * 1e9 / perSecond) - System.nanoTime());
        sent++;
        out.onNext(EdgeMessage.newBuilder().setSeq(seq).setReadings(ReadingBatch.newBuilder().addReadings(
            Reading.newBuilder().setSensorId(device.sensorId()).setCapturedAt(EpochMillis.timestamp(
                System.currentTimeMillis())).setDistanceMm(300))).build());
      }
      if (ended.isDone()) {
        ends++;
        lastEnd.set(ended.join().toString());
        sleep(1000);
      } else {
        out.onCompleted();
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    sender.join(5000);
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
