package org.ezshop.pi.link;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.edge.v1.EdgeLinkServiceGrpc;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.EdgeNotice;
import org.ezshop.edge.v1.EdgeNoticeKind;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Hello;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.edge.v1.TimeSyncReply;
import org.ezshop.pi.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shelf agent's end of EdgeLink. Every batch goes into the outbox first, then onto the stream as HTTP/2
 * flow control allows; the gateway's acks trim the outbox. After any break it reconnects with backoff and
 * sends everything not yet acked, from disk. All state lives on one thread, the given executor's.
 */
public final class EdgeLinkClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeLinkClient.class);
  private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final int SEND_PAGE = 256;

  private final EdgeLinkServiceGrpc.EdgeLinkServiceStub stub;
  private final String deviceId;
  private final String softwareVersion;
  private final Outbox outbox;
  private final Backoff backoff;
  private final ScheduledExecutorService agent;
  private final Consumer<GatewayMessage> onGatewayMessage;
  private ClientCallStreamObserver<EdgeMessage> stream;
  private boolean welcomed;
  private long sentUpTo;
  private boolean closed;

  /**
   * @param agent            the single thread that owns the outbox and this client
   * @param onGatewayMessage config, commands and notices from the gateway, on the agent thread
   */
  public EdgeLinkClient(Channel channel, String token, String deviceId, String softwareVersion, Outbox outbox,
      Backoff backoff, ScheduledExecutorService agent, Consumer<GatewayMessage> onGatewayMessage) {
    Metadata metadata = new Metadata();
    metadata.put(AUTHORIZATION, "Bearer " + token);
    this.stub = EdgeLinkServiceGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
    this.deviceId = deviceId;
    this.softwareVersion = softwareVersion;
    this.outbox = outbox;
    this.backoff = backoff;
    this.agent = agent;
    this.onGatewayMessage = onGatewayMessage;
  }

  public void start() {
    agent.execute(this::connect);
  }

  /** Stores the batch durably, then sends it when the link allows. Any thread. */
  public void send(ReadingBatch batch) {
    agent.execute(() -> {
      EdgeMessage message = EdgeMessage.newBuilder().setReadings(batch).build();
      long seq = append(message, batch.getReadingsCount(), 0);
      long dropped = takeDropped();
      if (dropped > 0) {
        LOG.warn("event=outbox_full dropped_readings={}", dropped);
        append(EdgeMessage.newBuilder().setNotice(EdgeNotice.newBuilder()
            .setKind(EdgeNoticeKind.EDGE_NOTICE_KIND_READINGS_DROPPED).setCount(dropped)
            .setMessage("outbox full: the oldest " + dropped + " readings were dropped")).build(), 0, dropped);
      }
      // Caught up and the stream takes more: send from memory; otherwise the disk catches up in order.
      if (dropped == 0 && stream != null && welcomed && sentUpTo == seq - 1 && stream.isReady()) {
        stream.onNext(message.toBuilder().setSeq(seq).build());
        sentUpTo = seq;
      } else {
        drain();
      }
    });
  }

  private long append(EdgeMessage message, int readings, long reports) {
    try {
      return outbox.append(message.toByteArray(), readings, reports);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private long takeDropped() {
    try {
      return outbox.takeDropped();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void connect() {
    if (closed) {
      return;
    }
    welcomed = false;
    ClientResponseObserver<EdgeMessage, GatewayMessage> observer = new ClientResponseObserver<>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<EdgeMessage> requests) {
        requests.setOnReadyHandler(() -> agent.execute(() -> {
          if (stream == requests) {
            drain();
          }
        }));
      }

      @Override
      public void onNext(GatewayMessage message) {
        agent.execute(() -> received(message));
      }

      @Override
      public void onError(Throwable t) {
        agent.execute(() -> broken(t.getMessage()));
      }

      @Override
      public void onCompleted() {
        agent.execute(() -> broken("the gateway ended the stream"));
      }
    };
    stream = (ClientCallStreamObserver<EdgeMessage>) stub.connect(observer);
    stream.onNext(EdgeMessage.newBuilder().setHello(Hello.newBuilder().setDeviceId(deviceId)
        .setKind(DeviceKind.DEVICE_KIND_SHELF).setSoftwareVersion(softwareVersion).setLastAckedSeq(outbox.acked())
        .setDeviceTime(now())).build());
  }

  private void broken(String why) {
    if (closed) {
      return;
    }
    stream = null;
    long delay = backoff.nextDelayMillis();
    LOG.warn("event=link_down reason=\"{}\" retry_ms={}", why, delay);
    agent.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
  }

  private void received(GatewayMessage message) {
    try {
      switch (message.getBodyCase()) {
        case WELCOME:
          welcomed = true;
          backoff.reset();
          outbox.ack(message.getWelcome().getAckedSeq());
          sentUpTo = outbox.acked(); // resend everything the gateway does not hold
          drain();
          break;
        case ACK:
          outbox.ack(message.getAck().getUpToSeq());
          break;
        case TIME_SYNC_REQUEST:
          Timestamp received = now();
          if (stream != null) {
            stream.onNext(EdgeMessage.newBuilder().setTimeSyncReply(TimeSyncReply.newBuilder()
                .setId(message.getTimeSyncRequest().getId()).setDeviceReceivedAt(received).setDeviceSentAt(now())).build());
          }
          break;
        default:
          onGatewayMessage.accept(message);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // Sends what is stored and not yet sent on this stream, while the stream takes it.
  private void drain() {
    if (stream == null || !welcomed) {
      return;
    }
    try {
      while (stream.isReady()) {
        var page = outbox.after(sentUpTo, SEND_PAGE);
        if (page.isEmpty()) {
          return;
        }
        for (Outbox.Entry entry : page) {
          stream.onNext(EdgeMessage.parseFrom(entry.payload()).toBuilder().setSeq(entry.seq()).build());
          sentUpTo = entry.seq();
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt outbox record", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Timestamp now() {
    Instant now = Instant.now();
    return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
  }

  /** Highest sequence number the gateway has acked. Agent thread. */
  public long acked() {
    return outbox.acked();
  }

  /** Ends the stream; what is unacked stays in the outbox for the next start. */
  @Override
  public void close() {
    agent.execute(() -> {
      closed = true;
      if (stream != null) {
        stream.onCompleted();
        stream = null;
      }
    });
  }
}
