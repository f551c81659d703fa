package org.ezshop.gateway.sight;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.ezshop.common.v1.Box;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.gateway.ServiceClient;
import org.ezshop.identity.v1.IdentifiedFace;
import org.ezshop.identity.v1.IdentifyRequest;
import org.ezshop.identity.v1.IdentifyResponse;
import org.ezshop.identity.v1.IdentityServiceGrpcClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames to sightings through identity-svc's Identify, at most {@code maxInFlight} at a time, cameras taking
 * turns. A shelf camera has at most one live frame waiting: a newer one replaces it (the older is coalesced,
 * reported, and done), so an overloaded identity-svc never makes a queue of live frames grow. Door cameras' frames
 * and backlog a camera resends after a reconnect are identified in full, in order: the device's flow control (32
 * messages in processing per stream) bounds them. Every face becomes a sighting, unknown ones included.
 */
public final class Sightings {

  private static final Logger LOG = LoggerFactory.getLogger(Sightings.class);
  /**
   * A frame captured longer ago than this (the fusion window) is backlog a camera resends after a reconnect: it
   * may show who took something and is never coalesced away. Live frames are.
   */
  private static final long BACKLOG_AFTER_MILLIS = 2000;

  /** A frame's fate: identified, or coalesced away by a newer one from its camera. */
  public record Outcome(boolean coalesced) {
  }

  /** A frame as identified: the image, when it was captured (gateway time), and what identity-svc found in it. */
  public record Frame(String cameraId, ByteString jpeg, long atMillis, IdentifyResponse identified) {
  }

  private record Job(String deviceId, String cameraId, CameraRole role, ByteString jpeg, long atMillis,
      Promise<Outcome> done) {
  }

  private final ServiceClient identity;
  private final SightingWindow window;
  private final int maxInFlight;
  private final Map<String, ArrayDeque<Job>> waiting = new HashMap<>();
  private final ArrayDeque<String> turn = new ArrayDeque<>();
  private final List<Consumer<Sighting>> listeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Frame>> frameListeners = new CopyOnWriteArrayList<>();
  private final List<LongConsumer> identifyTimes = new CopyOnWriteArrayList<>();
  private final List<Function<List<Sighting>, Future<Void>>> beforeAck = new CopyOnWriteArrayList<>();
  private int inFlight;
  private final AtomicLong coalesced = new AtomicLong();

  public Sightings(ServiceClient identity, SightingWindow window, int maxInFlight) {
    this.identity = identity;
    this.window = window;
    this.maxInFlight = maxInFlight;
  }

  public SightingWindow window() {
    return window;
  }

  /** Frames dropped for a newer one of their camera while identification was busy. */
  public long coalesced() {
    return coalesced.get();
  }

  public void listen(Consumer<Sighting> listener) {
    listeners.add(listener);
  }

  /** Hears of each frame identified, image and all. */
  public void listenFrames(Consumer<Frame> listener) {
    frameListeners.add(listener);
  }

  /** Hears how long each Identify that answered took, in nanoseconds. */
  public void timeIdentify(LongConsumer nanos) {
    identifyTimes.add(nanos);
  }

  /**
   * Work a frame's sightings need done before the frame counts as done (and is acked): kept with a waiting change,
   * a door opened. A failure leaves the frame unacked, for the device to send again.
   */
  public void beforeAck(Function<List<Sighting>, Future<Void>> work) {
    beforeAck.add(work);
  }

  /** Identifies the frame (gateway time {@code atMillis}) of a device's camera when its turn comes. */
  public Future<Outcome> submit(String deviceId, String cameraId, CameraRole role, ByteString jpeg, long atMillis) {
    Promise<Outcome> done = Promise.promise();
    Job job = new Job(deviceId, cameraId, role, jpeg, atMillis, done);
    Job replaced = null;
    synchronized (this) {
      ArrayDeque<Job> queue = waiting.computeIfAbsent(cameraId, c -> new ArrayDeque<>());
      if (queue.isEmpty()) {
        turn.addLast(cameraId);
      } else if (coalescable(queue.peekLast()) && coalescable(job)) {
        replaced = queue.pollLast();
      }
      queue.addLast(job);
    }
    if (replaced != null) {
      coalesced.incrementAndGet();
      replaced.done.complete(new Outcome(true));
    }
    next();
    return done.future();
  }

  private void next() {
    Job job;
    synchronized (this) {
      if (inFlight >= maxInFlight || turn.isEmpty()) {
        return;
      }
      String camera = turn.removeFirst();
      ArrayDeque<Job> queue = waiting.get(camera);
      job = queue.pollFirst();
      if (queue.isEmpty()) {
        waiting.remove(camera);
      } else {
        turn.addLast(camera); // the camera's next frame waits its turn behind the other cameras
      }
      inFlight++;
    }
    long started = System.nanoTime();
    identity.call(IdentityServiceGrpcClient.Identify, IdentifyRequest.newBuilder().setImage(job.jpeg).build())
        .onComplete(result -> {
          synchronized (this) {
            inFlight--;
          }
          if (result.succeeded()) {
            long took = System.nanoTime() - started;
            identifyTimes.forEach(t -> t.accept(took));
            List<Sighting> seen = sightings(job, result.result());
            frameListeners.forEach(l -> l.accept(new Frame(job.cameraId, job.jpeg, job.atMillis, result.result())));
            window.frame(job.cameraId, seen);
            seen.forEach(s -> {
              window.add(s);
              listeners.forEach(l -> l.accept(s));
            });
            Future.all(beforeAck.stream().map(work -> work.apply(seen)).toList()).onComplete(kept -> {
              if (kept.succeeded()) {
                job.done.complete(new Outcome(false));
              } else {
                job.done.fail(kept.cause());
              }
            });
          } else {
            LOG.warn("event=identify_failed camera={} error={}", job.cameraId, result.cause().getMessage());
            job.done.fail(result.cause());
          }
          next();
        });
  }

  // Frames of people walking through a door one after another each show someone else: none may replace another.
  private static boolean coalescable(Job job) {
    boolean door = job.role == CameraRole.CAMERA_ROLE_ENTRANCE || job.role == CameraRole.CAMERA_ROLE_EXIT;
    return !door && System.currentTimeMillis() - job.atMillis < BACKLOG_AFTER_MILLIS;
  }

  private static List<Sighting> sightings(Job job, IdentifyResponse frame) {
    List<Sighting> seen = new ArrayList<>();
    for (IdentifiedFace face : frame.getFacesList()) {
      boolean known = face.getMatch() && face.getCandidatesCount() > 0;
      float score = face.getCandidatesCount() > 0 ? face.getCandidates(0).getScore() : 0;
      Box box = face.getBox();
      seen.add(new Sighting(job.deviceId, job.cameraId, job.role, known ? face.getCandidates(0).getFaceId() : "",
          known ? face.getCandidates(0).getSubjectName() : "", score, box.getWidth(), box.getHeight(),
          fraction(box.getX() + box.getWidth() / 2, frame.getImageWidth()),
          fraction(box.getY() + box.getHeight() / 2, frame.getImageHeight()), job.atMillis));
    }
    return seen;
  }

  // An identity-svc that does not say the image's size puts every face in the middle.
  private static float fraction(float pixels, int of) {
    return of > 0 ? Math.max(0, Math.min(1, pixels / of)) : 0.5f;
  }
}
