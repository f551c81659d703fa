package org.ezshop.camera.core;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.ezshop.common.v1.Box;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.EdgeNotice;
import org.ezshop.edge.v1.EdgeNoticeKind;
import org.ezshop.edge.v1.FaceHint;
import org.ezshop.edge.v1.Frame;
import org.ezshop.edge.v1.FrameTrigger;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Hello;
import org.ezshop.edgelink.Backoff;
import org.ezshop.edgelink.EdgeLinkClient;
import org.ezshop.edgelink.Unacked;
import org.ezshop.rpc.EpochMillis;

/**
 * A camera's EdgeLink, for Android (over grpc-okhttp) and the desktop runner alike: frames go into the bounded
 * in-memory {@link FrameBuffer} (loss notices included), then out through the shared {@link EdgeLinkClient}.
 * `greet` commands are spoken through the {@link Speaker}. All state lives on the agent executor.
 */
public final class CameraLink {

  private final String cameraId;
  private final FrameBuffer buffer;
  private final ScheduledExecutorService agent;
  private final EdgeLinkClient client;
  private final Map<Long, FrameTrigger> triggers = new HashMap<>();
  private long lastStored;

  /**
   * @param channel a grpc-okhttp channel on Android (OkHttpChannelBuilder); any channel elsewhere
   * @param others  config, burst commands and notices from the gateway, on the agent thread
   */
  public CameraLink(Channel channel, String token, String deviceId, String cameraId, String softwareVersion,
      FrameBuffer buffer, Backoff backoff, ScheduledExecutorService agent, Speaker speaker,
      Consumer<GatewayMessage> others) {
    this(List.of(channel), token, deviceId, cameraId, softwareVersion, buffer, backoff, agent, speaker, others);
  }

  /** @param gateways one channel per gateway address, tried in turn when the link is lost */
  public CameraLink(List<? extends Channel> gateways, String token, String deviceId, String cameraId,
      String softwareVersion, FrameBuffer buffer, Backoff backoff, ScheduledExecutorService agent, Speaker speaker,
      Consumer<GatewayMessage> others) {
    this.cameraId = cameraId;
    this.buffer = buffer;
    this.agent = agent;
    this.lastStored = buffer.acked();
    Hello hello = Hello.newBuilder().setDeviceId(deviceId).setKind(DeviceKind.DEVICE_KIND_CAMERA)
        .setSoftwareVersion(softwareVersion).addSourceIds(cameraId).build();
    this.client = new EdgeLinkClient(gateways, token, hello, new BufferUnacked(), backoff, agent, message -> {
      if (message.hasCommand() && message.getCommand().hasGreet()) {
        speaker.say(message.getCommand().getGreet().getText());
      } else {
        others.accept(message);
      }
    }, System::currentTimeMillis);
  }

  public void start() {
    client.start();
  }

  /** Buffers the frame and sends it when the link allows. Any thread. */
  public void send(CapturedFrame frame, FrameTrigger trigger) {
    agent.execute(() -> {
      triggers.put(buffer.add(frame), trigger);
      for (FrameBuffer.Entry entry : buffer.after(lastStored)) { // a loss notice may come first
        client.stored(message(entry));
        lastStored = entry.seq;
      }
    });
  }

  /** Highest sequence number acked. Agent thread. */
  public long acked() {
    return client.acked();
  }

  /** Highest sequence number handed to the link to send. Agent thread. */
  public long stored() {
    return lastStored;
  }

  /** Ends the stream; buffered frames are lost with the process (they live in memory). */
  public void close() {
    client.close();
  }

  private EdgeMessage message(FrameBuffer.Entry entry) {
    if (entry.frame == null) {
      return EdgeMessage.newBuilder().setSeq(entry.seq).setNotice(EdgeNotice.newBuilder()
          .setKind(EdgeNoticeKind.EDGE_NOTICE_KIND_FRAMES_DROPPED).setCount(entry.droppedFrames).setSourceId(cameraId)
          .setMessage("frame buffer full: " + entry.droppedFrames + " older frames were dropped")).build();
    }
    Frame.Builder frame = Frame.newBuilder().setCameraId(cameraId)
        .setCapturedAt(EpochMillis.timestamp(entry.frame.capturedAtMillis()))
        .setJpeg(ByteString.copyFrom(entry.frame.jpeg()))
        .setTrigger(triggers.getOrDefault(entry.seq, FrameTrigger.FRAME_TRIGGER_UNSPECIFIED));
    for (CapturedFrame.FaceBox face : entry.frame.faces()) {
      frame.addFaceHints(FaceHint.newBuilder().setTrackingId(face.trackingId).setBox(Box.newBuilder()
          .setX(face.x).setY(face.y).setWidth(face.width).setHeight(face.height)));
    }
    return EdgeMessage.newBuilder().setSeq(entry.seq).setFrame(frame).build();
  }

  private final class BufferUnacked implements Unacked {
    @Override
    public long acked() {
      return buffer.acked();
    }

    @Override
    public void ack(long seq) {
      buffer.ack(seq);
      triggers.keySet().removeIf(s -> s <= buffer.acked());
    }

    @Override
    public List<EdgeMessage> after(long seq, int max) {
      List<EdgeMessage> messages = new ArrayList<>();
      for (FrameBuffer.Entry entry : buffer.after(seq)) {
        if (messages.size() == max) {
          break;
        }
        messages.add(message(entry));
      }
      return messages;
    }
  }
}
