package org.ezshop.gateway.shop;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.ezshop.common.v1.Calibration;
import org.ezshop.edge.v1.CaptureBurst;
import org.ezshop.edge.v1.Command;
import org.ezshop.gateway.ServiceClient;
import org.ezshop.gateway.link.EdgeLinks;
import org.ezshop.gateway.sight.Sightings;
import org.ezshop.identity.v1.IdentifiedFace;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.shop.v1.CalibrateRowRequest;
import org.ezshop.shop.v1.GetCameraFrameResponse;
import org.ezshop.shop.v1.RowRegion;
import org.ezshop.shop.v1.SetRowRegionRequest;
import org.ezshop.store.v1.CameraRegion;
import org.ezshop.store.v1.ListShelfRowsRequest;
import org.ezshop.store.v1.PutShelfRowRequest;
import org.ezshop.store.v1.ShelfRow;
import org.ezshop.store.v1.StoreServiceGrpcClient;

/**
 * The dashboard's shelf setup: a row's calibration, its region in a camera's frame, and a look through a camera to
 * draw that region on. A frame looked through is held only until it is answered.
 */
public final class ShelfSetup {

  private static final long FRAME_WAIT_MILLIS = 5000;
  private static final CameraRegion WHOLE_FRAME = CameraRegion.newBuilder().setXMax(1).setYMax(1).build();

  private final Vertx vertx;
  private final ServiceClient store;
  private final EdgeLinks links;
  private final Supplier<Future<Void>> reloadLayout;
  private final Map<String, List<Promise<Sightings.Frame>>> waiting = new HashMap<>();

  /** @param reloadLayout has the gateway read the layout now, so that a change saved here counts at once */
  public ShelfSetup(Vertx vertx, ServiceClient store, Sightings sightings, EdgeLinks links,
      Supplier<Future<Void>> reloadLayout) {
    this.vertx = vertx;
    this.reloadLayout = reloadLayout;
    this.store = store;
    this.links = links;
    sightings.listenFrames(this::identified);
  }

  /** The row's calibration, a field left 0 keeping its value. */
  Future<ShelfRow> calibrate(CalibrateRowRequest r) {
    Calibration c = r.getCalibration();
    ShopApi.require(c.getEmptyDistanceMm() >= 0 && c.getItemDepthMm() >= 0 && c.getTareG() >= 0
        && c.getUnitWeightG() >= 0 && c.getCapacity() >= 0, "calibration", "no value may be negative");
    return edit(r.getRowId(), row -> row.toBuilder().setCalibration(calibrated(row.getCalibration(), c)).build());
  }

  /** The row's region for the camera the region names; store-svc checks its bounds. */
  Future<ShelfRow> region(SetRowRegionRequest r) {
    CameraRegion region = r.getRegion();
    ShopApi.require(!region.getCameraId().isBlank(), "region.camera_id", "required");
    return edit(r.getRowId(), row -> {
      ShopApi.require(row.getCameraIdsList().contains(region.getCameraId()), "region.camera_id", "row '"
          + row.getRowId() + "' is not covered by camera '" + region.getCameraId() + "'");
      List<CameraRegion> regions = new ArrayList<>(row.getCameraRegionsList().stream()
          .filter(g -> !g.getCameraId().equals(region.getCameraId())).toList());
      regions.add(region);
      return row.toBuilder().clearCameraRegions().addAllCameraRegions(regions).build();
    });
  }

  /** Asks the camera for a frame and answers the first it sends once identified, with the rows it covers. */
  Future<GetCameraFrameResponse> frame(String cameraId) {
    Command burst = Command.newBuilder().setCommandId(UUID.randomUUID().toString())
        .setCaptureBurst(CaptureBurst.newBuilder().setFrames(1)).build();
    Promise<Sightings.Frame> next = Promise.promise();
    synchronized (waiting) {
      waiting.computeIfAbsent(cameraId, c -> new ArrayList<>()).add(next);
    }
    if (!links.commandCamera(cameraId, burst)) {
      forget(cameraId, next);
      return Future.failedFuture(new StatusException(GrpcStatus.UNAVAILABLE, "camera '" + cameraId
          + "' is not linked"));
    }
    long timer = vertx.setTimer(FRAME_WAIT_MILLIS, t -> {
      forget(cameraId, next);
      next.tryFail(new StatusException(GrpcStatus.DEADLINE_EXCEEDED, "camera '" + cameraId + "' sent no frame within "
          + FRAME_WAIT_MILLIS / 1000 + " s"));
    });
    return next.future().onComplete(x -> vertx.cancelTimer(timer)).compose(frame -> store.call(
        StoreServiceGrpcClient.ListShelfRows, ListShelfRowsRequest.getDefaultInstance())
        .map(rows -> response(frame, rows.getRowsList())));
  }

  private void identified(Sightings.Frame frame) {
    List<Promise<Sightings.Frame>> asked;
    synchronized (waiting) {
      asked = waiting.remove(frame.cameraId());
    }
    if (asked != null) {
      asked.forEach(p -> p.tryComplete(frame));
    }
  }

  private void forget(String cameraId, Promise<Sightings.Frame> asked) {
    synchronized (waiting) {
      List<Promise<Sightings.Frame>> list = waiting.get(cameraId);
      if (list != null && list.remove(asked) && list.isEmpty()) {
        waiting.remove(cameraId);
      }
    }
  }

  private static GetCameraFrameResponse response(Sightings.Frame frame, List<ShelfRow> rows) {
    GetCameraFrameResponse.Builder answer = GetCameraFrameResponse.newBuilder().setCameraId(frame.cameraId())
        .setJpeg(frame.jpeg()).setWidth(frame.identified().getImageWidth())
        .setHeight(frame.identified().getImageHeight()).setCapturedAt(EpochMillis.timestamp(frame.atMillis()));
    frame.identified().getFacesList().stream().map(IdentifiedFace::getBox).forEach(answer::addFaces);
    rows.stream().filter(row -> row.getCameraIdsList().contains(frame.cameraId()))
        .sorted(Comparator.comparing(ShelfRow::getRowId))
        .forEach(row -> answer.addRows(RowRegion.newBuilder().setRowId(row.getRowId()).setSku(row.getSku())
            .setRegion(row.getCameraRegionsList().stream().filter(g -> g.getCameraId().equals(frame.cameraId()))
                .findFirst().orElse(WHOLE_FRAME.toBuilder().setCameraId(frame.cameraId()).build()))));
    return answer.build();
  }

  /** The row as store-svc has it now, changed and put back whole; the gateway's layout then reloaded. */
  private Future<ShelfRow> edit(String rowId, UnaryOperator<ShelfRow> change) {
    ShopApi.require(!rowId.isBlank(), "row_id", "required");
    return store.call(StoreServiceGrpcClient.ListShelfRows, ListShelfRowsRequest.getDefaultInstance())
        .compose(rows -> rows.getRowsList().stream().filter(row -> row.getRowId().equals(rowId)).findFirst()
            .map(row -> {
              ShelfRow changed = change.apply(row);
              return store.call(StoreServiceGrpcClient.PutShelfRow, PutShelfRowRequest.newBuilder().setRow(changed)
                  .build()).compose(put -> reloadLayout.get().transform(loaded -> Future.succeededFuture(changed)));
            })
            .orElseGet(() -> Future.failedFuture(new StatusException(GrpcStatus.NOT_FOUND, "no shelf row '"
                + rowId + "'"))));
  }

  // The new calibration over the old: a field left 0 keeps its value.
  private static Calibration calibrated(Calibration was, Calibration c) {
    return Calibration.newBuilder()
        .setEmptyDistanceMm(c.getEmptyDistanceMm() > 0 ? c.getEmptyDistanceMm() : was.getEmptyDistanceMm())
        .setItemDepthMm(c.getItemDepthMm() > 0 ? c.getItemDepthMm() : was.getItemDepthMm())
        .setTareG(c.getTareG() > 0 ? c.getTareG() : was.getTareG())
        .setUnitWeightG(c.getUnitWeightG() > 0 ? c.getUnitWeightG() : was.getUnitWeightG())
        .setCapacity(c.getCapacity() > 0 ? c.getCapacity() : was.getCapacity()).build();
  }
}
