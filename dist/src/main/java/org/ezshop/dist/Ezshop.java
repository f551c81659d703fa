package org.ezshop.dist;

import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.ezshop.load.replay.Recording;
import org.ezshop.load.replay.RecordingProxy;
import org.ezshop.load.replay.Replayer;
import org.ezshop.load.sim.StoreSimulator;
import org.ezshop.rpc.EventLoops;
import sun.misc.Signal;

/** The `ezshop` launcher: wires the services by hand and runs them until Ctrl-C or SIGTERM. */
public final class Ezshop {

  private final Vertx vertx;
  private final Platform platform;
  private final Duration grace;

  private Ezshop(Vertx vertx, Platform platform, Duration grace) {
    this.vertx = vertx;
    this.platform = platform;
    this.grace = grace;
  }

  public static void main(String[] args) {
    Settings settings;
    try {
      settings = Settings.parse(List.of(args), System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("ezshop: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (settings.command.equals("help")) {
      System.out.print(Settings.usage());
      return;
    }
    if (settings.quietDemo()) { // before the first logger exists: slf4j-simple reads this once
      System.setProperty("org.slf4j.simpleLogger.logFile", Option.DEMO_LOG);
      System.out.println("ezshop: demo: the services log to " + Option.DEMO_LOG + " (--verbose shows them here)");
    }
    if (settings.command.equals("simulate") || settings.command.equals("replay")) {
      if (settings.managerTokenGenerated) {
        System.err.println("ezshop: " + settings.command + " needs the platform's manager token (--manager-token or "
            + "EZSHOP_MANAGER_TOKEN)");
        System.exit(2);
      }
      try {
        if (settings.command.equals("simulate")) {
          StoreSimulator.run(settings.simulation(false), settings.gatewayTarget(), settings.storeTarget(),
              settings.managerToken(), System.out);
        } else {
          Replayer.run(settings.recordingFile(), settings.speed(), settings.gatewayTarget(), settings.storeTarget(),
              settings.managerToken(), settings.receiptsFile(), System.out);
        }
        System.exit(0);
      } catch (Exception e) {
        System.err.println("ezshop: " + settings.command + " failed: " + e.getMessage());
        System.exit(1);
      }
      return;
    }
    if (settings.command.startsWith("bench-") || settings.command.equals("load")) {
      try {
        switch (settings.command) {
          case "bench-store" -> Benchmarks.store(settings, System.out);
          case "bench-identity" -> Benchmarks.identity(settings, System.out);
          case "bench-gateway" -> Benchmarks.gateway(settings, System.out);
          case "bench-fusion" -> Benchmarks.fusion(settings, System.out);
          case "load" -> Benchmarks.load(settings, System.out);
          default -> throw new IllegalArgumentException("unknown command '" + settings.command + "' (see ezshop --help)");
        }
        System.exit(0);
      } catch (Exception e) {
        System.err.println("ezshop: " + settings.command + " failed: " + e.getMessage());
        System.exit(1);
      }
      return;
    }
    Runnable stopping;
    try {
      if (settings.command.equals("record")) {
        RecordingProxy proxy = RecordingProxy.start(settings.recorderPort(), settings.gatewayTarget(),
            settings.storeTarget(), Recording.create(settings.recordingFile()));
        System.out.printf("ezshop: record: listening on port %d; StoreService to %s, the rest to %s; writing %s "
            + "(Ctrl-C stops)%n", proxy.port(), settings.storeTarget(), settings.gatewayTarget(), settings.recordingFile());
        stopping = () -> {
          try {
            proxy.close();
          } catch (Exception e) {
            System.err.println("ezshop: the recording did not close cleanly: " + e.getMessage());
          }
        };
      } else {
        Ezshop running = start(settings, System.out);
        if (settings.command.equals("demo")) {
          running.demo(settings, System.out);
        }
        stopping = running::stop;
      }
    } catch (Exception e) {
      System.err.println("ezshop: could not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable stop = () -> {
      stopping.run();
      stopped.countDown();
    };
    Signal.handle(new Signal("INT"), signal -> new Thread(stop, "ezshop-stop").start());
    Signal.handle(new Signal("TERM"), signal -> new Thread(stop, "ezshop-stop").start());
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    System.out.println("ezshop: stopped");
    System.exit(0);
  }

  /** Starts what the settings' command names and prints where each service listens. */
  static Ezshop start(Settings settings, PrintStream out) throws Exception {
    Vertx vertx = EventLoops.vertx();
    try {
      Platform platform = Platform.start(vertx, settings, settings.command.equals("demo") ? "all" : settings.command)
          .await(60, TimeUnit.SECONDS);
      for (Map.Entry<String, Integer> service : platform.ports().entrySet()) {
        out.printf("ezshop: %s listening on port %d%n", service.getKey(), service.getValue());
      }
      if (settings.managerTokenGenerated) {
        out.println("ezshop: manager token " + settings.managerToken() + " (random; set EZSHOP_MANAGER_TOKEN to choose)");
      }
      Integer web = platform.ports().get("gateway-web");
      if (web != null) {
        out.printf("ezshop: manager dashboard http://127.0.0.1:%d/dashboard.html, shopper page "
            + "http://127.0.0.1:%d/shop.html%n", web, web);
      }
      out.println("ezshop: ready (Ctrl-C stops)");
      return new Ezshop(vertx, platform, settings.shutdownGrace());
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
  }

  /** Runs the simulated store against this platform in the background, printing what happens. */
  void demo(Settings settings, PrintStream out) {
    out.printf("ezshop: demo: a simulated store walks in; ShopService and EdgeLink on 127.0.0.1:%d%n",
        ports().get("gateway"));
    Thread simulation = new Thread(() -> {
      try {
        StoreSimulator.run(settings.simulation(true), "127.0.0.1:" + ports().get("gateway"),
            "127.0.0.1:" + ports().get("store-svc"), settings.managerToken(), out);
        out.println("ezshop: demo: the simulated store has closed; the platform keeps running (Ctrl-C stops)");
      } catch (Exception e) {
        out.println("ezshop: demo: the simulation failed: " + e.getMessage());
      }
    }, "ezshop-demo");
    simulation.setDaemon(true);
    simulation.start();
  }

  Map<String, Integer> ports() {
    return platform.ports();
  }

  /** Stops accepting calls, lets open streams finish within the grace period, then closes everything. */
  void stop() {
    try {
      platform.close(grace).await(grace.toMillis() + 5000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      System.err.println("ezshop: services did not stop cleanly: " + e.getMessage());
    }
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("ezshop: Vert.x did not stop cleanly: " + e.getMessage());
    }
  }
}
