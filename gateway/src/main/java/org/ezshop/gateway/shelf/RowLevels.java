package org.ezshop.gateway.shelf;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ezshop.gateway.state.StateArea;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each sensor's row level as of its last change, kept in the gateway's state ("levels") before the change goes on
 * (and its readings are acked), with the zero point its signal learnt (a load cell's drifting tare) for the
 * calibration it learnt it from. After a restart a row's first level is compared with this, not with the stock
 * store-svc recorded, which lags every change still pending or sent to review: a pick the last run had not yet
 * decided is not measured, and charged, a second time. A change the state cannot take yet (PostgreSQL restarting)
 * is tried again until it can: the row has moved on and the readings will not make it again, so it must not be
 * dropped; its readings stay unacked meanwhile.
 */
public final class RowLevels implements ShelfChangeSink {

  private static final Logger LOG = LoggerFactory.getLogger(RowLevels.class);
  private static final long RETRY_MILLIS = 500;

  private final Vertx vertx;
  private final StateArea area;
  private final ShelfChangeSink next;
  private final Map<String, Kept> kept = new ConcurrentHashMap<>();

  /** A level (-1: none yet) and a zero point learnt (NaN: none) from calibration {@code calibrated}. */
  private record Kept(int level, double calibrated, double learnt) {
    static final Kept NONE = new Kept(-1, Double.NaN, Double.NaN);

    byte[] body(String sensorId) {
      byte[] sensor = sensorId.getBytes(StandardCharsets.UTF_8);
      return ByteBuffer.allocate(20 + sensor.length).putInt(level).putDouble(calibrated).putDouble(learnt).put(sensor)
          .array();
    }
  }
  private volatile boolean closed;

  public RowLevels(Vertx vertx, StateArea area, ShelfChangeSink next) {
    this.vertx = vertx;
    this.area = area;
    this.next = next;
  }

  /** Reads what the last run kept. */
  public Future<Void> load() {
    return area.all().map(bodies -> {
      for (byte[] body : bodies) {
        ByteBuffer b = ByteBuffer.wrap(body);
        Kept k = new Kept(b.getInt(), b.getDouble(), b.getDouble());
        kept.put(StandardCharsets.UTF_8.decode(b).toString(), k);
      }
      return null;
    });
  }

  /** The sensor's level as last changed; -1 when this gateway's state has none. */
  int last(String sensorId) {
    return kept.getOrDefault(sensorId, Kept.NONE).level();
  }

  /** The zero point the sensor's signal learnt from calibration {@code calibrated}; NaN for none or another. */
  double learnt(String sensorId, double calibrated) {
    Kept k = kept.getOrDefault(sensorId, Kept.NONE);
    return k.calibrated() == calibrated ? k.learnt() : Double.NaN;
  }

  /** A level measured afresh (the row was calibrated anew), kept as it comes, as a zero point is. */
  void baseline(String sensorId, int level) {
    Kept k = kept.compute(sensorId, (id, was) -> was == null ? new Kept(level, Double.NaN, Double.NaN)
        : new Kept(level, was.calibrated(), was.learnt()));
    area.put(sensorId, k.body(sensorId)).onFailure(e -> LOG.debug("event=baseline_unkept sensor={} error={}", sensorId,
        e.getMessage()));
  }

  /**
   * A zero point learnt between changes. Kept as it comes, without holding anything up: one lost (PostgreSQL
   * restarting) costs a step of drift, and the next step is kept again.
   */
  void learnt(String sensorId, double calibrated, double learnt) {
    Kept k = kept.compute(sensorId, (id, was) -> new Kept(was == null ? -1 : was.level(), calibrated, learnt));
    area.put(sensorId, k.body(sensorId)).onFailure(e -> LOG.debug("event=learnt_unkept sensor={} error={}", sensorId,
        e.getMessage()));
  }

  @Override
  public Future<Void> accept(ShelfChange change) {
    kept.compute(change.sensorId(), (id, was) -> was == null ? new Kept(change.level(), Double.NaN, Double.NaN)
        : new Kept(change.level(), was.calibrated(), was.learnt()));
    Promise<Void> done = Promise.promise();
    keep(change, done, 0);
    return done.future();
  }

  /** Tries no more: the gateway is stopping, and what is unacked will be sent again to the next. */
  public void close() {
    closed = true;
  }

  // Each try writes the sensor's latest: a retry must not put back an older zero point or level.
  private void keep(ShelfChange change, Promise<Void> done, int attempt) {
    String sensor = change.sensorId();
    area.put(sensor, kept.get(sensor).body(sensor)).compose(v -> next.accept(change)).onComplete(result -> {
      if (result.succeeded()) {
        done.complete();
      } else if (closed) {
        done.fail(result.cause());
      } else {
        if (attempt == 0) {
          LOG.warn("event=change_unkept key={} error={}; retrying", change.key(), result.cause().getMessage());
        }
        vertx.setTimer(RETRY_MILLIS, t -> keep(change, done, attempt + 1));
      }
    });
  }
}
