package org.ezshop.identity;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.Timestamp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.Service;
import io.vertx.grpc.server.StatusException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.ezshop.common.v1.Box;
import org.ezshop.identity.face.FaceEngine;
import org.ezshop.identity.face.Picture;
import org.ezshop.identity.face.Pictures;
import org.ezshop.identity.gallery.FaceStore;
import org.ezshop.identity.gallery.Gallery;
import org.ezshop.identity.gallery.Match;
import org.ezshop.identity.v1.*;
import org.ezshop.rpc.Bearer;
import org.ezshop.rpc.Calls;
import org.ezshop.store.v1.AuditEntry;
import org.ezshop.store.v1.ListAuditEntriesResponse;

/** ezshop.identity.v1.IdentityService: checks the caller and the request, then runs the pipeline on a worker. */
final class IdentityApi implements Service {

  private static final int MAX_CANDIDATES = 20;

  private final IdentityConfig config;
  private final Workers workers;
  private final Pictures pictures;
  private final FaceEngine engine;
  private final Gallery gallery;
  private final FaceStore store;

  IdentityApi(IdentityConfig config, Workers workers, FaceEngine engine, Gallery gallery, FaceStore store) {
    this.config = config;
    this.workers = workers;
    this.pictures = new Pictures(config.maxImageBytes(), config.maxImageSide());
    this.engine = engine;
    this.gallery = gallery;
    this.store = store;
  }

  @Override
  public ServiceName name() {
    return IdentityServiceGrpcService.SERVICE_NAME;
  }

  @Override
  public ServiceDescriptor descriptor() {
    return IdentityServiceGrpcService.SERVICE_DESCRIPTOR;
  }

  @Override
  public void bind(GrpcServer s) {
    Calls.unary(s, IdentityServiceGrpcService.Enroll, (h, r) -> {
      authorize(h);
      String faceId = r.getFaceId().isEmpty() ? UUID.randomUUID().toString() : r.getFaceId();
      String newName = r.getFaceId().isEmpty() ? subjectName(r.getSubjectName()) : null;
      return workers.submit(() -> {
        // The gallery's lock is taken here, off the event loop: a search may hold it for milliseconds.
        String name = newName != null ? newName : known(r.getFaceId());
        Picture picture = decode(r.getImage());
        List<org.ezshop.identity.face.Box> faces = engine.detect(picture);
        require(!faces.isEmpty(), "image", "no face found");
        require(faces.size() == 1, "image", faces.size() + " faces found; enrol a photo of one person alone");
        org.ezshop.identity.face.Box face = faces.get(0);
        require(face.width() >= config.minFacePixels(), "image", "the face is " + Math.round(face.width())
            + " px wide; at least " + config.minFacePixels() + " px are needed");
        return new Probe(face, engine.embed(picture, face), name);
      }).compose(probe -> store.enrol(faceId, probe.name, probe.embedding, Optional.of(r.getImage().toByteArray()))
          .map(e -> EnrollResponse.newBuilder()
              .setFaceId(faceId)
              .setBox(box(probe.face))
              .setQuality(probe.face.score() * Math.min(1f, probe.face.width() / (2f * config.minFacePixels())))
              .setPhotoCount(gallery.photos(faceId))
              .build()));
    });
    Calls.unary(s, IdentityServiceGrpcService.Verify, (h, r) -> {
      authorize(h);
      float threshold = threshold(r.getThreshold());
      return workers.submit(() -> {
        known(r.getFaceId());
        Picture picture = decode(r.getImage());
        List<org.ezshop.identity.face.Box> faces = engine.detect(picture);
        require(!faces.isEmpty(), "image", "no face found");
        float score = gallery.score(r.getFaceId(), engine.embed(picture, faces.get(0)));
        if (Float.isNaN(score)) {
          throw unknown(r.getFaceId());
        }
        return VerifyResponse.newBuilder()
            .setMatch(score >= threshold)
            .setScore(score)
            .setBox(box(faces.get(0)))
            .setThreshold(threshold)
            .build();
      });
    });
    Calls.unary(s, IdentityServiceGrpcService.Identify, (h, r) -> {
      authorize(h);
      float threshold = threshold(r.getThreshold());
      require(r.getMaxCandidates() >= 0 && r.getMaxCandidates() <= MAX_CANDIDATES, "max_candidates",
          "must be 0 (for 3) to " + MAX_CANDIDATES);
      int k = r.getMaxCandidates() == 0 ? 3 : r.getMaxCandidates();
      return workers.submit(() -> {
        Picture picture = decode(r.getImage());
        IdentifyResponse.Builder out = IdentifyResponse.newBuilder().setThreshold(threshold)
            .setImageWidth(picture.width()).setImageHeight(picture.height());
        for (org.ezshop.identity.face.Box face : engine.detect(picture)) {
          List<Match> top = gallery.top(engine.embed(picture, face), k);
          IdentifiedFace.Builder f = out.addFacesBuilder()
              .setBox(box(face))
              .setDetectionScore(face.score())
              .setMatch(!top.isEmpty() && top.get(0).score() >= threshold);
          top.forEach(m -> f.addCandidatesBuilder()
              .setFaceId(m.faceId()).setSubjectName(m.subjectName()).setScore(m.score()));
        }
        Instant now = Instant.now();
        out.getIdentifiedAtBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano());
        return out.build();
      });
    });
    Calls.unary(s, IdentityServiceGrpcService.Forget, (h, r) -> {
      authorize(h);
      require(!r.getFaceId().isBlank(), "face_id", "required");
      Instant now = Instant.now();
      AuditEntry.Builder audit = AuditEntry.newBuilder().setEntryId("u-" + UUID.randomUUID()).setAction("Forget")
          .setActor(Bearer.managerId(Bearer.token(h))).putFields("face_id", r.getFaceId())
          .setAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));
      return store.forget(r.getFaceId(), audit).map(n -> ForgetResponse.newBuilder()
          .setForgotten(n > 0)
          .setEmbeddingsRemoved(n)
          .build());
    });
    Calls.unary(s, IdentityServiceGrpcService.ListAuditEntries, (h, r) -> {
      authorize(h);
      require(r.getLimit() >= 0, "limit", "must be >= 0");
      return store.audit(r.getLimit() == 0 ? 100 : r.getLimit())
          .map(entries -> ListAuditEntriesResponse.newBuilder().addAllEntries(entries).build());
    });
  }

  private record Probe(org.ezshop.identity.face.Box face, float[] embedding, String name) {
  }

  private void authorize(MultiMap headers) {
    if (!Bearer.same(Bearer.token(headers), config.managerToken())) {
      throw new StatusException(GrpcStatus.UNAUTHENTICATED, "invalid token: identity-svc takes the manager token");
    }
  }

  private Picture decode(ByteString image) {
    try {
      return pictures.decode(image.toByteArray());
    } catch (Pictures.BadImage e) {
      throw invalid("image", e.getMessage());
    }
  }

  private String known(String faceId) {
    String name = gallery.name(faceId);
    if (name == null) {
      throw unknown(faceId);
    }
    return name;
  }

  private float threshold(float requested) {
    require(!Float.isNaN(requested) && requested >= 0 && requested <= 1, "threshold",
        "must be 0 (the default, " + config.threshold() + ") or a cosine similarity up to 1, not " + requested);
    return requested == 0 ? config.threshold() : requested;
  }

  private static String subjectName(String name) {
    require(!name.isBlank(), "subject_name", "required for a new face (or give the face_id to add a photo to)");
    require(name.length() <= 256, "subject_name", "longer than 256 characters");
    return name.strip();
  }

  private static Box box(org.ezshop.identity.face.Box b) {
    return Box.newBuilder().setX(b.x1()).setY(b.y1()).setWidth(b.width()).setHeight(b.height()).build();
  }

  private static void require(boolean ok, String field, String problem) {
    if (!ok) {
      throw invalid(field, problem);
    }
  }

  private static StatusException invalid(String field, String problem) {
    return new StatusException(GrpcStatus.INVALID_ARGUMENT, field + ": " + problem);
  }

  private static StatusException unknown(String faceId) {
    return new StatusException(GrpcStatus.NOT_FOUND, "face_id: no face '" + faceId + "' is enrolled");
  }
}
