package org.ezshop.load.sim;

import io.grpc.Channel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.Frame;
import org.ezshop.edge.v1.FrameTrigger;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Hello;
import org.ezshop.edge.v1.SendFrames;
import org.ezshop.edgelink.Backoff;
import org.ezshop.edgelink.EdgeLinkClient;
import org.ezshop.edgelink.Unacked;
import org.ezshop.rpc.EpochMillis;

/**
 * A simulated edge device on the agents' own {@link EdgeLinkClient}, with an in-memory outbox and a clock that is
 * {@code clockOffsetMillis} off the machine's. State lives on the shared single-thread {@code agent}.
 */
public final class SimDevice {

  private final ScheduledExecutorService agent;
  private final EdgeLinkClient client;
  private final MemoryUnacked unacked = new MemoryUnacked();
  private final long clockOffsetMillis;
  private final CompletableFuture<Void> configured = new CompletableFuture<>();
  private final String deviceId;
  private final ArrayDeque<Frame> ring = new ArrayDeque<>();
  private volatile long ringMillis;
  private long seq;

  public SimDevice(Channel channel, String token, String deviceId, DeviceKind kind, List<String> sources,
      long clockOffsetMillis, ScheduledExecutorService agent, Consumer<GatewayMessage> others) {
    this.agent = agent;
    this.clockOffsetMillis = clockOffsetMillis;
    this.deviceId = deviceId;
    Hello hello = Hello.newBuilder().setDeviceId(deviceId).setKind(kind).setSoftwareVersion("ezshop-sim")
        .addAllSourceIds(sources).build();
    client = new EdgeLinkClient(channel, token, hello, unacked, new Backoff(200, 5000),
        agent, message -> {
          if (message.hasConfig()) {
            configured.complete(null);
          }
          if (message.hasCommand() && message.getCommand().hasSendFrames()) {
            sendAgain(message.getCommand().getSendFrames());
          }
          others.accept(message);
        }, this::deviceTime);
    client.start();
  }

  /** What the device's own clock shows now. */
  public long deviceTime() {
    return System.currentTimeMillis() + clockOffsetMillis;
  }

  /** The device's clock at a machine time. */
  public long deviceTime(long machineMillis) {
    return machineMillis + clockOffsetMillis;
  }

  /**
   * Keeps the frames it sends for {@code millis} of capture time, as a camera's ring of recent frames, and sends a
   * span of them again when the gateway asks (Command.send_frames).
   */
  public SimDevice keepingFrames(long millis) {
    ringMillis = millis;
    return this;
  }

  private void sendAgain(SendFrames span) {
    long from = EpochMillis.of(span.getFrom());
    long to = EpochMillis.of(span.getTo());
    ring.stream().filter(f -> EpochMillis.of(f.getCapturedAt()) >= from && EpochMillis.of(f.getCapturedAt()) <= to)
        .toList().forEach(f -> send(EdgeMessage.newBuilder().setFrame(f.toBuilder()
            .setTrigger(FrameTrigger.FRAME_TRIGGER_REQUESTED))));
  }

  /** Numbers, keeps and sends a data message. Any thread. */
  public void send(EdgeMessage.Builder message) {
    agent.execute(() -> {
      if (ringMillis > 0 && message.hasFrame()
          && message.getFrame().getTrigger() != FrameTrigger.FRAME_TRIGGER_REQUESTED) {
        long at = EpochMillis.of(message.getFrame().getCapturedAt());
        ring.addLast(message.getFrame());
        while (EpochMillis.of(ring.peekFirst().getCapturedAt()) < at - ringMillis) {
          ring.removeFirst();
        }
      }
      EdgeMessage numbered = message.setSeq(++seq).build();
      unacked.put(numbered);
      client.stored(numbered);
    });
  }

  /** Waits for the gateway's first DeviceConfig: the sign that it has read a layout naming this device. */
  public void awaitConfig(long seconds) throws InterruptedException {
    try {
      configured.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the gateway sent " + deviceId + " no config within " + seconds
          + " s: has it read the shelf layout?");
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** True once the gateway has acked everything sent. Any thread but the agent's. */
  public boolean drained() throws Exception {
    return agent.submit(() -> unacked.messages.isEmpty()).get();
  }

  public void close() {
    client.close();
  }

  /** The outbox: what the gateway has not acked, in memory. */
  private static final class MemoryUnacked implements Unacked {
    private final TreeMap<Long, EdgeMessage> messages = new TreeMap<>();
    private long acked;

    void put(EdgeMessage message) {
      messages.put(message.getSeq(), message);
    }

    @Override
    public long acked() {
      return acked;
    }

    @Override
    public void ack(long upTo) {
      acked = Math.max(acked, upTo);
      messages.headMap(acked, true).clear();
    }

    @Override
    public List<EdgeMessage> after(long seq, int max) {
      List<EdgeMessage> page = new ArrayList<>();
      for (EdgeMessage m : messages.tailMap(seq, false).values()) {
        if (page.size() == max) {
          break;
        }
        page.add(m);
      }
      return page;
    }
  }
}
