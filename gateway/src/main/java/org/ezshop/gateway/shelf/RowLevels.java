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
 * (and its readings are acked). After a restart a row's first level is compared with this, not with the stock
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
  private final Map<String, Integer> levels = new ConcurrentHashMap<>();
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
        int level = b.getInt();
        levels.put(StandardCharsets.UTF_8.decode(b).toString(), level);
      }
      return null;
    });
  }

  /** The sensor's level as last changed; -1 when this gateway's state has none. */
  int last(String sensorId) {
    return levels.getOrDefault(sensorId, -1);
  }

  @Override
  public Future<Void> accept(ShelfChange change) {
    levels.put(change.sensorId(), change.level());
    Promise<Void> kept = Promise.promise();
    keep(change, kept, 0);
    return kept.future();
  }

  /** Tries no more: the gateway is stopping, and what is unacked will be sent again to the next. */
  public void close() {
    closed = true;
  }

  private void keep(ShelfChange change, Promise<Void> kept, int attempt) {
    byte[] sensor = change.sensorId().getBytes(StandardCharsets.UTF_8);
    byte[] body = ByteBuffer.allocate(4 + sensor.length).putInt(change.level()).put(sensor).array();
    area.put(change.sensorId(), body).compose(v -> next.accept(change)).onComplete(done -> {
      if (done.succeeded()) {
        kept.complete();
      } else if (closed) {
        kept.fail(done.cause());
      } else {
        if (attempt == 0) {
          LOG.warn("event=change_unkept key={} error={}; retrying", change.key(), done.cause().getMessage());
        }
        vertx.setTimer(RETRY_MILLIS, t -> keep(change, kept, attempt + 1));
      }
    });
  }
}
