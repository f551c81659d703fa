package org.ezshop.edgelink;

import com.google.protobuf.Timestamp;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.ezshop.edge.v1.EdgeLinkServiceGrpc;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Hello;
import org.ezshop.edge.v1.TimeSyncReply;
import org.ezshop.rpc.EpochMillis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's end of EdgeLink, shared by the shelf agent and the camera agent (Java 11, any gRPC transport):
 * bearer token, hello, then the stored messages as HTTP/2 flow control allows; acks trim the store. After any
 * break it reconnects with backoff and sends everything the gateway's welcome says it lacks. Answers time-sync
 * requests itself; everything else from the gateway goes to {@code onGatewayMessage}. All state lives on the
 * given single-thread executor, which also owns the {@link Unacked} store.
 */
public final class EdgeLinkClient {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeLinkClient.class);
  private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final int SEND_PAGE = 256;

  private final List<EdgeLinkServiceGrpc.EdgeLinkServiceStub> stubs = new ArrayList<>();
  private int current;
  private final Hello hello;
  private final Unacked unacked;
  private final Backoff backoff;
  private final ScheduledExecutorService agent;
  private final Consumer<GatewayMessage> onGatewayMessage;
  private final LongSupplier clock;
  private ClientCallStreamObserver<EdgeMessage> stream;
  private boolean welcomed;
  private long sentUpTo;
  private boolean closed;
  private volatile boolean closing;

  /**
   * @param hello            the device's hello; last_acked_seq and device_time are filled in on each connect
   * @param onGatewayMessage config, commands and notices, on the agent thread
   */
  public EdgeLinkClient(Channel channel, String token, Hello hello, Unacked unacked, Backoff backoff,
      ScheduledExecutorService agent, Consumer<GatewayMessage> onGatewayMessage) {
    this(channel, token, hello, unacked, backoff, agent, onGatewayMessage, System::currentTimeMillis);
  }

  /** @param clock the device's clock in epoch milliseconds, which time-sync replies report */
  public EdgeLinkClient(Channel channel, String token, Hello hello, Unacked unacked, Backoff backoff,
      ScheduledExecutorService agent, Consumer<GatewayMessage> onGatewayMessage, LongSupplier clock) {
    this(List.of(channel), token, hello, unacked, backoff, agent, onGatewayMessage, clock);
  }

  /**
   * @param gateways one channel per gateway the device may use: it links to the first, and after a lost or
   *                 refused link tries the next in turn (the store's unacked messages go wherever it links)
   */
  public EdgeLinkClient(List<? extends Channel> gateways, String token, Hello hello, Unacked unacked, Backoff backoff,
      ScheduledExecutorService agent, Consumer<GatewayMessage> onGatewayMessage, LongSupplier clock) {
    Metadata metadata = new Metadata();
    metadata.put(AUTHORIZATION, "Bearer " + token);
    for (Channel channel : gateways) {
      stubs.add(EdgeLinkServiceGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata)));
    }
    this.hello = hello;
    this.unacked = unacked;
    this.backoff = backoff;
    this.agent = agent;
    this.onGatewayMessage = onGatewayMessage;
    this.clock = clock;
  }

  public void start() {
    agent.execute(this::connect);
  }

  /**
   * The store has a new message: send it now if the stream is caught up and takes more (no need to read it back
   * from the store), else let the store catch the stream up in order. Agent thread.
   */
  public void stored(EdgeMessage message) {
    if (stream != null && welcomed && sentUpTo == message.getSeq() - 1 && stream.isReady()) {
      stream.onNext(message);
      sentUpTo = message.getSeq();
    } else {
      drain();
    }
  }

  /** Highest sequence number the gateway has acked. Agent thread. */
  public long acked() {
    return unacked.acked();
  }

  /** Ends the stream; what is unacked stays in the store. */
  public void close() {
    closing = true;
    agent.execute(() -> {
      closed = true;
      if (stream != null) {
        stream.onCompleted();
        stream = null;
      }
    });
  }

  private void connect() {
    if (closed) {
      return;
    }
    welcomed = false;
    stream = (ClientCallStreamObserver<EdgeMessage>) stubs.get(current).connect(new ClientResponseObserver<EdgeMessage, GatewayMessage>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<EdgeMessage> requests) {
        requests.setOnReadyHandler(() -> onAgent(() -> {
          if (stream == requests) {
            drain();
          }
        }));
      }

      @Override
      public void onNext(GatewayMessage message) {
        onAgent(() -> received(message));
      }

      @Override
      public void onError(Throwable t) {
        onAgent(() -> broken(t.getMessage()));
      }

      @Override
      public void onCompleted() {
        onAgent(() -> broken("the gateway ended the stream"));
      }
    });
    stream.onNext(EdgeMessage.newBuilder().setHello(hello.toBuilder().setLastAckedSeq(unacked.acked())
        .setDeviceTime(EpochMillis.timestamp(clock.getAsLong()))).build());
  }

  // The stream's last callbacks may arrive after the owner, having closed the client, stopped its agent.
  private void onAgent(Runnable task) {
    try {
      agent.execute(task);
    } catch (RejectedExecutionException e) {
      if (!closing) {
        throw e;
      }
    }
  }

  private void broken(String why) {
    if (closed || stream == null) {
      return;
    }
    stream = null;
    long delay = backoff.nextDelayMillis();
    current = (current + 1) % stubs.size(); // with several gateways, the next in turn
    LOG.warn("event=link_down reason=\"{}\" retry_ms={} next_gateway={}", why, delay, current);
    agent.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
  }

  private void received(GatewayMessage message) {
    switch (message.getBodyCase()) {
      case WELCOME:
        welcomed = true;
        backoff.reset();
        unacked.ack(message.getWelcome().getAckedSeq());
        sentUpTo = unacked.acked(); // resend everything the gateway does not hold
        drain();
        break;
      case ACK:
        unacked.ack(message.getAck().getUpToSeq());
        break;
      case TIME_SYNC_REQUEST:
        if (stream != null) {
          Timestamp received = EpochMillis.timestamp(clock.getAsLong());
          stream.onNext(EdgeMessage.newBuilder().setTimeSyncReply(TimeSyncReply.newBuilder()
              .setId(message.getTimeSyncRequest().getId()).setDeviceReceivedAt(received)
              .setDeviceSentAt(EpochMillis.timestamp(clock.getAsLong()))
              .setBacklogSent(welcomed && unacked.after(sentUpTo, 1).isEmpty())).build());
        }
        break;
      default:
        onGatewayMessage.accept(message);
    }
  }

  // Sends what is stored and not yet sent on this stream, while the stream takes it.
  private void drain() {
    if (stream == null || !welcomed) {
      return;
    }
    while (stream.isReady()) {
      List<EdgeMessage> page = unacked.after(sentUpTo, SEND_PAGE);
      if (page.isEmpty()) {
        return;
      }
      for (EdgeMessage message : page) {
        stream.onNext(message);
        sentUpTo = message.getSeq();
      }
    }
  }
}
