package org.ezshop.pi.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import com.google.protobuf.util.Timestamps;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.TimeSyncReply;
import org.ezshop.edge.v1.TimeSyncRequest;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.edgelink.Backoff;
import org.ezshop.pi.outbox.Outbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShelfLinkTest {

  private static final String TOKEN = "shelf-token-0123456789";
  private static final int SENSORS = 4;

  /** One running agent: its outbox, its thread, its client. */
  private static final class Agent implements AutoCloseable {
    final Outbox outbox;
    final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
    final List<ManagedChannel> channels = new ArrayList<>();
    final ShelfLink client;

    Agent(Path dir, int port, long outboxBytes) throws Exception {
      this(dir, List.of(port), outboxBytes);
    }

    /** Linked to the gateways on these ports, in turn. */
    Agent(Path dir, List<Integer> ports, long outboxBytes) throws Exception {
      outbox = Outbox.open(dir, outboxBytes, outboxBytes / 4, 10);
      ports.forEach(port -> channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build()));
      client = new ShelfLink(channels, TOKEN, "shelf-1", "pi-edge/test", outbox,
          new Backoff(20, 200), thread, message -> { });
      client.start();
    }

    @Override
    public void close() throws Exception {
      client.close();
      thread.submit(() -> null).get(5, TimeUnit.SECONDS);
      thread.shutdown();
      thread.awaitTermination(5, TimeUnit.SECONDS);
      outbox.close();
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static ReadingBatch batch(int first, int size) {
    ReadingBatch.Builder batch = ReadingBatch.newBuilder();
    for (int i = first; i < first + size; i++) {
      batch.addReadings(Reading.newBuilder().setSensorId("s" + (i % SENSORS)).setDistanceMm(i));
    }
    return batch.build();
  }

  @Test
  void anAgentWhoseFirstGatewayIsDownSendsToTheNext(@TempDir Path dir) throws Exception {
    int down;
    try (ServerSocket nothing = new ServerSocket(0)) {
      down = nothing.getLocalPort(); // nothing listens there once this is closed
    }
    try (TestGateway gateway = new TestGateway(TOKEN)) {
      Agent agent = new Agent(dir, List.of(down, gateway.port()), 16 << 20);
      for (int b = 0; b < 10; b++) {
        agent.client.send(batch(b * 10, 10));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (agent.thread.submit(agent.client::acked).get() < 10 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      agent.close();
      assertEquals(100, gateway.applied.size(), "every reading reached the second gateway");
    }
  }

  @Test
  void tenThousandReadingsThroughThreeCutsAndARestartArriveExactlyOnceInOrder(@TempDir Path dir) throws Exception {
    try (TestGateway gateway = new TestGateway(TOKEN)) {
      Agent agent = new Agent(dir, gateway.port(), 16 << 20);
      int batches = 200;
      int size = 50;
      for (int b = 0; b < batches; b++) {
        if (b == 50 || b == 100 || b == 150) {
          gateway.cut();
        }
        if (b == 120) { // the agent process restarts: only the outbox on disk carries over
          agent.close();
          agent = new Agent(dir, gateway.port(), 16 << 20);
        }
        agent.client.send(batch(b * size, size));
        Thread.sleep(2);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      Agent running = agent;
      while (running.thread.submit(running.client::acked).get() < batches && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      agent.close();

      assertEquals(batches * size, gateway.applied.size(), "every reading applied exactly once");
      Map<String, Float> last = new HashMap<>();
      for (Reading reading : gateway.applied) {
        Float before = last.put(reading.getSensorId(), reading.getDistanceMm());
        assertTrue(before == null || before < reading.getDistanceMm(), "in order per sensor");
      }
      try (Outbox outbox = Outbox.open(dir, 16 << 20, 4 << 20, 10)) {
        assertEquals(List.of(), outbox.unacked(), "and every one acked");
      }
    }
  }

  @Test
  void timeSyncRequestsAreAnsweredWithTheDeviceClock(@TempDir Path dir) throws Exception {
    try (TestGateway gateway = new TestGateway(TOKEN); Agent agent = new Agent(dir, gateway.port(), 1 << 20)) {
      agent.client.send(batch(0, 1));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (gateway.appliedSeq.get() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      long before = System.currentTimeMillis();
      gateway.push(GatewayMessage.newBuilder().setTimeSyncRequest(TimeSyncRequest.newBuilder().setId(7)).build());
      while (gateway.timeSyncReplies.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      TimeSyncReply reply = gateway.timeSyncReplies.get(0);
      assertEquals(7, reply.getId());
      long received = Timestamps.toMillis(reply.getDeviceReceivedAt());
      assertTrue(received >= before - 5 && received <= System.currentTimeMillis(), "t1 is the device's clock");
      assertTrue(Timestamps.compare(reply.getDeviceSentAt(), reply.getDeviceReceivedAt()) >= 0, "t2 >= t1");
    }
  }

  @Test
  void anAgentProcessKilledAndRestartedLosesNothing(@TempDir Path dir) throws Exception {
    int batches = 200;
    int size = 50;
    try (TestGateway gateway = new TestGateway(TOKEN)) {
      Process first = agentProcess(dir, gateway.port(), batches, size);
      Thread.sleep(400);
      gateway.cut();
      Thread.sleep(100);
      first.destroyForcibly().waitFor(); // kill -9: mid-write, mid-stream
      Process second = agentProcess(dir, gateway.port(), batches, size);
      try {
        Thread.sleep(200);
        gateway.cut();
        Thread.sleep(200);
        gateway.cut();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (gateway.appliedSeq.get() < batches && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      } finally {
        second.destroyForcibly().waitFor();
      }
      assertEquals(batches * size, gateway.applied.size(), "10,000 readings, each applied once");
      for (int i = 0; i < gateway.applied.size(); i++) {
        assertEquals(i, (int) gateway.applied.get(i).getDistanceMm(), "in order");
      }
    }
  }

  private static Process agentProcess(Path dir, int port, int batches, int size) throws Exception {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), NumberedAgentMain.class.getName(), dir.toString(),
        Integer.toString(port), Integer.toString(batches), Integer.toString(size))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  @Test
  void readingsDroppedByAFullOutboxAreReportedWithTheExactCount(@TempDir Path dir) throws Exception {
    try (TestGateway gateway = new TestGateway(TOKEN)) {
      int port = gateway.port();
      gateway.close(); // the gateway is away while the outbox fills
      Path outboxDir = dir.resolve("outbox");
      long dropped;
      try (Agent agent = new Agent(outboxDir, port, 64 * 1024)) {
        for (int b = 0; b < 1000; b++) {
          agent.client.send(batch(b * 10, 10));
        }
        agent.thread.submit(() -> null).get(5, TimeUnit.SECONDS);
        long kept = agent.thread.submit(() -> agent.outbox.unacked().stream().mapToInt(Outbox.Entry::readings).sum())
            .get(5, TimeUnit.SECONDS);
        dropped = 10_000 - kept;
        assertTrue(dropped > 0, "the outbox overflowed");
      }
      try (TestGateway back = new TestGateway(TOKEN); Agent agent = new Agent(outboxDir, back.port(), 64 * 1024)) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!agent.thread.submit(() -> agent.outbox.unacked().isEmpty()).get() && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertEquals(dropped, back.notices.stream().mapToLong(Long::longValue).sum(), "the gateway is told exactly");
      }
    }
  }
}
