package org.ezshop.identity;

import java.nio.file.Path;
import java.util.Optional;
import org.ezshop.identity.gallery.Gallery;
import org.ezshop.rpc.Tls;

/**
 * Settings of identity-svc.
 *
 * @param host             address to bind
 * @param port             gRPC port (0 picks a free one)
 * @param managerToken     bearer token every caller (the gateway, managers) must present
 * @param pgUrl            PostgreSQL for the gallery; empty keeps it in memory only
 * @param models           directory with fr_detect.onnx, fr_landmark.onnx and fr_feature.onnx; empty uses the
 *                         models built into the jar
 * @param maxImageBytes    largest image accepted, in bytes
 * @param maxImageSide     largest width or height accepted, read from the header before decoding
 * @param minFacePixels    narrowest face Enroll accepts
 * @param threshold        default cosine similarity for a match
 * @param workers          inference threads (default: the cores)
 * @param queue            requests waiting for a worker before calls fail with RESOURCE_EXHAUSTED
 * @param keepPhotos       also store the enrolled photos (default: embeddings only)
 * @param indexFrom        embeddings from which Identify searches an HNSW index instead of scanning them all
 * @param indexDir         where that index is saved, to be reloaded at start instead of built again; empty: not
 *                         saved
 * @param tls              the server's certificate and key; none: plaintext
 */
public record IdentityConfig(String host, int port, String managerToken, Optional<String> pgUrl,
    Optional<Path> models, int maxImageBytes, int maxImageSide, int minFacePixels, float threshold, int workers,
    int queue, boolean keepPhotos, int indexFrom, Optional<Path> indexDir, Tls tls) {

  public static final int DEFAULT_PORT = 7002;
  public static final int DEFAULT_MAX_IMAGE_BYTES = 8 << 20;
  public static final int DEFAULT_MAX_IMAGE_SIDE = 8000;
  public static final int DEFAULT_MIN_FACE_PIXELS = 64;
  // Calibrated on the faces.md portraits: see the README (Faces) for the scores seen either side of it.
  public static final float DEFAULT_THRESHOLD = 0.55f;
  public static final int DEFAULT_QUEUE = 16;

  /** Defaults for everything but where to listen, the token and the storage. */
  public static IdentityConfig of(String host, int port, String managerToken, Optional<String> pgUrl) {
    return new IdentityConfig(host, port, managerToken, pgUrl, Optional.empty(), DEFAULT_MAX_IMAGE_BYTES,
        DEFAULT_MAX_IMAGE_SIDE, DEFAULT_MIN_FACE_PIXELS, DEFAULT_THRESHOLD,
        Runtime.getRuntime().availableProcessors(), DEFAULT_QUEUE, false, Gallery.INDEX_FROM, Optional.empty(),
        Tls.OFF);
  }
}
