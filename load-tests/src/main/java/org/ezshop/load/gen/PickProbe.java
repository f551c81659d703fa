package org.ezshop.load.gen;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.ezshop.common.v1.Calibration;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.common.v1.Money;
import org.ezshop.common.v1.SensorType;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.Frame;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.load.ClientAuth;
import org.ezshop.load.sim.SimDevice;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.shop.v1.RegisterShopperRequest;
import org.ezshop.shop.v1.ShopServiceGrpc;
import org.ezshop.store.v1.*;

/**
 * Picks through the whole platform while the load runs: one enrolled shopper at a probe row, a real face at
 * its camera, then one item off the row every {@code everyMillis}; the latency runs from the change as the gateway
 * dates it (when the row's level dropped) to the cart update at a StoreService WatchCart watcher. Milliseconds.
 * Once the picking stops, {@link #awaitDecided} waits for every pick made to reach the cart or the review queue,
 * and counts what neither holds by then apart.
 */
public final class PickProbe implements AutoCloseable {

  private static final int STOCK = 100;

  /** The picks made, where they went, and the latencies (ms) of those in the cart. */
  public record Tally(int made, int inCart, int toReview, Histogram latencies) {
    /** Neither in the cart nor in review: lost, or still undecided when the wait ended. */
    public int undecided() {
      return made - inCart - toReview;
    }
  }

  private final ManagedChannel gateway;
  private final StoreServiceGrpc.StoreServiceStub watcher;
  private final StoreServiceGrpc.StoreServiceBlockingStub reviews;
  private final String shopperId;
  private final byte[] face;
  private final Histogram latencies = new Histogram(60_000, 3);
  private final ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor(
      r -> new Thread(r, "pick-probe"));
  private final Context.CancellableContext watching = Context.current().withCancellation();
  private volatile int level = STOCK;
  private volatile boolean picking = true;
  private SimDevice pi;
  private SimDevice camera;

  private PickProbe(ManagedChannel gateway, StoreServiceGrpc.StoreServiceStub watcher,
      StoreServiceGrpc.StoreServiceBlockingStub reviews, String shopperId, byte[] face) {
    this.gateway = gateway;
    this.watcher = watcher;
    this.reviews = reviews;
    this.shopperId = shopperId;
    this.face = face;
  }

  /** Creates the probe's item, row, devices and shopper (in store); the gateway must read the layout after. */
  public static PickProbe setUp(ManagedChannel store, String gatewayTarget, String managerToken, byte[] face) {
    ManagedChannel gateway = NettyChannelBuilder.forTarget(gatewayTarget).usePlaintext().build();
    StoreServiceGrpc.StoreServiceBlockingStub s = ClientAuth.as(StoreServiceGrpc.newBlockingStub(store), managerToken);
    s.createItem(CreateItemRequest.newBuilder().setItem(Item.newBuilder().setSku("probe-item").setName("Probe")
        .setPrice(Money.newBuilder().setMinorUnits(100).setCurrency("USD")).setStock(STOCK)).build());
    s.putShelfRow(PutShelfRowRequest.newBuilder().setRow(ShelfRow.newBuilder().setRowId("probe-row")
        .setSku("probe-item").addCameraIds("probe-cam")
        .setCalibration(Calibration.newBuilder().setEmptyDistanceMm(600).setItemDepthMm(5).setCapacity(STOCK))
        .addSensors(ShelfSensor.newBuilder().setSensorId("probe-us").setDeviceId("probe-pi")
            .setType(SensorType.SENSOR_TYPE_ULTRASONIC))).build());
    s.registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId("probe-pi").setKind(DeviceKind.DEVICE_KIND_SHELF)
        .setToken("probe-pi-token-0123456789").build());
    s.registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId("probe-cam").setKind(DeviceKind.DEVICE_KIND_CAMERA)
        .setCameraRole(CameraRole.CAMERA_ROLE_SHELF).setToken("probe-cam-token-0123456789").build());
    String shopper = ClientAuth.as(ShopServiceGrpc.newBlockingStub(gateway), managerToken)
        .registerShopper(RegisterShopperRequest.newBuilder().setName("Probe").setPhoto(ByteString.copyFrom(face))
            .build()).getShopper().getShopperId();
    s.enterStore(EnterStoreRequest.newBuilder().setShopperId(shopper).build());
    return new PickProbe(gateway, ClientAuth.as(StoreServiceGrpc.newStub(store), managerToken), s, shopper, face);
  }

  /** Connects the probe's devices and picks every {@code everyMillis}, after 2 s for the row's first level. */
  public void start(long everyMillis) {
    watching.run(() -> watcher.watchCart(WatchCartRequest.newBuilder().setShopperId(shopperId).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(CartUpdate update) {
            if (update.hasEvent() && update.getEvent().getQuantityDelta() > 0) { // dated at the level's drop
              synchronized (latencies) {
                latencies.recordValue(Math.max(0, System.currentTimeMillis() - EpochMillis.of(update.getEvent().getAt())));
              }
            }
          }

          @Override
          public void onError(Throwable t) {
          }

          @Override
          public void onCompleted() {
          }
        }));
    pi = new SimDevice(gateway, "probe-pi-token-0123456789", "probe-pi", DeviceKind.DEVICE_KIND_SHELF,
        List.of("probe-us"), 0, agent, m -> { });
    camera = new SimDevice(gateway, "probe-cam-token-0123456789", "probe-cam", DeviceKind.DEVICE_KIND_CAMERA,
        List.of("probe-cam"), 0, agent, m -> { });
    agent.scheduleAtFixedRate(() -> pi.send(EdgeMessage.newBuilder().setReadings(ReadingBatch.newBuilder()
        .addReadings(Reading.newBuilder().setSensorId("probe-us").setCapturedAt(EpochMillis.timestamp(
            System.currentTimeMillis())).setDistanceMm(600 - 5 * level)))), 0, 100, TimeUnit.MILLISECONDS);
    agent.scheduleAtFixedRate(this::pick, 2000, everyMillis, TimeUnit.MILLISECONDS);
  }

  private void pick() {
    if (level == 0 || !picking) {
      return;
    }
    long now = System.currentTimeMillis();
    camera.send(EdgeMessage.newBuilder().setFrame(Frame.newBuilder().setCameraId("probe-cam")
        .setCapturedAt(EpochMillis.timestamp(now)).setJpeg(ByteString.copyFrom(face))));
    level--;
  }

  /**
   * Stops picking (the row's readings go on, so the last change settles) and waits up to {@code timeoutMillis}
   * for every pick made to be in the cart or in review.
   */
  public Tally awaitDecided(long timeoutMillis) throws InterruptedException {
    picking = false;
    int made = STOCK - level;
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      Histogram inCart;
      synchronized (latencies) {
        inCart = latencies.copy();
      }
      int toReview = (int) reviews.listReviews(ListReviewsRequest.getDefaultInstance()).getReviewsList().stream()
          .filter(r -> r.getEvent().getSku().equals("probe-item")).count();
      if (inCart.getTotalCount() + toReview >= made || System.currentTimeMillis() >= deadline) {
        return new Tally(made, (int) inCart.getTotalCount(), toReview, inCart);
      }
      Thread.sleep(100);
    }
  }

  @Override
  public void close() {
    watching.cancel(null);
    if (pi != null) {
      pi.close();
      camera.close();
    }
    try {
      gateway.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      agent.shutdown(); // after the channel: its last callbacks run on it
      agent.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
