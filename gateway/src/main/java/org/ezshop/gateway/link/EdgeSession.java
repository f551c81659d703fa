package org.ezshop.gateway.link;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ezshop.edge.v1.Ack;
import org.ezshop.edge.v1.Command;
import org.ezshop.edge.v1.DeviceConfig;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.GatewayNotice;
import org.ezshop.edge.v1.GatewayNoticeKind;
import org.ezshop.edge.v1.Hello;
import org.ezshop.edge.v1.TimeSyncReply;
import org.ezshop.edge.v1.TimeSyncRequest;
import org.ezshop.edge.v1.Welcome;
import org.ezshop.gateway.shelf.ShelfChangeSink;
import org.ezshop.gateway.shelf.ShelfLayout;
import org.ezshop.gateway.shelf.Shelves;
import org.ezshop.gateway.sight.Sightings;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.store.v1.Device;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's EdgeLink stream, on the event loop of its connection: hello first, then data messages in seq
 * order, each acked once its effect is accepted downstream; clock probes; a dead-link timer. At most
 * {@link #MAX_IN_FLIGHT} messages are in processing: beyond that the stream is paused (HTTP/2 flow control
 * then holds the device back).
 */
final class EdgeSession {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeSession.class);
  private static final int MAX_IN_FLIGHT = 32;
  private static final int MAX_PROBES = 16;

  private final Vertx vertx;
  private final Context context;
  private final GrpcServerRequest<EdgeMessage, GatewayMessage> call;
  private final GrpcServerResponse<EdgeMessage, GatewayMessage> out;
  private final Device device;
  private final EdgeLinks links;
  private final Shelves shelves;
  private final ShelfChangeSink sink;
  private final Sightings sightings;
  private final long heartbeatMillis;
  private final Map<Long, Long> probes = new LinkedHashMap<>();
  private DeviceLink link;
  private Effects effects;
  private boolean helloed;
  private boolean closed;
  private DeviceConfig sentConfig;
  private long lastMessage;
  private long timer;
  private long probeIds;
  private long welcomeAcked;
  private int inFlight;
  private Future<Void> pending = Future.succeededFuture();

  EdgeSession(Vertx vertx, GrpcServerRequest<EdgeMessage, GatewayMessage> call, Device device, EdgeLinks links,
      Shelves shelves, ShelfChangeSink sink, Sightings sightings, long heartbeatMillis) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.call = call;
    this.out = call.response();
    this.device = device;
    this.links = links;
    this.shelves = shelves;
    this.sink = sink;
    this.sightings = sightings;
    this.heartbeatMillis = heartbeatMillis;
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
    if (!helloed) {
      if (!m.hasHello()) {
        fail(GrpcStatus.FAILED_PRECONDITION, "hello must be the first message on the stream, not " + m.getBodyCase());
      } else {
        hello(m.getHello());
      }
      return;
    }
    switch (m.getBodyCase()) {
      case TIME_SYNC_REPLY -> synced(m.getTimeSyncReply());
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
    synchronized (link) {
      link.acked = Math.max(link.acked, hello.getLastAckedSeq());
      link.lastSeenMillis = now;
      link.kind = device.getKind();
      link.softwareVersion = hello.getSoftwareVersion();
      if (hello.hasDeviceTime()) {
        link.clock.rough(EpochMillis.of(hello.getDeviceTime()), now);
      }
      link.accepted = Math.max(link.accepted, link.acked);
      welcomeAcked = link.acked;
    }
    effects = new Effects(device, link, Set.copyOf(hello.getSourceIdsList()), shelves, sink, sightings,
        (kind, seq, field, message) -> {
          if (Vertx.currentContext() == context) {
            notice(kind, seq, field, message); // in line: before the message's ack
          } else {
            context.runOnContext(v -> notice(kind, seq, field, message));
          }
        });
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
    List<ShelfLayout.Placement> mine = new ArrayList<>(shelves.layout().sensorsOf(device.getDeviceId()));
    if (mine.isEmpty() || !helloed) {
      return;
    }
    mine.sort(Comparator.comparing(p -> p.sensor().getSensorId()));
    DeviceConfig.Builder config = DeviceConfig.newBuilder();
    mine.forEach(p -> config.addSensorsBuilder().setSensorId(p.sensor().getSensorId()).setRowId(p.row().getRowId())
        .setType(p.sensor().getType()).setCalibration(p.row().getCalibration()));
    if (!config.build().equals(sentConfig)) {
      sentConfig = config.build();
      send(GatewayMessage.newBuilder().setConfig(sentConfig).build());
    }
  }

  private void probe() {
    if (closed) {
      return;
    }
    long id = ++probeIds;
    long now = System.currentTimeMillis();
    probes.put(id, now);
    if (probes.size() > MAX_PROBES) {
      probes.remove(probes.keySet().iterator().next());
    }
    send(GatewayMessage.newBuilder().setTimeSyncRequest(TimeSyncRequest.newBuilder().setId(id)
        .setGatewaySentAt(EpochMillis.timestamp(now))).build());
  }

  private void synced(TimeSyncReply reply) {
    Long sent = probes.remove(reply.getId());
    if (sent != null) {
      synchronized (link) {
        link.clock.sample(sent, EpochMillis.of(reply.getDeviceReceivedAt()), EpochMillis.of(reply.getDeviceSentAt()),
            System.currentTimeMillis());
      }
    }
  }

  private void data(EdgeMessage m) {
    long seq = m.getSeq();
    if (seq == 0) {
      notice(GatewayNoticeKind.GATEWAY_NOTICE_KIND_INVALID_DATA, 0, "seq", "data messages carry a seq from 1 up");
      return;
    }
    long before;
    synchronized (link) { // per device, not per stream: a replaced stream may still be finishing a message
      link.lastSeenMillis = lastMessage;
      link.counted(lastMessage);
      before = link.accepted;
      if (seq > before) {
        link.accepted = seq;
      }
    }
    if (seq <= before) { // a resend of something already taken: no second effect
      pending.onComplete(x -> context.runOnContext(v -> ack(link.acked())));
      return;
    }
    if (seq > before + 1) {
      LOG.warn("event=seq_gap device={} expected={} got={}", device.getDeviceId(), before + 1, seq);
      notice(GatewayNoticeKind.GATEWAY_NOTICE_KIND_SEQ_GAP, seq, "seq", (seq - before - 1)
          + " messages after seq " + before + " never arrived");
    }
    Future<Void> effect = effects.of(m);
    if (inFlight == 0 && effect.succeeded()) { // the common case: done at once, nothing ahead of it
      acked(seq);
      return;
    }
    if (++inFlight >= MAX_IN_FLIGHT) {
      call.pause();
    }
    pending = pending.transform(x -> effect).andThen(done -> context.runOnContext(v -> {
      inFlight--;
      if (done.failed()) {
        fail(GrpcStatus.UNAVAILABLE, "could not pass on seq " + seq + " (" + done.cause().getMessage()
            + "); resend after reconnecting");
        return;
      }
      acked(seq);
      if (inFlight == MAX_IN_FLIGHT / 2) {
        call.resume();
      }
    }));
  }

  private void acked(long seq) {
    synchronized (link) {
      link.acked = Math.max(link.acked, seq);
    }
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
    if (closed) {
      return;
    }
    try {
      out.write(message);
    } catch (IllegalStateException cancelled) { // Vert.x says a reset only by refusing the write
      LOG.info("event=stream_gone device={} reason=\"{}\"", device.getDeviceId(), cancelled.getMessage());
      cleanup();
    }
  }

  /** A newer stream of the same device took over: say so and end this one cleanly. */
  private void replaced() {
    if (closed) {
      return;
    }
    notice(GatewayNoticeKind.GATEWAY_NOTICE_KIND_REPLACED, 0, "", "a newer stream of this device replaced this one");
    boolean open = !closed;
    closed = true;
    vertx.cancelTimer(timer);
    if (open) {
      end(null, null);
    }
  }

  private void fail(GrpcStatus status, String message) {
    if (closed) {
      return;
    }
    LOG.warn("event=link_closed device={} status={} reason=\"{}\"", device.getDeviceId(), status, message);
    cleanup(); // before the status goes out: whoever sees the stream end sees the link down
    end(status, message);
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
