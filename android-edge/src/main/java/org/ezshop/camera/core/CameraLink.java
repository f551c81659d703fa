package org.ezshop.camera.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.ezshop.common.v1.Box;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.edge.v1.EdgeLinkServiceGrpc;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.EdgeNotice;
import org.ezshop.edge.v1.EdgeNoticeKind;
import org.ezshop.edge.v1.FaceHint;
import org.ezshop.edge.v1.Frame;
import org.ezshop.edge.v1.FrameTrigger;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Hello;
import org.ezshop.edge.v1.TimeSyncReply;

/**
 * A camera's end of EdgeLink, for Android (over grpc-okhttp) and the desktop runner alike. Frames go into the
 * bounded {@link FrameBuffer}, then onto the stream as flow control allows; acks free them. After a break it
 * reconnects with backoff and resends what is buffered, loss notices included. `greet` commands are spoken
 * through the {@link Speaker}. All state lives on the given single-thread executor.
 */
public final class CameraLink {

  private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final EdgeLinkServiceGrpc.EdgeLinkServiceStub stub;
  private final String deviceId;
  private final String cameraId;
  private final String softwareVersion;
  private final FrameBuffer buffer;
  private final Backoff backoff;
  private final ScheduledExecutorService agent;
  private final Speaker speaker;
  private final Consumer<GatewayMessage> others;
  private final Map<Long, FrameTrigger> triggers = new HashMap<>();
  private ClientCallStreamObserver<EdgeMessage> stream;
  private boolean welcomed;
  private long sentUpTo;
  private boolean closed;

  /**
   * @param channel a grpc-okhttp channel on Android (OkHttpChannelBuilder); any channel elsewhere
   * @param others  config, burst commands and notices from the gateway, on the agent thread
   */
  public CameraLink(Channel channel, String token, String deviceId, String cameraId, String softwareVersion,
      FrameBuffer buffer, Backoff backoff, ScheduledExecutorService agent, Speaker speaker,
      Consumer<GatewayMessage> others) {
    Metadata metadata = new Metadata();
    metadata.put(AUTHORIZATION, "Bearer " + token);
    this.stub = EdgeLinkServiceGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
    this.deviceId = deviceId;
    this.cameraId = cameraId;
    this.softwareVersion = softwareVersion;
    this.buffer = buffer;
    this.backoff = backoff;
    this.agent = agent;
    this.speaker = speaker;
    this.others = others;
  }

  public void start() {
    agent.execute(this::connect);
  }

  /** Buffers the frame and sends it when the link allows. Any thread. */
  public void send(CapturedFrame frame, FrameTrigger trigger) {
    agent.execute(() -> {
      triggers.put(buffer.add(frame), trigger);
      drain();
    });
  }

  private void connect() {
    if (closed) {
      return;
    }
    welcomed = false;
    stream = (ClientCallStreamObserver<EdgeMessage>) stub.connect(new ClientResponseObserver<EdgeMessage, GatewayMessage>() {
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
        agent.execute(CameraLink.this::broken);
      }

      @Override
      public void onCompleted() {
        agent.execute(CameraLink.this::broken);
      }
    });
    stream.onNext(EdgeMessage.newBuilder().setHello(Hello.newBuilder().setDeviceId(deviceId)
        .setKind(DeviceKind.DEVICE_KIND_CAMERA).setSoftwareVersion(softwareVersion).setLastAckedSeq(buffer.acked())
        .setDeviceTime(timestamp(System.currentTimeMillis())).addSourceIds(cameraId)).build());
  }

  private void broken() {
    if (closed || stream == null) {
      return;
    }
    stream = null;
    agent.schedule(this::connect, backoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
  }

  private void received(GatewayMessage message) {
    switch (message.getBodyCase()) {
      case WELCOME:
        welcomed = true;
        backoff.reset();
        buffer.ack(message.getWelcome().getAckedSeq());
        sentUpTo = buffer.acked(); // resend everything the gateway does not hold
        drain();
        break;
      case ACK:
        buffer.ack(message.getAck().getUpToSeq());
        triggers.keySet().removeIf(seq -> seq <= buffer.acked());
        break;
      case TIME_SYNC_REQUEST:
        if (stream != null) {
          Timestamp received = timestamp(System.currentTimeMillis());
          stream.onNext(EdgeMessage.newBuilder().setTimeSyncReply(TimeSyncReply.newBuilder()
              .setId(message.getTimeSyncRequest().getId()).setDeviceReceivedAt(received)
              .setDeviceSentAt(timestamp(System.currentTimeMillis()))).build());
        }
        break;
      case COMMAND:
        if (message.getCommand().hasGreet()) {
          speaker.say(message.getCommand().getGreet().getText());
          break;
        }
        others.accept(message);
        break;
      default:
        others.accept(message);
    }
  }

  private void drain() {
    if (stream == null || !welcomed) {
      return;
    }
    for (FrameBuffer.Entry entry : buffer.after(sentUpTo)) {
      if (!stream.isReady()) {
        return;
      }
      stream.onNext(message(entry));
      sentUpTo = entry.seq;
    }
  }

  private EdgeMessage message(FrameBuffer.Entry entry) {
    if (entry.frame == null) {
      return EdgeMessage.newBuilder().setSeq(entry.seq).setNotice(EdgeNotice.newBuilder()
          .setKind(EdgeNoticeKind.EDGE_NOTICE_KIND_FRAMES_DROPPED).setCount(entry.droppedFrames).setSourceId(cameraId)
          .setMessage("frame buffer full: " + entry.droppedFrames + " older frames were dropped")).build();
    }
    Frame.Builder frame = Frame.newBuilder().setCameraId(cameraId)
        .setCapturedAt(timestamp(entry.frame.capturedAtMillis()))
        .setJpeg(ByteString.copyFrom(entry.frame.jpeg()))
        .setTrigger(triggers.getOrDefault(entry.seq, FrameTrigger.FRAME_TRIGGER_UNSPECIFIED));
    for (CapturedFrame.FaceBox face : entry.frame.faces()) {
      frame.addFaceHints(FaceHint.newBuilder().setTrackingId(face.trackingId).setBox(Box.newBuilder()
          .setX(face.x).setY(face.y).setWidth(face.width).setHeight(face.height)));
    }
    return EdgeMessage.newBuilder().setSeq(entry.seq).setFrame(frame).build();
  }

  private static Timestamp timestamp(long millis) {
    return Timestamp.newBuilder().setSeconds(Math.floorDiv(millis, 1000L))
        .setNanos((int) Math.floorMod(millis, 1000L) * 1_000_000).build();
  }

  /** Highest sequence number acked. Agent thread. */
  public long acked() {
    return buffer.acked();
  }

  /** Ends the stream; buffered frames are lost with the process (they live in memory). */
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
