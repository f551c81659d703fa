package org.ezshop.gateway.link;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.Set;
import org.ezshop.edge.v1.Ack;
import org.ezshop.edge.v1.Command;
import org.ezshop.edge.v1.DeviceConfig;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.GatewayNotice;
import org.ezshop.edge.v1.GatewayNoticeKind;
import org.ezshop.edge.v1.Hello;
import org.ezshop.edge.v1.Welcome;
import org.ezshop.gateway.Notices;
import org.ezshop.gateway.shelf.ShelfIntake;
import org.ezshop.gateway.sight.FrameIntake;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.store.v1.Device;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's EdgeLink stream, on the event loop of its connection: hello first, then data messages in seq
 * order, each acked once its effect is accepted downstream; clock probes; a dead-link timer. At most
 * {@link #MAX_IN_FLIGHT} messages are in processing: beyond that the stream is paused (HTTP/2 flow control
 * then holds the device back). While the gateway has no probe answer from the device (a new gateway process), data
 * waits for the first ({@link DeviceLink#clocked}), unpaused so the answer can arrive: hello's rough clock guess is
 * off by however long the network held the hello up, seconds after a stall, and every reading would be that far off.
 */
final class EdgeSession {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeSession.class);
  private static final int MAX_IN_FLIGHT = 32;

  private final Vertx vertx;
  private final Context context;
  private final GrpcServerRequest<EdgeMessage, GatewayMessage> call;
  private final GrpcServerResponse<EdgeMessage, GatewayMessage> out;
  private final Device device;
  private final EdgeLinks links;
  private final ShelfIntake shelves;
  private final FrameIntake frames;
  private final long heartbeatMillis;
  private final DeviceLimits limits;
  private final ClockProbes probes = new ClockProbes();
  private DeviceLink link;
  private Set<String> sources;
  private boolean helloed;
  private boolean closed;
  private DeviceConfig sentConfig;
  private long lastMessage;
  private long timer;
  private int inFlight;
  private Future<Void> pending = Future.succeededFuture();

  EdgeSession(Vertx vertx, GrpcServerRequest<EdgeMessage, GatewayMessage> call, Device device, EdgeLinks links,
      ShelfIntake shelves, FrameIntake frames, long heartbeatMillis, DeviceLimits limits) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.call = call;
    this.out = call.response();
    this.device = device;
    this.links = links;
    this.shelves = shelves;
    this.frames = frames;
    this.heartbeatMillis = heartbeatMillis;
    this.limits = limits;
  }

  void start() {
    lastMessage = System.currentTimeMillis();
    timer = vertx.setPeriodic(heartbeatMillis, t -> tick());
    call.handler(this::onMessage);
    call.exceptionHandler(e -> cleanup());
    call.endHandler(v -> {
      if (!closed) {
        closed = true;
        out.end();
      }
      cleanup();
    });
    call.resume();
  }

  private void tick() {
    if (System.currentTimeMillis() - lastMessage > 3 * heartbeatMillis) {
      fail(GrpcStatus.UNAVAILABLE, "no message for " + 3 * heartbeatMillis + " ms: the link is taken for dead");
    } else if (helloed) {
      probe();
    }
  }

  private void onMessage(EdgeMessage m) {
    if (closed) {
      return; // replaced or failed: whatever still arrives is the new stream's to take
    }
    lastMessage = System.currentTimeMillis();
    String over = limits.spend(device.getDeviceId(), m.getSerializedSize(), lastMessage);
    if (over != null) {
      fail(GrpcStatus.RESOURCE_EXHAUSTED, "device '" + device.getDeviceId() + "': " + over + "; what was not acked "
          + "is for sending again, slower");
      return;
    }
    if (!helloed) {
      if (!m.hasHello()) {
        fail(GrpcStatus.FAILED_PRECONDITION, "hello must be the first message on the stream, not " + m.getBodyCase());
      } else {
        hello(m.getHello());
      }
      return;
    }
    switch (m.getBodyCase()) {
      case TIME_SYNC_REPLY -> {
        link.answered(probes, m.getTimeSyncReply(), lastMessage);
        link.clockMeasured();
      }
      case HEARTBEAT -> { }
      case READINGS, FRAME, NOTICE -> data(m);
      case HELLO -> notice(GatewayNoticeKind.GATEWAY_NOTICE_KIND_INVALID_DATA, 0, "hello", "already said hello");
      default -> notice(GatewayNoticeKind.GATEWAY_NOTICE_KIND_INVALID_DATA, m.getSeq(), "body", "empty message");
    }
  }

  private void hello(Hello hello) {
    if (!hello.getDeviceId().equals(device.getDeviceId())) {
      fail(GrpcStatus.PERMISSION_DENIED, "hello.device_id '" + hello.getDeviceId() + "' is not the token's device '"
          + device.getDeviceId() + "'");
      return;
    }
    link = links.link(device.getDeviceId());
    EdgeSession replaced = links.attach(device.getDeviceId(), this);
    if (replaced != null) {
      replaced.context.runOnContext(v -> replaced.replaced());
    }
    long now = System.currentTimeMillis();
    if (!link.clocked().isComplete()) {
      DeviceLink measured = link;
      vertx.setTimer(heartbeatMillis, t -> {
        if (measured.clockGuessed()) {
          LOG.warn("event=clock_unprobed device={} waited_ms={}; its data goes by hello's clock", device.getDeviceId(),
              heartbeatMillis);
        }
      });
    }
    long welcomeAcked = link.hello(hello, device.getKind(), now);
    sources = Set.copyOf(hello.getSourceIdsList());
    links.cameras(link, sources);
    helloed = true;
    LOG.info("event=device_linked device={} kind={} acked={} software={}", device.getDeviceId(), device.getKind(),
        welcomeAcked, hello.getSoftwareVersion());
    send(GatewayMessage.newBuilder().setWelcome(Welcome.newBuilder()
        .setAckedSeq(welcomeAcked)
        .setGatewayTime(EpochMillis.timestamp(now))
        .setHeartbeatInterval(EpochMillis.duration(heartbeatMillis))).build());
    pushConfig();
    probe();
    vertx.setTimer(100, t -> probe()); // a few quick probes, so the offset is good within the first second
    vertx.setTimer(250, t -> probe());
  }

  /** A new shelf layout: the device gets its sensors' config again if it changed (from any thread). */
  void layoutChanged() {
    context.runOnContext(v -> pushConfig());
  }

  // The device's sensors, rows and calibration, sent when they differ from what it was last sent.
  private void pushConfig() {
    DeviceConfig config = helloed ? shelves.configOf(device.getDeviceId()) : null;
    if (config != null && !config.equals(sentConfig)) {
      sentConfig = config;
      send(GatewayMessage.newBuilder().setConfig(config).build());
    }
  }

  private void probe() {
    if (!closed) {
      send(GatewayMessage.newBuilder().setTimeSyncRequest(probes.next(System.currentTimeMillis())).build());
    }
  }

  // What a data message does downstream; the future completes once that is accepted, and only then is it acked.
  private Future<Void> effect(EdgeMessage m) {
    long offset = link.took(m);
    return switch (m.getBodyCase()) {
      case READINGS -> shelves.accept(device.getDeviceId(), m.getReadings(), offset,
          new Notices(this::noticeInLine, m.getSeq(), "readings"));
      case FRAME -> frames.accept(device, sources, m.getFrame(), offset,
          new Notices(this::noticeInLine, m.getSeq(), "frame")).andThen(done -> link.frameDone(m.getSeq()));
      default -> Future.succeededFuture(); // the device's own notice: counted and logged by the link
    };
  }

  // In line while the message is processed, so a notice goes out before the message's ack; later, on the context.
  private void noticeInLine(GatewayNoticeKind kind, long seq, String field, String message) {
    if (Vertx.currentContext() == context) {
      notice(kind, seq, field, message);
    } else {
      context.runOnContext(v -> notice(kind, seq, field, message));
    }
  }

  private void data(EdgeMessage m) {
    long seq = m.getSeq();
    if (seq == 0) {
      notice(GatewayNoticeKind.GATEWAY_NOTICE_KIND_INVALID_DATA, 0, "seq", "data messages carry a seq from 1 up");
      return;
    }
    long before = link.accept(seq, lastMessage);
    if (seq <= before) { // a resend of something already taken: no second effect
      pending.onComplete(x -> context.runOnContext(v -> ack(link.acked())));
      return;
    }
    if (seq > before + 1) {
      LOG.warn("event=seq_gap device={} expected={} got={}", device.getDeviceId(), before + 1, seq);
      notice(GatewayNoticeKind.GATEWAY_NOTICE_KIND_SEQ_GAP, seq, "seq", (seq - before - 1)
          + " messages after seq " + before + " never arrived");
    }
    // Data that waits for the clock runs when it is known, in arrival order, even if this stream has ended by then.
    Future<Void> clock = link.clocked();
    Future<Void> effect = clock.isComplete() ? effect(m) : clock.compose(v -> effect(m));
    if (inFlight == 0 && effect.succeeded()) { // the common case: done at once, nothing ahead of it
      acked(seq);
      return;
    }
    if (++inFlight >= MAX_IN_FLIGHT && clock.isComplete()) {
      call.pause();
    }
    pending = pending.transform(x -> effect).andThen(done -> context.runOnContext(v -> {
      inFlight--;
      if (done.failed()) {
        link.failed(seq);
        fail(GrpcStatus.UNAVAILABLE, "could not pass on seq " + seq + " (" + done.cause().getMessage()
            + "); resend after reconnecting");
        return;
      }
      if (closed) {
        return; // after a failure nothing later may be acked past it; a resend is acked as already taken
      }
      acked(seq);
      if (inFlight == MAX_IN_FLIGHT / 2) {
        call.resume();
      }
    }));
  }

  private void acked(long seq) {
    link.acked(seq);
    ack(seq);
  }

  private void ack(long seq) {
    send(GatewayMessage.newBuilder().setAck(Ack.newBuilder().setUpToSeq(seq)).build());
  }

  private void notice(GatewayNoticeKind kind, long seq, String field, String message) {
    send(GatewayMessage.newBuilder().setNotice(GatewayNotice.newBuilder().setKind(kind).setSeq(seq)
        .setField(field).setMessage(message)).build());
  }

  /** Sends a command to the device (from any thread). */
  void command(Command command) {
    context.runOnContext(v -> send(GatewayMessage.newBuilder().setCommand(command).build()));
  }

  // A stream that ended, failed or was cancelled by the device takes nothing more: what was meant for it is dropped.
  private void send(GatewayMessage message) {
    try {
      if (!closed) {
        out.write(message);
      }
    } catch (IllegalStateException cancelled) { // Vert.x says a reset only by refusing the write
      LOG.info("event=stream_gone device={} reason=\"{}\"", device.getDeviceId(), cancelled.getMessage());
      cleanup();
    }
  }

  /** The device as authenticated: its token is current while its registered_at is the registry's. */
  Device device() {
    return device;
  }

  /** The device's token was revoked: the stream ends at once, as a connect with that token would. */
  void revoked() {
    context.runOnContext(v -> fail(GrpcStatus.UNAUTHENTICATED, "the device's token was revoked"));
  }

  /** A newer stream of the same device took over: say so and end this one cleanly. */
  private void replaced() {
    if (!closed) {
      notice(GatewayNoticeKind.GATEWAY_NOTICE_KIND_REPLACED, 0, "", "a newer stream of this device replaced this one");
      boolean open = !closed; // the notice may have found the stream reset
      closed = true;
      vertx.cancelTimer(timer);
      if (open) {
        end(null, null);
      }
    }
  }

  private void fail(GrpcStatus status, String message) {
    if (!closed) {
      LOG.warn("event=link_closed device={} status={} reason=\"{}\"", device.getDeviceId(), status, message);
      cleanup(); // before the status goes out: whoever sees the stream end sees the link down
      end(status, message);
    }
  }

  // Ends the stream (with a status when given); one the device already reset has nothing left to end.
  private void end(GrpcStatus status, String message) {
    try {
      if (status != null) {
        out.status(status).statusMessage(message);
      }
      out.end();
    } catch (IllegalStateException cancelled) {
      LOG.info("event=stream_gone device={} reason=\"{}\"", device.getDeviceId(), cancelled.getMessage());
    }
  }

  private void cleanup() {
    closed = true;
    vertx.cancelTimer(timer);
    if (link != null) {
      links.detach(link, this);
    }
  }
}
