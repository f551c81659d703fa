package org.ezshop.load.chaos;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy between two processes that can cut the link (every connection closed, new ones refused), stall it
 * (nothing forwarded, connections kept open) or slow it (every chunk held back a while), each until told otherwise.
 */
public final class FaultProxy {

  private final Vertx vertx;
  private final NetServer server;
  private final NetClient client;
  private final int targetPort;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private volatile boolean stalled;
  private volatile long delayMillis;

  private FaultProxy(Vertx vertx, int targetPort) {
    this.vertx = vertx;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient();
    this.server = vertx.createNetServer().connectHandler(this::accept);
  }

  /** Listens on {@code port} of loopback and forwards to {@code targetPort} there. */
  public static Future<FaultProxy> start(Vertx vertx, int port, int targetPort) {
    FaultProxy proxy = new FaultProxy(vertx, targetPort);
    return proxy.server.listen(port, "127.0.0.1").map(s -> proxy);
  }

  /** The port it listens on. */
  public int port() {
    return server.actualPort();
  }

  public void cut(boolean on) {
    cut = on;
    if (on) {
      sockets.forEach(NetSocket::close);
    }
  }

  void stall(boolean on) {
    stalled = on;
    sockets.forEach(on ? NetSocket::pause : NetSocket::resume);
  }

  void delay(long millis) {
    delayMillis = millis;
  }

  public Future<Void> close() {
    sockets.forEach(NetSocket::close);
    return server.close().compose(v -> client.close());
  }

  private void accept(NetSocket in) {
    if (cut) {
      in.close();
      return;
    }
    in.pause();
    client.connect(targetPort, "127.0.0.1").onComplete(connected -> {
      if (connected.failed() || cut) {
        in.close();
        if (connected.succeeded()) {
          connected.result().close();
        }
        return;
      }
      NetSocket out = connected.result();
      sockets.add(in);
      sockets.add(out);
      forward(in, out);
      forward(out, in);
      if (!stalled) {
        in.resume();
      } else {
        out.pause();
      }
    });
  }

  /** Chunks from one side to the other, in order, each held back by the delay of the moment it arrived. */
  private void forward(NetSocket from, NetSocket to) {
    ArrayDeque<Held> held = new ArrayDeque<>();
    from.handler(chunk -> {
      long delay = delayMillis;
      if (delay == 0 && held.isEmpty()) {
        to.write(chunk);
        return;
      }
      held.addLast(new Held(System.currentTimeMillis() + delay, chunk));
      if (held.size() == 1) {
        release(held, to);
      }
    });
    from.closeHandler(v -> {
      sockets.remove(from);
      to.close();
    });
    from.exceptionHandler(e -> from.close());
  }

  private void release(ArrayDeque<Held> held, NetSocket to) {
    long wait = held.peekFirst().due() - System.currentTimeMillis();
    vertx.setTimer(Math.max(1, wait), t -> {
      long now = System.currentTimeMillis();
      while (!held.isEmpty() && held.peekFirst().due() <= now) {
        to.write(held.pollFirst().chunk());
      }
      if (!held.isEmpty()) {
        release(held, to);
      }
    });
  }

  private record Held(long due, Buffer chunk) {
  }
}
