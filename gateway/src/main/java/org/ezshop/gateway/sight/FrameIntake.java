package org.ezshop.gateway.sight;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.Set;
import org.ezshop.edge.v1.Frame;
import org.ezshop.edge.v1.FrameTrigger;
import org.ezshop.edge.v1.GatewayNoticeKind;
import org.ezshop.gateway.Notices;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.store.v1.Device;

/**
 * Where a camera's frames enter: each is checked, put in gateway time and handed to {@link Sightings}. A frame sent
 * again from the camera's ring whose faces the window already holds is not identified twice.
 */
public final class FrameIntake {

  /** How far apart two readings of one frame's capture time may be (the device's offset, measured twice). */
  private static final long SAME_FRAME_MILLIS = 20;

  private final Sightings sightings;

  public FrameIntake(Sightings sightings) {
    this.sightings = sightings;
  }

  /**
   * One frame from {@code device}, which named {@code cameras} in its hello and whose clock runs
   * {@code clockOffsetMillis} ahead of the gateway's. Completes once the frame is identified or coalesced; a bad
   * image is answered with a notice, not retried.
   */
  public Future<Void> accept(Device device, Set<String> cameras, Frame frame, long clockOffsetMillis,
      Notices notices) {
    if (!cameras.contains(frame.getCameraId())) {
      notices.add(GatewayNoticeKind.GATEWAY_NOTICE_KIND_UNKNOWN_SOURCE, "frame.camera_id", "camera '"
          + frame.getCameraId() + "' was not named in hello.source_ids");
    } else if (!isJpeg(frame.getJpeg())) {
      notices.add(GatewayNoticeKind.GATEWAY_NOTICE_KIND_INVALID_DATA, "frame.jpeg", "not a JPEG image");
    } else if (!frame.hasCapturedAt()) {
      notices.add(GatewayNoticeKind.GATEWAY_NOTICE_KIND_INVALID_DATA, "frame.captured_at", "required");
    } else if (frame.getTrigger() == FrameTrigger.FRAME_TRIGGER_REQUESTED && sightings.window().seenNear(
        frame.getCameraId(), EpochMillis.of(frame.getCapturedAt()) - clockOffsetMillis, SAME_FRAME_MILLIS)) {
      return Future.succeededFuture();
    } else {
      return sightings.submit(device.getDeviceId(), frame.getCameraId(), device.getCameraRole(), frame.getJpeg(),
              EpochMillis.of(frame.getCapturedAt()) - clockOffsetMillis)
          .<Void>map(outcome -> {
            if (outcome.coalesced()) {
              notices.add(GatewayNoticeKind.GATEWAY_NOTICE_KIND_FRAMES_COALESCED, "frame",
                  "identification is busy: a newer frame of camera '" + frame.getCameraId() + "' replaced this one");
            }
            return null;
          })
          .recover(failure -> {
            if (failure instanceof StatusException refused && refused.status() == GrpcStatus.INVALID_ARGUMENT) {
              notices.add(GatewayNoticeKind.GATEWAY_NOTICE_KIND_INVALID_DATA, "frame.jpeg", refused.message());
              return Future.succeededFuture();
            }
            return Future.failedFuture(failure);
          });
    }
    return Future.succeededFuture();
  }

  static boolean isJpeg(ByteString b) {
    return b.size() >= 3 && (b.byteAt(0) & 0xFF) == 0xFF && (b.byteAt(1) & 0xFF) == 0xD8 && (b.byteAt(2) & 0xFF) == 0xFF;
  }
}
