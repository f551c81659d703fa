package org.ezshop.gateway.shelf;

import io.vertx.core.Future;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ezshop.gateway.state.StateArea;

/**
 * Each sensor's row level as of its last change, kept in the gateway's state ("levels") before the change goes on
 * (and its readings are acked). After a restart a row's first level is compared with this, not with the stock
 * store-svc recorded, which lags every change still pending or sent to review: a pick the last run had not yet
 * decided is not measured, and charged, a second time.
 */
public final class RowLevels implements ShelfChangeSink {

  private final StateArea area;
  private final ShelfChangeSink next;
  private final Map<String, Integer> levels = new ConcurrentHashMap<>();

  public RowLevels(StateArea area, ShelfChangeSink next) {
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
    byte[] sensor = change.sensorId().getBytes(StandardCharsets.UTF_8);
    byte[] body = ByteBuffer.allocate(4 + sensor.length).putInt(change.level()).put(sensor).array();
    return area.put(change.sensorId(), body).compose(kept -> next.accept(change));
  }
}
