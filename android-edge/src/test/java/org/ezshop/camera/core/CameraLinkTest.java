package org.ezshop.camera.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.okhttp.OkHttpChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ezshop.edge.v1.Command;
import org.ezshop.edge.v1.FrameTrigger;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Greet;
import org.ezshop.edgelink.Backoff;
import org.junit.jupiter.api.Test;

/** The camera link over grpc-okhttp against a stand-in gateway on loopback. */
class CameraLinkTest {

  @Test
  void aShelfCameraCutOffForFiveSecondsLosesOnlyWhatTheBufferCannotHoldAndSaysHowMany() throws Exception {
    TestGateway gateway = new TestGateway();
    gateway.start(0);
    int port = gateway.server.getPort();
    ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor();
    ManagedChannel channel = OkHttpChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    List<String> spoken = new CopyOnWriteArrayList<>();
    CameraLink link = new CameraLink(channel, "camera-token-0123456789", "cam-shelf-1", "cam-1", "test",
        new FrameBuffer(20, 10 << 20, 1), new Backoff(50, 500), agent, spoken::add, m -> { });
    ShelfCamera shelf = new ShelfCamera(100, new FrameRing(0, 1), link);
    link.start();
    try {
      long t = 1_000_000;
      int sent = 0;
      for (; sent < 20; sent++) { // 2 s at 10 frames a second, link up
        shelf.accept(new CapturedFrame(new byte[2000], t + 100L * sent, List.of()));
        Thread.sleep(100);
      }
      gateway.stop();
      for (; sent < 70; sent++) { // 5 s with no gateway: 50 frames into a buffer of 20
        shelf.accept(new CapturedFrame(new byte[2000], t + 100L * sent, List.of()));
        Thread.sleep(100);
      }
      gateway.start(port);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (gateway.frames.size() + gateway.notices.stream().mapToLong(Long::longValue).sum() < 70
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      long lost = gateway.notices.stream().mapToLong(Long::longValue).sum();
      assertEquals(70, gateway.frames.size() + lost, "every frame arrived or was reported lost");
      assertTrue(lost >= 30 && lost <= 31, "the buffer of 20 kept the newest of the 50, lost " + lost);
      for (int i = 1; i < gateway.frames.size(); i++) {
        assertTrue(gateway.frames.get(i) > gateway.frames.get(i - 1), "in order");
      }
      assertEquals(t + 6900, (long) gateway.frames.get(gateway.frames.size() - 1), "the newest arrived");
      assertTrue(gateway.frameMessages.stream().allMatch(f -> f.getTrigger() == FrameTrigger.FRAME_TRIGGER_PERIODIC));

      for (StreamObserver<GatewayMessage> out : gateway.open) {
        out.onNext(GatewayMessage.newBuilder().setCommand(Command.newBuilder().setCommandId("c1")
            .setGreet(Greet.newBuilder().setText("Welcome back, Ana"))).build());
      }
      Thread.sleep(300);
      assertEquals(List.of("Welcome back, Ana"), spoken);
    } finally {
      link.close();
      agent.submit(() -> null).get(5, TimeUnit.SECONDS);
      agent.shutdownNow();
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      gateway.stop();
    }
  }
}
