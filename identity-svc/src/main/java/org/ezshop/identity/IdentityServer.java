package org.ezshop.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.ezshop.identity.face.FaceEngine;
import org.ezshop.identity.face.FaceModels;
import org.ezshop.identity.gallery.FaceStore;
import org.ezshop.identity.gallery.Gallery;
import org.ezshop.identity.gallery.MemoryFaceStore;
import org.ezshop.identity.gallery.PgFaceStore;
import org.ezshop.identity.v1.IdentityServiceGrpcService;
import org.ezshop.rpc.GrpcEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** identity-svc: faces, served over gRPC; the gallery in PostgreSQL or in memory. */
public final class IdentityServer {

  private static final Logger LOG = LoggerFactory.getLogger(IdentityServer.class);
  // Room for the image plus the request's other fields.
  private static final int ENVELOPE_BYTES = 4096;
  // Models below this detector confidence are not faces.
  private static final float MIN_DETECTION_SCORE = 0.7f;

  private final GrpcEndpoint endpoint;
  private final FaceStore store;
  private final Workers workers;
  private final Gallery gallery;
  private final FaceModels models;

  private IdentityServer(GrpcEndpoint endpoint, FaceStore store, Workers workers, Gallery gallery, FaceModels models) {
    this.endpoint = endpoint;
    this.store = store;
    this.workers = workers;
    this.gallery = gallery;
    this.models = models;
  }

  public static Future<IdentityServer> start(Vertx vertx, IdentityConfig config) {
    Workers workers = new Workers(config.workers(), config.queue());
    Gallery gallery = new Gallery(FaceEngine.DIMENSIONS, config.indexFrom(), config.indexDir());
    // Loaded on an inference thread: ONNX Runtime needs its large stack from the first call on.
    return workers.submit(() -> FaceModels.load(config.models()))
        .compose(models -> config.pgUrl()
            .<Future<FaceStore>>map(url -> PgFaceStore.start(vertx, url, gallery, config.keepPhotos()).map(pg -> pg))
            .orElseGet(() -> Future.succeededFuture(new MemoryFaceStore(gallery)))
            .compose(store -> GrpcEndpoint.start(vertx, config.host(), config.port(),
                    (long) config.maxImageBytes() + ENVELOPE_BYTES,
                    List.of(new IdentityApi(config, workers, new FaceEngine(models, MIN_DETECTION_SCORE), gallery, store)),
                    config.tls())
                .map(endpoint -> {
                  endpoint.health().register(IdentityServiceGrpcService.SERVICE_NAME, store::reachable);
                  LOG.info("event=started service=identity-svc port={} storage={} faces={} models={}", endpoint.port(),
                      config.pgUrl().isPresent() ? "postgresql" : "memory", gallery.size(),
                      config.models().map(Object::toString).orElse("built-in"));
                  return new IdentityServer(endpoint, store, workers, gallery, models);
                })
                .onFailure(e -> store.close())))
        .onFailure(e -> workers.close(gallery::close));
  }

  public int port() {
    return endpoint.port();
  }

  public Future<Void> close(Duration grace) {
    return endpoint.close(grace).eventually(store::close).eventually(() -> workers.close(() -> {
      gallery.close();
      try {
        models.close();
      } catch (Exception e) {
        LOG.warn("event=models_close_failed error={}", e.getMessage());
      }
    }));
  }
}
