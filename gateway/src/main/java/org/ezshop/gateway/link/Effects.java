package org.ezshop.gateway.link;

import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.EdgeNotice;
import org.ezshop.edge.v1.EdgeNoticeKind;
import org.ezshop.edge.v1.Frame;
import org.ezshop.edge.v1.GatewayNoticeKind;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.gateway.shelf.ShelfChange;
import org.ezshop.gateway.shelf.ShelfChangeSink;
import org.ezshop.gateway.shelf.Shelves;
import org.ezshop.gateway.sight.Sightings;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.store.v1.Device;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one device's data messages do: readings become shelf changes, frames become sightings, the device's own
 * notices are counted. Problems with single readings or frames go back as notices; the rest still counts.
 */
final class Effects {

  private static final Logger LOG = LoggerFactory.getLogger(Effects.class);
  private static final int MAX_NOTICES = 10;

  /** Sends a notice to the device (from any thread). */
  interface Notifier {
    void notice(GatewayNoticeKind kind, long seq, String field, String message);
  }

  private final Device device;
  private final DeviceLink link;
  private final Set<String> sources;
  private final Shelves shelves;
  private final ShelfChangeSink sink;
  private final Sightings sightings;
  private final Notifier notifier;

  Effects(Device device, DeviceLink link, Set<String> sources, Shelves shelves, ShelfChangeSink sink,
      Sightings sightings, Notifier notifier) {
    this.device = device;
    this.link = link;
    this.sources = sources;
    this.shelves = shelves;
    this.sink = sink;
    this.sightings = sightings;
    this.notifier = notifier;
  }

  /** The message's effect; its future completes once the effect is accepted downstream. */
  Future<Void> of(EdgeMessage m) {
    switch (m.getBodyCase()) {
      case READINGS:
        return readings(m.getSeq(), m.getReadings());
      case FRAME:
        return frame(m.getSeq(), m.getFrame());
      default:
        EdgeNotice n = m.getNotice();
        LOG.warn("event=device_notice device={} kind={} count={} source={} message=\"{}\"", device.getDeviceId(),
            n.getKind(), n.getCount(), n.getSourceId(), n.getMessage());
        synchronized (link) {
          link.deviceDropped += n.getKind() == EdgeNoticeKind.EDGE_NOTICE_KIND_READINGS_DROPPED
              || n.getKind() == EdgeNoticeKind.EDGE_NOTICE_KIND_FRAMES_DROPPED ? n.getCount() : 0;
        }
        return Future.succeededFuture();
    }
  }

  private Future<Void> readings(long seq, ReadingBatch batch) {
    List<Future<Void>> passed = null;
    Notices notices = new Notices(seq, "readings");
    long offset = link.clockOffsetMillis();
    Shelves.Slot slot = null;
    for (int i = 0; i < batch.getReadingsCount(); i++) {
      Reading r = batch.getReadings(i);
      if (slot == null || !slot.placement().sensor().getSensorId().equals(r.getSensorId())) {
        slot = shelves.slot(r.getSensorId()); // a batch mostly repeats a few sensors
      }
      if (slot == null || !slot.placement().sensor().getDeviceId().equals(device.getDeviceId())) {
        slot = null;
        notices.add(GatewayNoticeKind.GATEWAY_NOTICE_KIND_UNKNOWN_SOURCE, "readings[" + i + "].sensor_id",
            "sensor '" + r.getSensorId() + "' is not in this device's shelf layout");
        continue;
      }
      if (!r.hasCapturedAt()) {
        notices.add(GatewayNoticeKind.GATEWAY_NOTICE_KIND_INVALID_DATA, "readings[" + i + "].captured_at", "required");
        continue;
      }
      double value = Values.of(r, slot.placement().sensor().getType(), i, notices);
      if (Double.isNaN(value)) {
        continue; // a dropout, or refused (the notice says which)
      }
      ShelfChange change = slot.offer(EpochMillis.of(r.getCapturedAt()) - offset, value);
      if (change != null) {
        if (passed == null) {
          passed = new ArrayList<>();
        }
        passed.add(sink.accept(change));
      }
    }
    synchronized (link) {
      link.readings += batch.getReadingsCount();
    }
    notices.send();
    return passed == null ? Future.succeededFuture() : Future.all(passed).mapEmpty();
  }

  private Future<Void> frame(long seq, Frame frame) {
    Notices notices = new Notices(seq, "frame");
    if (!sources.contains(frame.getCameraId())) {
      notices.add(GatewayNoticeKind.GATEWAY_NOTICE_KIND_UNKNOWN_SOURCE, "frame.camera_id", "camera '"
          + frame.getCameraId() + "' was not named in hello.source_ids");
    } else if (!Values.isJpeg(frame.getJpeg())) {
      notices.add(GatewayNoticeKind.GATEWAY_NOTICE_KIND_INVALID_DATA, "frame.jpeg", "not a JPEG image");
    } else if (!frame.hasCapturedAt()) {
      notices.add(GatewayNoticeKind.GATEWAY_NOTICE_KIND_INVALID_DATA, "frame.captured_at", "required");
    } else {
      synchronized (link) {
        link.frames++;
      }
      return sightings.submit(device.getDeviceId(), frame.getCameraId(), device.getCameraRole(), frame.getJpeg(),
              EpochMillis.of(frame.getCapturedAt()) - link.clockOffsetMillis())
          .<Void>map(outcome -> {
            if (outcome.coalesced()) {
              notifier.notice(GatewayNoticeKind.GATEWAY_NOTICE_KIND_FRAMES_COALESCED, seq, "frame",
                  "identification is busy: a newer frame of camera '" + frame.getCameraId() + "' replaced this one");
            }
            return null;
          })
          .recover(failure -> {
            if (failure instanceof StatusException
                && ((StatusException) failure).status() == GrpcStatus.INVALID_ARGUMENT) {
              notifier.notice(GatewayNoticeKind.GATEWAY_NOTICE_KIND_INVALID_DATA, seq, "frame.jpeg",
                  ((StatusException) failure).message());
              return Future.succeededFuture(); // a bad image is answered, not retried
            }
            return Future.failedFuture(failure);
          });
    }
    notices.send();
    return Future.succeededFuture();
  }

  /** Per-message notices, a few in full and then a count, so a bad batch cannot flood the stream. */
  final class Notices {
    private final long seq;
    private final String body;
    private int count;

    /** @param body the message's body field the problems are in, for the summary */
    Notices(long seq, String body) {
      this.seq = seq;
      this.body = body;
    }

    void add(GatewayNoticeKind kind, String field, String message) {
      if (++count <= MAX_NOTICES) {
        notifier.notice(kind, seq, field, message);
      }
    }

    void send() {
      if (count > MAX_NOTICES) {
        notifier.notice(GatewayNoticeKind.GATEWAY_NOTICE_KIND_INVALID_DATA, seq, body,
            (count - MAX_NOTICES) + " more problems in this message");
      }
    }
  }
}
