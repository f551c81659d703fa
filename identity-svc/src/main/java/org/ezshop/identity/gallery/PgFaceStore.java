package org.ezshop.identity.gallery;

import com.google.protobuf.InvalidProtocolBufferException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.ezshop.store.v1.AuditEntry;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enrolments in PostgreSQL (schema {@code identity}). Every change NOTIFYs the others: "add:ID" or
 * "forget:FACE_ID"; each replica applies them to its gallery in arrival order, and reloads everything whenever
 * its LISTEN connection (re)connects, so nothing missed while away stays missed.
 */
public final class PgFaceStore implements FaceStore {

  private static final Logger LOG = LoggerFactory.getLogger(PgFaceStore.class);
  private static final String CHANNEL = "ezshop_faces";
  private static final String SELECT = "SELECT e.id, e.face_id, f.subject_name, e.embedding "
      + "FROM identity.face_embeddings e JOIN identity.faces f USING (face_id)";

  private final Pool pool;
  private final PgSubscriber subscriber;
  private final Gallery gallery;
  private final boolean keepPhotos;
  private Future<?> applied = Future.succeededFuture();
  private int listens;

  private PgFaceStore(Pool pool, PgSubscriber subscriber, Gallery gallery, boolean keepPhotos) {
    this.pool = pool;
    this.subscriber = subscriber;
    this.gallery = gallery;
    this.keepPhotos = keepPhotos;
  }

  /** Migrates (on a worker), loads every embedding into the gallery and starts listening. */
  public static Future<PgFaceStore> start(Vertx vertx, String url, Gallery gallery, boolean keepPhotos) {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    return vertx.executeBlocking(() -> {
      Flyway.configure()
          .dataSource("jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase(),
              options.getUser(), options.getPassword())
          .schemas("identity")
          .locations("classpath:db/identity")
          .load()
          .migrate();
      return null;
    }).compose(v -> {
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(options).using(vertx).build();
      PgSubscriber subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 500L);
      PgFaceStore store = new PgFaceStore(pool, subscriber, gallery, keepPhotos);
      subscriber.channel(CHANNEL)
          .subscribeHandler(x -> {
            // A restart of PostgreSQL resets the LISTEN connection; the subscriber reconnects, so a line says it.
            subscriber.actualConnection().exceptionHandler(e -> LOG.info("event=listen_lost error={}",
                e.getMessage()));
            store.reconnected();
          })
          .handler(store::notified);
      return subscriber.connect()
          .compose(x -> store.loadFirst())
          .map(x -> store)
          .onFailure(e -> {
            pool.close();
            subscriber.close();
          });
    });
  }

  private synchronized Future<?> inOrder(Supplier<Future<?>> step) {
    applied = applied.transform(x -> step.get());
    return applied;
  }

  private Future<?> loadFirst() {
    return inOrder(this::reload);
  }

  // Whatever changed while the LISTEN connection was down is only in the tables now. The first LISTEN is the
  // start's own, whose load loadFirst already queued.
  private synchronized void reconnected() {
    if (listens++ > 0) {
      inOrder(this::reload);
    }
  }

  private void notified(String payload) {
    int colon = payload.indexOf(':');
    String kind = payload.substring(0, colon);
    String arg = payload.substring(colon + 1);
    inOrder(() -> "add".equals(kind)
        ? pool.preparedQuery(SELECT + " WHERE e.id = $1").execute(Tuple.of(Long.parseLong(arg)))
            .compose(rows -> gallery.change(() -> {
              rows.forEach(row -> gallery.put(enrolment(row)));
              return null;
            }))
        : gallery.change(() -> gallery.remove(arg)))
        .onFailure(e -> LOG.warn("event=face_sync_failed change={} error={}", payload, e.getMessage()));
  }

  private Future<?> reload() {
    return pool.query(SELECT).execute().compose(rows -> gallery.change(() -> {
      // Each row decoded as the gallery copies it in, so that a million embeddings are not held twice over.
      gallery.replaceAll(new AbstractCollection<>() {
        @Override
        public Iterator<Enrolment> iterator() {
          Iterator<Row> each = rows.iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return each.hasNext();
            }

            @Override
            public Enrolment next() {
              return enrolment(each.next());
            }
          };
        }

        @Override
        public int size() {
          return rows.size();
        }
      });
      LOG.info("event=gallery_loaded embeddings={}", rows.size());
      return null;
    }));
  }

  @Override
  public Future<Enrolment> enrol(String faceId, String subjectName, float[] embedding, Optional<byte[]> photo) {
    Buffer bytes = Buffer.buffer(bytes(embedding));
    Buffer image = keepPhotos ? photo.map(Buffer::buffer).orElse(null) : null;
    return pool.withTransaction(conn -> conn
            .preparedQuery("INSERT INTO identity.faces (face_id, subject_name) VALUES ($1, $2) "
                + "ON CONFLICT (face_id) DO NOTHING")
            .execute(Tuple.of(faceId, subjectName))
            .compose(x -> conn.preparedQuery("INSERT INTO identity.face_embeddings (face_id, embedding, photo) "
                    + "VALUES ($1, $2, $3) RETURNING id")
                .execute(Tuple.of(faceId, bytes, image)))
            .map(rows -> rows.iterator().next().getLong(0))
            .compose(id -> conn.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(CHANNEL, "add:" + id))
                .map(id)))
        .compose(id -> {
          Enrolment e = new Enrolment(id, faceId, subjectName, embedding);
          return gallery.change(() -> {
            gallery.put(e);
            return e;
          });
        });
  }

  @Override
  public Future<Integer> forget(String faceId, AuditEntry.Builder audit) {
    return pool.withTransaction(conn -> conn
            .preparedQuery("WITH gone AS (DELETE FROM identity.face_embeddings WHERE face_id = $1 RETURNING 1) "
                + "SELECT count(*) FROM gone")
            .execute(Tuple.of(faceId))
            .map(rows -> rows.iterator().next().getInteger(0))
            .compose(n -> conn.preparedQuery("DELETE FROM identity.faces WHERE face_id = $1").execute(Tuple.of(faceId))
                .compose(x -> {
                  AuditEntry entry = audit.putFields("embeddings_removed", String.valueOf(n)).build();
                  return conn.preparedQuery("INSERT INTO identity.audit_entries VALUES ($1, $2, $3)").execute(
                      Tuple.of(entry.getEntryId(), OffsetDateTime.ofInstant(Instant.ofEpochSecond(entry.getAt()
                          .getSeconds(), entry.getAt().getNanos()), ZoneOffset.UTC), Buffer.buffer(entry.toByteArray())));
                })
                .compose(x -> conn.preparedQuery("SELECT pg_notify($1, $2)")
                    .execute(Tuple.of(CHANNEL, "forget:" + faceId)))
                .map(n)))
        .compose(n -> gallery.change(() -> Math.max(n, gallery.remove(faceId))));
  }

  @Override
  public Future<List<AuditEntry>> audit(int limit) {
    return pool.preparedQuery("SELECT body FROM identity.audit_entries ORDER BY at DESC, entry_id DESC LIMIT $1")
        .execute(Tuple.of(limit)).map(rows -> {
          List<AuditEntry> entries = new ArrayList<>();
          for (var row : rows) {
            try {
              entries.add(AuditEntry.parseFrom(row.getBuffer("body").getBytes()));
            } catch (InvalidProtocolBufferException e) {
              throw new IllegalStateException("an unreadable audit entry", e);
            }
          }
          return entries;
        });
  }

  @Override
  public Future<Boolean> reachable() {
    return pool.query("SELECT 1").execute().map(rows -> true).otherwise(false);
  }

  @Override
  public Future<Void> close() {
    return subscriber.close().eventually(pool::close);
  }

  private static Enrolment enrolment(Row row) {
    ByteBuffer b = ByteBuffer.wrap(row.getBuffer(3).getBytes()).order(ByteOrder.LITTLE_ENDIAN);
    float[] e = new float[b.remaining() / 4];
    b.asFloatBuffer().get(e);
    return new Enrolment(row.getLong(0), row.getString(1), row.getString(2), e);
  }

  private static byte[] bytes(float[] embedding) {
    ByteBuffer b = ByteBuffer.allocate(embedding.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(embedding);
    return b.array();
  }
}
