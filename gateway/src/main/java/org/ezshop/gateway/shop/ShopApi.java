package org.ezshop.gateway.shop;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;
import io.vertx.grpc.server.StatusException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.ezshop.gateway.ServiceClient;
import org.ezshop.gateway.link.EdgeLinks;
import org.ezshop.identity.v1.EnrollRequest;
import org.ezshop.identity.v1.ForgetRequest;
import org.ezshop.identity.v1.IdentifyRequest;
import org.ezshop.identity.v1.IdentityServiceGrpcClient;
import org.ezshop.rpc.Bearer;
import org.ezshop.rpc.Calls;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.rpc.SessionTokens;
import org.ezshop.shop.v1.*;
import org.ezshop.store.v1.ListReceiptsRequest;
import org.ezshop.store.v1.ListShoppersRequest;
import org.ezshop.store.v1.StoreServiceGrpcClient;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.WatchCartRequest;
import org.ezshop.store.v1.WatchRequest;

/**
 * ezshop.shop.v1.ShopService: the app API. Shopper calls act for the shopper of the session token only;
 * manager calls need the manager token. Everything is done through store-svc and identity-svc.
 */
public final class ShopApi implements Service {

  static final Duration SESSION = Duration.ofHours(12);
  /** The header the web bridge names the browser's address in. */
  public static final String FORWARDED_FOR = "x-forwarded-for";

  private final ServiceClient store;
  private final ServiceClient identity;
  private final ShopAccess access;
  private final SessionTokens sessions;
  private final ManagerViews views;
  private final ShopLimits limits;
  private final ShelfWatch shelves;
  private final ShelfSetup shelfSetup;
  private final Provisioning provisioning;
  private final Consumer<Receipt> adjusted;

  public ShopApi(ServiceClient store, ServiceClient identity, String managerToken, byte[] sessionSecret,
      EdgeLinks links, ShopLimits limits, ShelfWatch shelves, ShelfSetup shelfSetup, Provisioning provisioning,
      Consumer<Receipt> adjusted) {
    this.adjusted = adjusted;
    this.shelves = shelves;
    this.shelfSetup = shelfSetup;
    this.provisioning = provisioning;
    this.limits = limits;
    this.store = store;
    this.identity = identity;
    this.sessions = new SessionTokens(sessionSecret);
    this.access = new ShopAccess(managerToken, sessions);
    this.views = new ManagerViews(store, links);
  }

  @Override
  public ServiceName name() {
    return ShopServiceGrpcService.SERVICE_NAME;
  }

  @Override
  public ServiceDescriptor descriptor() {
    return ShopServiceGrpcService.SERVICE_DESCRIPTOR;
  }

  @Override
  public void bind(GrpcServer s) {
    Calls.unary(s, ShopServiceGrpcService.RegisterShopper, (h, r) -> {
      access.requireManager(h); // enrolment is the manager's: a face is biometric data
      return register(r);
    });
    Calls.unaryFrom(s, ShopServiceGrpcService.LoginWithFace, (h, peer, r) -> {
      limits.login(source(h, peer));
      return login(r.getPhoto());
    });
    Calls.serverStreaming(s, ShopServiceGrpcService.WatchMyCart, (h, r, call) -> session(h).compose(shopper ->
        relay(call, StoreServiceGrpcClient.WatchCart, WatchCartRequest.newBuilder().setShopperId(shopper).build())));
    Calls.unary(s, ShopServiceGrpcService.GetMyReceipts, (h, r) -> session(h).compose(shopper -> store.call(
            StoreServiceGrpcClient.ListReceipts, ListReceiptsRequest.newBuilder().setShopperId(shopper).build()))
        .map(list -> GetMyReceiptsResponse.newBuilder().addAllReceipts(list.getReceiptsList()).build()));
    // With the shopper's own token: store-svc checks the receipt is theirs, and audits them as the one disputing.
    Calls.unary(s, ShopServiceGrpcService.DisputeReceiptLine, (h, r) -> session(h).compose(shopper -> store.call(
        StoreServiceGrpcClient.DisputeReceiptLine, r, Bearer.token(h))));
    Calls.unary(s, ShopServiceGrpcService.DeleteMyData, (h, r) -> session(h)
        .compose(shopper -> erase(shopper, "the shopper asked"))
        .map(anonymous -> DeleteMyDataResponse.newBuilder().setAnonymousId(anonymous).build()));
    Calls.unary(s, ShopServiceGrpcService.EraseShopper, (h, r) -> {
      access.requireManager(h);
      require(!r.getShopperId().isBlank(), "shopper_id", "required");
      return erase(r.getShopperId(), "a manager")
          .map(anonymous -> EraseShopperResponse.newBuilder().setAnonymousId(anonymous).build());
    });
    Calls.serverStreaming(s, ShopServiceGrpcService.WatchStore, (h, r, call) -> {
      access.requireManager(h);
      return relay(call, StoreServiceGrpcClient.Watch, WatchRequest.newBuilder().addAllKinds(r.getKindsList()).build());
    });
    Calls.unary(s, ShopServiceGrpcService.ListShoppersInStore, (h, r) -> {
      access.requireManager(h);
      return views.shoppersInStore();
    });
    Calls.unary(s, ShopServiceGrpcService.ListReviews, (h, r) -> {
      access.requireManager(h);
      return store.call(StoreServiceGrpcClient.ListReviews, org.ezshop.store.v1.ListReviewsRequest.newBuilder()
          .setOpenOnly(r.getOpenOnly()).build()).map(list -> ListReviewsResponse.newBuilder()
          .addAllReviews(list.getReviewsList()).build());
    });
    Calls.unary(s, ShopServiceGrpcService.ResolveReview, (h, r) -> {
      access.requireManager(h);
      org.ezshop.store.v1.ResolveReviewRequest.Builder resolve = org.ezshop.store.v1.ResolveReviewRequest.newBuilder()
          .setReviewId(r.getReviewId());
      if (r.hasAssignToShopperId()) {
        resolve.setAssignToShopperId(r.getAssignToShopperId());
      } else if (r.hasDismiss()) {
        resolve.setDismiss(r.getDismiss());
      }
      return store.call(StoreServiceGrpcClient.ResolveReview, resolve.build()).map(done -> {
        done.getAmendedReceiptsList().forEach(adjusted); // each shopper is told their new total
        return ResolveReviewResponse.newBuilder().setReview(done.getReview())
            .addAllAmendedReceipts(done.getAmendedReceiptsList()).build();
      });
    });
    Calls.unary(s, ShopServiceGrpcService.VerifyShopperAge, (h, r) -> {
      access.requireManager(h);
      require(!r.getShopperId().isBlank(), "shopper_id", "required");
      return store.call(StoreServiceGrpcClient.VerifyShopperAge, r);
    });
    Calls.unary(s, ShopServiceGrpcService.ListAuditEntries, (h, r) -> {
      access.requireManager(h);
      org.ezshop.store.v1.ListAuditEntriesRequest limit = org.ezshop.store.v1.ListAuditEntriesRequest.newBuilder()
          .setLimit(r.getLimit() == 0 ? 100 : r.getLimit()).build();
      // store-svc's log and identity-svc's (faces forgotten), newest first.
      return Future.all(store.call(StoreServiceGrpcClient.ListAuditEntries, limit),
              identity.call(IdentityServiceGrpcClient.ListAuditEntries, limit))
          .map(both -> ListAuditEntriesResponse.newBuilder().addAllEntries(java.util.stream.Stream.concat(
                  both.<org.ezshop.store.v1.ListAuditEntriesResponse>resultAt(0).getEntriesList().stream(),
                  both.<org.ezshop.store.v1.ListAuditEntriesResponse>resultAt(1).getEntriesList().stream())
              .sorted(java.util.Comparator.comparing((org.ezshop.store.v1.AuditEntry e) -> EpochMillis.of(e.getAt()))
                  .reversed()).limit(limit.getLimit()).toList()).build());
    });
    Calls.unary(s, ShopServiceGrpcService.GetInventory, (h, r) -> {
      access.requireManager(h);
      return views.inventory();
    });
    Calls.unary(s, ShopServiceGrpcService.ListDeviceLinks, (h, r) -> {
      access.requireManager(h);
      return Future.succeededFuture(views.deviceLinks());
    });
    Calls.serverStreaming(s, ShopServiceGrpcService.WatchShelves, (h, r, call) -> {
      access.requireManager(h);
      return shelves.stream(call);
    });
    Calls.unary(s, ShopServiceGrpcService.CalibrateRow, (h, r) -> {
      access.requireManager(h);
      return shelfSetup.calibrate(r).map(row -> CalibrateRowResponse.newBuilder().setRow(row).build());
    });
    Calls.unary(s, ShopServiceGrpcService.SetRowRegion, (h, r) -> {
      access.requireManager(h);
      return shelfSetup.region(r).map(row -> SetRowRegionResponse.newBuilder().setRow(row).build());
    });
    Calls.unary(s, ShopServiceGrpcService.GetCameraFrame, (h, r) -> {
      access.requireManager(h);
      require(!r.getCameraId().isBlank(), "camera_id", "required");
      return shelfSetup.frame(r.getCameraId());
    });
    Calls.unary(s, ShopServiceGrpcService.RegisterDevice, (h, r) -> {
      access.requireManager(h);
      return provisioning.register(r);
    });
    Calls.unary(s, ShopServiceGrpcService.RevokeDevice, (h, r) -> {
      access.requireManager(h);
      require(!r.getDeviceId().isBlank(), "device_id", "required");
      return provisioning.revoke(r.getDeviceId());
    });
  }

  /** Enrols the face, then registers the shopper; a failed registration forgets the face again. */
  private Future<RegisterShopperResponse> register(RegisterShopperRequest r) {
    require(!r.getName().isBlank() && r.getName().length() <= 256, "name", "required, at most 256 characters");
    require(!r.getPhoto().isEmpty(), "photo", "required: a JPEG or PNG with the shopper's face alone");
    return identity.call(IdentityServiceGrpcClient.Enroll, EnrollRequest.newBuilder().setSubjectName(r.getName().strip())
            .setImage(r.getPhoto()).build())
        .recover(failure -> Future.failedFuture(photoProblem(failure)))
        .compose(enrolled -> store.call(StoreServiceGrpcClient.RegisterShopper,
                org.ezshop.store.v1.RegisterShopperRequest.newBuilder().setName(r.getName().strip())
                    .setFaceId(enrolled.getFaceId()).setPushToken(r.getPushToken()).build())
            .recover(failure -> identity.call(IdentityServiceGrpcClient.Forget, ForgetRequest.newBuilder()
                .setFaceId(enrolled.getFaceId()).build()).transform(x -> Future.failedFuture(failure))))
        .map(registered -> RegisterShopperResponse.newBuilder().setShopper(registered.getShopper()).build());
  }

  /** The signed-in shopper, within the session's rate. */
  /** The session's shopper, refused once their data is erased: a token outlives nothing it was issued for. */
  private Future<String> session(MultiMap headers) {
    String shopperId = access.shopper(headers);
    limits.sessionCall(shopperId);
    return store.call(StoreServiceGrpcClient.ListShoppers, ListShoppersRequest.newBuilder().setShopperId(shopperId)
        .build()).map(found -> {
          if (found.getShoppersCount() == 0) {
            throw new StatusException(GrpcStatus.UNAUTHENTICATED, "this shopper's data was erased: the session "
                + "has ended");
          }
          return shopperId;
        });
  }

  // The store's part first: asked again it answers the same, face included, so a retry after a failure to forget
  // the face (identity-svc away) finishes the job; forgetting a face already gone succeeds. Forget removes the face
  // from every identity-svc replica.
  private Future<String> erase(String shopperId, String reason) {
    return store.call(StoreServiceGrpcClient.EraseShopper, org.ezshop.store.v1.EraseShopperRequest.newBuilder()
            .setShopperId(shopperId).setReason(reason).build())
        .compose(erased -> identity.call(IdentityServiceGrpcClient.Forget, ForgetRequest.newBuilder()
            .setFaceId(erased.getFaceId()).build()).map(erased.getAnonymousId()));
  }

  /**
   * Where a login comes from: the connection's address, or for the gateway's own web bridge (a loopback caller)
   * the browser's, which the bridge passes on.
   */
  private static String source(MultiMap headers, SocketAddress peer) {
    String forwarded = headers.get(FORWARDED_FOR);
    boolean local = peer != null && ("127.0.0.1".equals(peer.hostAddress()) || "0:0:0:0:0:0:0:1".equals(
        peer.hostAddress()));
    return local && forwarded != null ? forwarded : peer == null ? "unknown" : peer.hostAddress();
  }

  /** The largest face in the photo, if it matches an enrolled shopper, gets a session. */
  private Future<LoginWithFaceResponse> login(ByteString photo) {
    require(!photo.isEmpty(), "photo", "required: a JPEG or PNG of the shopper's face");
    return identity.call(IdentityServiceGrpcClient.Identify, IdentifyRequest.newBuilder().setImage(photo)
            .setMaxCandidates(1).setThreshold(limits.loginThreshold()).build())
        .recover(failure -> Future.failedFuture(photoProblem(failure)))
        .compose(found -> {
          if (found.getFacesCount() == 0) {
            return Future.failedFuture(invalid("photo", "no face found"));
          }
          var face = found.getFaces(0);
          if (!face.getMatch()) {
            return Future.failedFuture(new StatusException(GrpcStatus.UNAUTHENTICATED, "face not recognised"));
          }
          float score = face.getCandidates(0).getScore();
          return store.call(StoreServiceGrpcClient.ListShoppers, ListShoppersRequest.newBuilder()
                  .setFaceId(face.getCandidates(0).getFaceId()).build())
              .compose(shoppers -> {
                if (shoppers.getShoppersCount() == 0) {
                  return Future.failedFuture(new StatusException(GrpcStatus.UNAUTHENTICATED,
                      "the face is known but no shopper is registered with it"));
                }
                Instant expires = Instant.now().plus(SESSION);
                var shopper = shoppers.getShoppers(0);
                return Future.succeededFuture(LoginWithFaceResponse.newBuilder()
                    .setSessionToken(sessions.issue(shopper.getShopperId(), expires))
                    .setExpiresAt(EpochMillis.timestamp(expires.toEpochMilli()))
                    .setShopper(shopper)
                    .setScore(score)
                    .build());
              });
        });
  }

  private <Req, Resp> Future<Void> relay(GrpcServerRequest<?, Resp> call, ServiceMethod<Resp, Req> method,
      Req request) {
    return store.relay(method, request, call, call.response());
  }

  private static StatusException photoProblem(Throwable failure) {
    if (failure instanceof StatusException && ((StatusException) failure).status() == GrpcStatus.INVALID_ARGUMENT) {
      return invalid("photo", ((StatusException) failure).message().replaceFirst("^image: ", ""));
    }
    return failure instanceof StatusException ? (StatusException) failure
        : new StatusException(GrpcStatus.UNAVAILABLE, failure.getMessage());
  }

  static void require(boolean ok, String field, String problem) {
    if (!ok) {
      throw invalid(field, problem);
    }
  }

  private static StatusException invalid(String field, String problem) {
    return new StatusException(GrpcStatus.INVALID_ARGUMENT, field + ": " + problem);
  }
}
