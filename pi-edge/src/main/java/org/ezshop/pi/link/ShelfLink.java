package org.ezshop.pi.link;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.EdgeNotice;
import org.ezshop.edge.v1.EdgeNoticeKind;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Hello;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.edgelink.Backoff;
import org.ezshop.edgelink.EdgeLinkClient;
import org.ezshop.edgelink.Unacked;
import org.ezshop.pi.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shelf agent's EdgeLink: every batch goes into the disk outbox first, then out through the shared
 * {@link EdgeLinkClient}; readings the full outbox had to drop are reported in a notice that is itself stored.
 * All state lives on the agent executor.
 */
public final class ShelfLink implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ShelfLink.class);

  private final Outbox outbox;
  private final ScheduledExecutorService agent;
  private final EdgeLinkClient client;

  public ShelfLink(Channel channel, String token, String deviceId, String softwareVersion, Outbox outbox,
      Backoff backoff, ScheduledExecutorService agent, Consumer<GatewayMessage> onGatewayMessage) {
    this(List.of(channel), token, deviceId, softwareVersion, outbox, backoff, agent, onGatewayMessage);
  }

  /** @param gateways one channel per gateway address, tried in turn when the link is lost */
  public ShelfLink(List<? extends Channel> gateways, String token, String deviceId, String softwareVersion,
      Outbox outbox, Backoff backoff, ScheduledExecutorService agent, Consumer<GatewayMessage> onGatewayMessage) {
    this.outbox = outbox;
    this.agent = agent;
    Hello hello = Hello.newBuilder().setDeviceId(deviceId).setKind(DeviceKind.DEVICE_KIND_SHELF)
        .setSoftwareVersion(softwareVersion).build();
    this.client = new EdgeLinkClient(gateways, token, hello, new OutboxUnacked(), backoff, agent, onGatewayMessage,
        System::currentTimeMillis);
  }

  public void start() {
    client.start();
  }

  /** Stores the batch durably, then sends it when the link allows. Any thread. */
  public void send(ReadingBatch batch) {
    agent.execute(() -> {
      client.stored(store(EdgeMessage.newBuilder().setReadings(batch), batch.getReadingsCount(), 0));
      long dropped = io(outbox::takeDropped);
      if (dropped > 0) {
        LOG.warn("event=outbox_full dropped_readings={}", dropped);
        client.stored(store(EdgeMessage.newBuilder().setNotice(EdgeNotice.newBuilder()
            .setKind(EdgeNoticeKind.EDGE_NOTICE_KIND_READINGS_DROPPED).setCount(dropped)
            .setMessage("outbox full: the oldest " + dropped + " readings were dropped")), 0, dropped));
      }
    });
  }

  private EdgeMessage store(EdgeMessage.Builder message, int readings, long reports) {
    long seq = io(() -> outbox.append(message.build().toByteArray(), readings, reports));
    return message.setSeq(seq).build();
  }

  /** Highest sequence number the gateway has acked. Agent thread. */
  public long acked() {
    return client.acked();
  }

  @Override
  public void close() {
    client.close();
  }

  private final class OutboxUnacked implements Unacked {
    @Override
    public long acked() {
      return outbox.acked();
    }

    @Override
    public void ack(long seq) {
      io(() -> {
        outbox.ack(seq);
        return null;
      });
    }

    @Override
    public List<EdgeMessage> after(long seq, int max) {
      List<EdgeMessage> messages = new ArrayList<>();
      for (Outbox.Entry entry : io(() -> outbox.after(seq, max))) {
        try {
          messages.add(EdgeMessage.parseFrom(entry.payload()).toBuilder().setSeq(entry.seq()).build());
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("corrupt outbox record " + entry.seq(), e);
        }
      }
      return messages;
    }
  }

  private interface IoCall<T> {
    T call() throws IOException;
  }

  private static <T> T io(IoCall<T> call) {
    try {
      return call.call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
