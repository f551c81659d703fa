package org.ezshop.camera.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Duration;
import io.grpc.ManagedChannel;
import io.grpc.okhttp.OkHttpChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ezshop.edge.v1.CaptureBurst;
import org.ezshop.edge.v1.Command;
import org.ezshop.edge.v1.FrameTrigger;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.SendFrames;
import org.ezshop.edgelink.Backoff;
import org.ezshop.rpc.EpochMillis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ShelfCameraTest {

  private final TestGateway gateway = new TestGateway();
  private final ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor();
  private ManagedChannel channel;
  private CameraLink link;
  private ShelfCamera shelf;

  @BeforeEach
  void start() throws Exception {
    gateway.start(0);
    channel = OkHttpChannelBuilder.forAddress("127.0.0.1", gateway.server.getPort()).usePlaintext().build();
  }

  /** A shelf camera sending a frame a second, its ring {@code ringMillis} long, answering bursts and sends. */
  private void camera(long ringMillis) {
    link = new CameraLink(channel, "camera-token-0123456789", "cam-shelf-2", "cam-2", "test",
        new FrameBuffer(100, 10 << 20, 1), new Backoff(50, 500), agent, text -> { }, message -> {
          if (message.getCommand().hasCaptureBurst()) {
            shelf.burst(message.getCommand().getCaptureBurst());
          } else if (message.getCommand().hasSendFrames()) {
            shelf.send(message.getCommand().getSendFrames());
          }
        });
    shelf = new ShelfCamera(1000, new FrameRing(ringMillis, 10 << 20), link);
  }

  @AfterEach
  void stop() throws Exception {
    link.close();
    agent.submit(() -> null).get(5, TimeUnit.SECONDS);
    agent.shutdownNow();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    gateway.stop();
  }

  @Test
  void streamsAtTheLowRateAndBurstsWhenTheGatewayAsks() throws Exception {
    camera(0);
    // The gateway asks for a burst of 4 frames, 100 ms apart, when it sees the frame captured at 2 s.
    GatewayMessage burst = GatewayMessage.newBuilder().setCommand(Command.newBuilder().setCommandId("b1")
        .setCaptureBurst(CaptureBurst.newBuilder().setFrames(4).setInterval(Duration.newBuilder().setNanos(100_000_000))))
        .build();
    gateway.onFrame = frame -> frame.getCapturedAt().getSeconds() == 2 && frame.getCapturedAt().getNanos() == 0
        ? burst : null;
    link.start();
    for (long at = 0; at <= 6000; at += 50) { // a camera at 20 frames a second, for 6 s of capture time
      shelf.accept(new CapturedFrame(new byte[100], at, List.of()));
      if (at == 2000) {
        waitFor(3); // the burst command's round trip, before the next frame is captured
        Thread.sleep(200);
      }
    }
    waitFor(10);
    assertEquals(List.of("P0", "P1000", "P2000", "B2050", "B2150", "B2250", "B2350", "P3350", "P4350", "P5350"),
        sent());
  }

  @Test
  void aSpanTheGatewayAsksForIsSentFromTheRingWithItsCaptureTimesAsFarBackAsTheRingReaches() throws Exception {
    camera(2000);
    // Having the frame captured at 3 s, the gateway asks for 0.0-1.4 s: the ring holds the last 2 s.
    GatewayMessage ask = GatewayMessage.newBuilder().setCommand(Command.newBuilder().setCommandId("r1")
        .setSendFrames(SendFrames.newBuilder().setFrom(EpochMillis.timestamp(0)).setTo(EpochMillis.timestamp(1400))))
        .build();
    gateway.onFrame = frame -> EpochMillis.of(frame.getCapturedAt()) == 3000 ? ask : null;
    link.start();
    for (long at = 0; at <= 3000; at += 50) {
      shelf.accept(new CapturedFrame(new byte[100], at, List.of()));
    }
    waitFor(13);
    assertEquals(List.of("P0", "P1000", "P2000", "P3000", "R1000", "R1050", "R1100", "R1150", "R1200", "R1250",
        "R1300", "R1350", "R1400"), sent(), "the periodic frames, then the span asked for, the sent one again");
  }

  /** Each frame the gateway got, by trigger (P periodic, B burst, R requested) and capture time. */
  private List<String> sent() {
    List<String> sent = new ArrayList<>();
    gateway.frameMessages.forEach(f -> sent.add((f.getTrigger() == FrameTrigger.FRAME_TRIGGER_BURST ? "B"
        : f.getTrigger() == FrameTrigger.FRAME_TRIGGER_REQUESTED ? "R" : "P") + EpochMillis.of(f.getCapturedAt())));
    return sent;
  }

  private void waitFor(int frames) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (gateway.frameMessages.size() < frames && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }
}
