package org.ezshop.load.fusion;

import static org.ezshop.load.ClientAuth.as;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.ezshop.load.sim.SimDevice;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.rpc.SessionTokens;
import org.ezshop.shop.v1.RegisterShopperRequest;
import org.ezshop.shop.v1.ShopServiceGrpc;
import org.ezshop.shop.v1.WatchMyCartRequest;
import org.ezshop.store.v1.*;

/**
 * From a shelf change to the cart update at the shopper's WatchMyCart, through the whole public path: a real face
 * at the row's camera, the row's readings over EdgeLink, fusion, store-svc, the relayed stream. Each row has its
 * own camera, so picks on different rows never compete. The baseline, in the same run: the same update caused
 * by calling ApplyCartEvent on store-svc directly.
 */
public final class FusionBenchmark {

  /** Latencies in milliseconds. */
  public record Result(int shoppers, int rows, long windowMillis, Histogram endToEnd, Histogram direct) {
    @Override
    public String toString() {
      return String.format("%d shoppers, %d rows, %d picks, fusion window %d ms%n"
              + "shelf change -> cart update at WatchMyCart: p50 %d ms, p99 %d ms, max %d ms%n"
              + "  beyond the window (end to end - %d ms):  p50 %d ms, p99 %d ms%n"
              + "baseline, ApplyCartEvent -> cart update:   p50 %d ms, p99 %d ms, max %d ms",
          shoppers, rows, endToEnd.getTotalCount(), windowMillis, endToEnd.getValueAtPercentile(50),
          endToEnd.getValueAtPercentile(99), endToEnd.getMaxValue(), windowMillis,
          Math.max(0, endToEnd.getValueAtPercentile(50) - windowMillis),
          Math.max(0, endToEnd.getValueAtPercentile(99) - windowMillis), direct.getValueAtPercentile(50),
          direct.getValueAtPercentile(99), direct.getMaxValue());
    }
  }

  private FusionBenchmark() {
  }

  public static Result run(String host, int gatewayPort, int storePort, String managerToken, byte[] sessionSecret,
      Path portraits, int shoppers, int rows, long windowMillis, long picksEveryMillis) throws Exception {
    ManagedChannel storeChannel = NettyChannelBuilder.forAddress(host, storePort).usePlaintext().build();
    ManagedChannel gateway = NettyChannelBuilder.forAddress(host, gatewayPort).usePlaintext().build();
    ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "fb-devices"));
    List<SimDevice> devices = new ArrayList<>();
    try {
      StoreServiceGrpc.StoreServiceBlockingStub store = as(StoreServiceGrpc.newBlockingStub(storeChannel),
          managerToken);
      store.createItem(CreateItemRequest.newBuilder().setItem(Item.newBuilder().setSku("fb-item").setName("Bench")
          .setStock(1_000_000).setPrice(Money.newBuilder().setMinorUnits(100).setCurrency("USD"))).build());
      List<String> cameras = new ArrayList<>();
      for (int r = 0; r < rows; r++) {
        cameras.add("fb-cam-" + r);
        store.putShelfRow(PutShelfRowRequest.newBuilder().setRow(ShelfRow.newBuilder().setRowId("fb-row-" + r)
            .setSku("fb-item").addCameraIds("fb-cam-" + r).addSensors(ShelfSensor.newBuilder().setSensorId("fb-us-" + r)
                .setDeviceId("fb-pi").setType(SensorType.SENSOR_TYPE_ULTRASONIC))
            .setCalibration(Calibration.newBuilder().setEmptyDistanceMm(600).setItemDepthMm(60).setCapacity(8)))
            .build());
      }
      store.registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId("fb-pi").setKind(DeviceKind.DEVICE_KIND_SHELF)
          .setToken("fb-pi-token-0123456789").build());
      store.registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId("fb-cam").setToken("fb-cam-token-0123456789")
          .setKind(DeviceKind.DEVICE_KIND_CAMERA).setCameraRole(CameraRole.CAMERA_ROLE_SHELF).build());

      // Shoppers: one face each, enrolled by the manager through the public API; all in store, watching their carts.
      List<String> ids = new ArrayList<>();
      List<byte[]> faces = new ArrayList<>();
      ShopServiceGrpc.ShopServiceBlockingStub shop = as(ShopServiceGrpc.newBlockingStub(gateway), managerToken);
      try (Stream<Path> files = Stream.concat(Files.list(portraits.resolve("men")), Files.list(portraits.resolve("women")))) {
        for (Path photo : files.sorted().toList()) {
          if (ids.size() == shoppers) {
            break;
          }
          byte[] jpeg = Files.readAllBytes(photo);
          try {
            ids.add(shop.registerShopper(RegisterShopperRequest.newBuilder().setName("Bench " + ids.size())
                .setPhoto(ByteString.copyFrom(jpeg)).build()).getShopper().getShopperId());
            faces.add(jpeg);
          } catch (StatusRuntimeException e) { // a photo with a second face in the background
          }
        }
      }
      Map<String, Long> arrived = new ConcurrentHashMap<>();
      SessionTokens sessions = new SessionTokens(sessionSecret);
      for (String id : ids) {
        store.enterStore(EnterStoreRequest.newBuilder().setShopperId(id).build());
        as(ShopServiceGrpc.newStub(gateway), sessions.issue(id, Instant.now().plusSeconds(3600)))
            .watchMyCart(WatchMyCartRequest.getDefaultInstance(), new StreamObserver<>() {
              @Override
              public void onNext(CartUpdate update) {
                if (update.hasEvent()) {
                  arrived.put(update.getEvent().getIdempotencyKey().startsWith("direct:")
                      ? update.getEvent().getIdempotencyKey() : update.getEvent().getRowId(),
                      System.currentTimeMillis());
                }
              }

              @Override
              public void onError(Throwable t) {
              }

              @Override
              public void onCompleted() {
              }
            });
      }
      SimDevice pi = new SimDevice(gateway, "fb-pi-token-0123456789", "fb-pi", DeviceKind.DEVICE_KIND_SHELF, List.of(),
          0, agent, m -> { });
      pi.awaitConfig(30);
      SimDevice camera = new SimDevice(gateway, "fb-cam-token-0123456789", "fb-cam", DeviceKind.DEVICE_KIND_CAMERA,
          cameras, 0, agent, m -> { });
      devices.add(pi);
      devices.add(camera);
      long start = System.currentTimeMillis();
      for (int r = 0; r < rows; r++) { // every row's first level: five on it
        pi.send(EdgeMessage.newBuilder().setReadings(readings("fb-us-" + r, start - 2000, 2000, 5)));
      }
      Thread.sleep(2000); // the links are up, the clocks probed, every row at its first level

      // One pick per row, a few per second, each by the shopper its row's camera sees.
      Map<String, Long> pickedAt = new ConcurrentHashMap<>();
      for (int r = 0; r < rows; r++) {
        long t = System.currentTimeMillis();
        camera.send(EdgeMessage.newBuilder().setFrame(Frame.newBuilder().setCameraId("fb-cam-" + r)
            .setCapturedAt(EpochMillis.timestamp(t)).setJpeg(ByteString.copyFrom(faces.get(r % faces.size())))));
        pi.send(EdgeMessage.newBuilder().setReadings(readings("fb-us-" + r, t, 1000, 4)));
        pickedAt.put("fb-row-" + r, t);
        Thread.sleep(picksEveryMillis);
      }
      Map<String, Long> directAt = new ConcurrentHashMap<>();
      for (int i = 0; i < ids.size(); i++) {
        String key = "direct:" + i;
        directAt.put(key, System.currentTimeMillis());
        store.applyCartEvent(ApplyCartEventRequest.newBuilder().setEvent(CartEvent.newBuilder().setIdempotencyKey(key)
            .setShopperId(ids.get(i)).setSku("fb-item").setQuantityDelta(1).setConfidence(1)
            .setCause(CartEventCause.CART_EVENT_CAUSE_SHELF)).build());
        Thread.sleep(picksEveryMillis);
      }
      Thread.sleep(windowMillis + 2000);
      return new Result(ids.size(), rows, windowMillis, latencies(pickedAt, arrived), latencies(directAt, arrived));
    } finally {
      devices.forEach(SimDevice::close);
      gateway.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      storeChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      agent.shutdown();
    }
  }

  private static Histogram latencies(Map<String, Long> sent, Map<String, Long> arrived) {
    Histogram h = new Histogram(3);
    sent.forEach((key, at) -> {
      Long came = arrived.get(key);
      if (came == null) {
        throw new IllegalStateException("no cart update for " + key + " arrived");
      }
      h.recordValue(Math.max(0, came - at));
    });
    return h;
  }

  private static ReadingBatch.Builder readings(String sensor, long from, long ms, int items) {
    ReadingBatch.Builder batch = ReadingBatch.newBuilder();
    for (long t = from; t < from + ms; t += 50) {
      batch.addReadings(Reading.newBuilder().setSensorId(sensor).setCapturedAt(EpochMillis.timestamp(t))
          .setDistanceMm(600 - 60 * items + (t / 50 % 5) - 2));
    }
    return batch;
  }

}
