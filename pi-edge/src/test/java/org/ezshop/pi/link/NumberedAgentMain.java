package org.ezshop.pi.link;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.edgelink.Backoff;
import org.ezshop.pi.outbox.Outbox;

/**
 * An agent process for the no-loss test: streams batches of numbered readings, resuming after the last batch
 * its outbox holds, so that a killed and restarted process goes on where it stopped. Args: dir port batches size.
 */
public final class NumberedAgentMain {

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int port = Integer.parseInt(args[1]);
    int batches = Integer.parseInt(args[2]);
    int size = Integer.parseInt(args[3]);
    ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor();
    Outbox outbox = Outbox.open(dir, 16 << 20, 1 << 20, 1);
    long from = agent.submit(outbox::lastSeq).get();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    ShelfLink client = new ShelfLink(channel, "shelf-token-0123456789", "shelf-1", "test", outbox,
        new Backoff(20, 200), agent, message -> { });
    client.start();
    System.out.println("resuming at batch " + from);
    System.out.flush();
    for (long b = from; b < batches; b++) {
      ReadingBatch.Builder batch = ReadingBatch.newBuilder();
      for (long i = b * size; i < (b + 1) * size; i++) {
        batch.addReadings(Reading.newBuilder().setSensorId("s" + (i % 4)).setDistanceMm(i));
      }
      client.send(batch.build());
      Thread.sleep(3);
    }
    System.out.println("all sent");
    System.out.flush();
    Thread.currentThread().join(); // keep sending retries until the test ends the process
  }
}
