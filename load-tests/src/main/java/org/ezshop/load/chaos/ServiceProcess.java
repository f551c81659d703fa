package org.ezshop.load.chaos;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One of the platform's services as a process of its own, on a fixed port, its output appended to a log. */
public final class ServiceProcess {

  private static final long START_MILLIS = 90_000;
  final String name;
  private final List<String> command;
  private final String host;
  private final int port;
  private final Path log;
  private final Map<String, String> env;
  private Process process;

  ServiceProcess(String name, List<String> command, int port, Path log) {
    this(name, command, port, log, Map.of());
  }

  /** @param env variables the process gets besides this one's */
  public ServiceProcess(String name, List<String> command, int port, Path log, Map<String, String> env) {
    this(name, command, "127.0.0.1", port, log, env);
  }

  /** @param host the address it listens on, where {@link #start} waits for it */
  public ServiceProcess(String name, List<String> command, String host, int port, Path log, Map<String, String> env) {
    this.name = name;
    this.command = command;
    this.host = host;
    this.port = port;
    this.log = log;
    this.env = env;
  }

  /** Starts it and waits until its port accepts connections. */
  public synchronized void start() throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    process = builder.start();
    long until = System.currentTimeMillis() + START_MILLIS;
    while (!listening()) {
      if (!process.isAlive() || System.currentTimeMillis() > until) {
        process.destroyForcibly();
        throw new IllegalStateException(name + " did not start listening on port " + port + " (exit "
            + (process.isAlive() ? "none" : process.exitValue()) + "); see " + log);
      }
      Thread.sleep(100);
    }
  }

  /** SIGKILL: no shutdown hook, nothing flushed or drained. */
  public synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** SIGTERM, as an operator stops it. */
  public synchronized void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  private boolean listening() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
