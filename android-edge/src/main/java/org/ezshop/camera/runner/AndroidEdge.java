package org.ezshop.camera.runner;

import io.grpc.ManagedChannel;
import io.grpc.okhttp.OkHttpChannelBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.ezshop.camera.core.CameraLink;
import org.ezshop.camera.core.CapturedFrame;
import org.ezshop.camera.core.DoorCamera;
import org.ezshop.camera.core.FrameBuffer;
import org.ezshop.camera.core.FrameRing;
import org.ezshop.camera.core.ShelfCamera;
import org.ezshop.camera.core.Speaker;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edgelink.Backoff;
import org.ezshop.edgelink.YamlConfig;
import org.ezshop.rpc.Tls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The camera agent on a desktop, for tests and demos: `android-edge --config camera.yaml`. Images replayed as
 * the camera, the hint gate, a log (or espeak-ng) speaker; the same core and grpc-okhttp transport as on
 * Android.
 */
public final class AndroidEdge implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AndroidEdge.class);
  static final String VERSION = "android-edge/0.1.0";

  private final List<ManagedChannel> channels = new ArrayList<>();
  private final ScheduledExecutorService agent;
  private final CameraLink link;
  private final ImageReplay source;

  private AndroidEdge(CameraConfig config, Speaker speaker) {
    for (String gateway : config.gateways) {
      int colon = gateway.lastIndexOf(':');
      channels.add(OkHttpChannelBuilder.forAddress(gateway.substring(0, colon),
              Integer.parseInt(gateway.substring(colon + 1)), config.tls.deviceCredentials())
          .keepAliveTime(30, TimeUnit.SECONDS)
          .build());
    }
    this.agent = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "camera-agent"));
    ShelfCamera[] shelf = new ShelfCamera[1];
    Consumer<GatewayMessage> commands = message -> {
      if (message.hasCommand() && message.getCommand().hasCaptureBurst() && shelf[0] != null) {
        shelf[0].burst(message.getCommand().getCaptureBurst());
      } else if (message.hasCommand() && message.getCommand().hasSendFrames() && shelf[0] != null) {
        LOG.info("event=frames_requested command={} sent={}", message.getCommand().getCommandId(),
            shelf[0].send(message.getCommand().getSendFrames()));
      }
    };
    this.link = new CameraLink(channels, config.token, config.deviceId, config.cameraId, VERSION,
        new FrameBuffer(config.bufferFrames, config.bufferBytes, 1), new Backoff(500, 30_000), agent, speaker,
        commands);
    Consumer<CapturedFrame> role;
    if (config.role == CameraConfig.Role.SHELF) {
      // The ring keeps at most what the unacked buffer may, so a camera never holds more than twice its bound.
      shelf[0] = new ShelfCamera(config.shelfPeriodMillis, new FrameRing(config.shelfRingMillis, config.bufferBytes),
          link);
      role = shelf[0];
    } else {
      role = new DoorCamera(new HintGate(config.minFaceWidth), config.cooldownMillis, link);
    }
    this.source = new ImageReplay(config.shots, config.scene, config.fps, config.loop);
    link.start();
    source.start(role);
    LOG.info("event=started camera={} role={} gateway={} source={}", config.cameraId, config.role, config.gateways,
        config.scene != null ? "scene " + config.scene : config.shots.size() + " images");
  }

  public static AndroidEdge start(CameraConfig config, Speaker speaker) {
    return new AndroidEdge(config, speaker);
  }

  /** Highest frame sequence number the gateway acked. */
  public long acked() throws Exception {
    return agent.submit(link::acked).get(5, TimeUnit.SECONDS);
  }

  /** True once a replay that does not loop has shown its last image and the gateway acked every frame sent. */
  public boolean done() throws Exception {
    return source.finished() && agent.submit(() -> link.acked() == link.stored()).get(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    source.close();
    link.close();
    agent.shutdown();
    try {
      agent.awaitTermination(5, TimeUnit.SECONDS);
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !args[0].equals("--config")) {
      System.err.println("usage: android-edge --config camera.yaml   (see android-edge/camera.example.yaml)");
      System.exit(2);
    }
    CameraConfig config;
    try {
      config = CameraConfigFile.read(Path.of(args[1]), System.getenv());
    } catch (YamlConfig.Invalid e) {
      System.err.println("android-edge: " + e.getMessage());
      System.exit(2);
      return;
    }
    AndroidEdge edge = start(config, Speakers.of(config.speaker));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      edge.close();
      stopped.countDown();
    }));
    stopped.await();
  }
}
