package org.ezshop.pi;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ezshop.edgelink.Backoff;
import org.ezshop.edgelink.YamlConfig;
import org.ezshop.pi.config.ConfigFile;
import org.ezshop.pi.config.ShelfConfig;
import org.ezshop.pi.link.ShelfLink;
import org.ezshop.pi.outbox.Outbox;
import org.ezshop.pi.sampler.Sampler;
import org.ezshop.rpc.Tls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** `pi-edge --config shelf.yaml [--simulate]`: the shelf agent, wired by hand. */
public final class PiEdge {

  private static final Logger LOG = LoggerFactory.getLogger(PiEdge.class);
  static final String VERSION = "pi-edge/0.1.0";
  private static final String USAGE = "usage: pi-edge --config shelf.yaml [--simulate [--simulate-picks SECONDS]]\n"
      + "  --simulate: mock pins under full rows, changed by lines on stdin: take|put|empty|fill SENSOR [N]\n"
      + "  --simulate-picks: an item gone from every row each SECONDS, until the first line";

  public static void main(String[] args) throws Exception {
    Path config = null;
    boolean simulate = false;
    long pickEvery = 0;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        config = Path.of(args[++i]);
      } else if (args[i].equals("--simulate")) {
        simulate = true;
      } else if (args[i].equals("--simulate-picks") && i + 1 < args.length && args[i + 1].matches("[1-9][0-9]{0,5}")) {
        pickEvery = Long.parseLong(args[++i]);
      } else {
        System.err.println(USAGE);
        System.exit(2);
      }
    }
    if (config == null || pickEvery > 0 && !simulate) {
      System.err.println(USAGE);
      System.exit(2);
    }
    ShelfConfig shelf;
    try {
      shelf = ConfigFile.read(config, System.getenv());
    } catch (YamlConfig.Invalid e) {
      System.err.println("pi-edge: " + e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
    SimulatedShelf simulated = null;
    if (simulate) {
      SimulatedShelf shelfByHand = simulated = new SimulatedShelf(pickEvery);
      Thread hands = new Thread(() -> new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
          .lines().filter(line -> !line.isBlank()).forEach(line -> System.out.println(shelfByHand.command(line))),
          "simulated-hands");
      hands.setDaemon(true);
      hands.start();
    }
    run(shelf, simulated, stop);
  }

  /**
   * Runs until {@code stop} opens; what is not yet acked stays in the outbox for the next run. The sensors are
   * {@code simulated}, or with null the Pi's own pins.
   */
  public static void run(ShelfConfig shelf, SimulatedShelf simulated, CountDownLatch stop) throws Exception {
    boolean simulate = simulated != null;
    if (simulate) { // Pi4J looks for the board it runs on, and logs errors off a Pi; the mock pins need none
      System.setProperty("org.slf4j.simpleLogger.log.com.pi4j.boardinfo", "off");
    }
    Context pi4j = simulate
        ? Pi4J.newContextBuilder().add(new MockPlatform())
            .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build()
        : Pi4J.newAutoContext();
    ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "agent"));
    List<ManagedChannel> channels = new ArrayList<>();
    for (String gateway : shelf.gateways()) {
      channels.add(channel(gateway, shelf.tls()));
    }
    Outbox outbox = Outbox.open(shelf.outbox().dir(), shelf.outbox().maxBytes(),
        Math.max(64 * 1024, shelf.outbox().maxBytes() / 16), shelf.outbox().syncEvery());
    List<Sampler.Scheduled> sensors = new ArrayList<>();
    for (ShelfConfig.Sensor s : shelf.sensors()) {
      sensors.add(new Sampler.Scheduled(s.id(), simulate ? simulated.open(pi4j, s) : Sensors.open(pi4j, s, System::nanoTime),
          s.rateHz()));
    }
    Sampling sampling = new Sampling(sensors, shelf.batch());
    ShelfLink link = new ShelfLink(channels, shelf.token(), shelf.deviceId(), VERSION, outbox,
        new Backoff(250, 30_000), agent, message -> {
          if (message.hasConfig()) {
            sampling.apply(message.getConfig());
          } else {
            LOG.info("event=gateway_message type={}", message.getBodyCase());
          }
        });
    link.start();
    sampling.start(link::send);
    LOG.info("event=started device={} gateway={} sensors={} simulate={}", shelf.deviceId(), shelf.gateways(),
        sensors.size(), simulate);
    stop.await();
    sampling.close();
    link.close();
    agent.submit(() -> {
      outbox.close();
      return null;
    }).get(10, TimeUnit.SECONDS);
    agent.shutdown();
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    pi4j.shutdown();
  }

  private static ManagedChannel channel(String gateway, Tls tls) {
    int colon = gateway.lastIndexOf(':');
    return NettyChannelBuilder.forAddress(gateway.substring(0, colon), Integer.parseInt(gateway.substring(colon + 1)),
            tls.deviceCredentials())
        // Behind NAT a quiet connection is dropped silently: probe it, and notice a dead one within a minute.
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveTimeout(20, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(true)
        .build();
  }
}
