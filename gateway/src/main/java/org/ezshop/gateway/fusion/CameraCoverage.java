package org.ezshop.gateway.fusion;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.ezshop.gateway.shelf.RowView;
import org.ezshop.gateway.shelf.ShelfChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the cameras a change depends on have sent of its window: which are behind, the share of it a silent one
 * missed, and asking one that may have missed part of it for its ring of recent frames.
 */
final class CameraCoverage {

  private static final Logger LOG = LoggerFactory.getLogger(Fusion.class); // its lines are the decision's, as before

  private final CameraWatermarks cameras;
  private final FusionSettings settings;
  private final Set<String> askedForFrames = ConcurrentHashMap.newKeySet();

  CameraCoverage(CameraWatermarks cameras, FusionSettings settings) {
    this.cameras = cameras;
    this.settings = settings;
  }

  /**
   * The row's cameras and the entrances whose frames are not all in up to {@code until}, unless silent past the
   * grace period.
   */
  List<String> behind(ShelfChange change, long until, long now) {
    Map<String, Long> marks = new TreeMap<>(cameras.entranceWatermarks(now));
    change.views().forEach(v -> marks.put(v.cameraId(), cameras.frameWatermark(v.cameraId(), now)));
    return marks.entrySet().stream().filter(mark -> mark.getValue() < until
        && now - mark.getValue() < settings.graceMillis()).map(Map.Entry::getKey).toList();
  }

  /**
   * Asks each covering camera that may have missed part of the change's window (the gateway restarted, or the
   * camera's link was lost) for what its ring of recent frames holds of it, once per camera, as soon as it is
   * linked. True if one was asked now.
   */
  boolean askForFrames(ShelfChange change) {
    long from = change.onsetMillis() - settings.windowMillis();
    long to = change.onsetMillis() + settings.windowMillis();
    List<String> asked = change.views().stream().map(RowView::cameraId).distinct()
        .filter(camera -> !askedForFrames.contains(change.key() + " " + camera) && cameras.missedSince(camera, from)
            && cameras.requestFrames(camera, from, to))
        .toList();
    asked.forEach(camera -> askedForFrames.add(change.key() + " " + camera));
    if (!asked.isEmpty()) {
      LOG.info("event=frames_requested key={} cameras={}", change.key(), asked);
    }
    return !asked.isEmpty();
  }

  /** The largest share of the change's window that a covering camera's frames do not reach (it fell silent). */
  double gap(ShelfChange change, long now) {
    long from = change.onsetMillis() - settings.windowMillis();
    long to = change.onsetMillis() + settings.windowMillis();
    return change.views().stream().mapToDouble(v -> Math.max(0, Math.min(1,
        (double) (to - Math.max(from, cameras.frameWatermark(v.cameraId(), now))) / (to - from)))).max().orElse(0);
  }

  /** The change is decided: nothing more is asked for it. */
  void forget(ShelfChange change) {
    askedForFrames.removeIf(asked -> asked.startsWith(change.key() + " "));
  }
}
