package org.ezshop.load.gateway;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ezshop.common.v1.Calibration;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.common.v1.Money;
import org.ezshop.common.v1.SensorType;
import org.ezshop.load.ClientAuth;
import org.ezshop.load.Phase;
import org.ezshop.store.v1.CreateItemRequest;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.PutShelfRowRequest;
import org.ezshop.store.v1.RegisterDeviceRequest;
import org.ezshop.store.v1.ShelfRow;
import org.ezshop.store.v1.ShelfSensor;
import org.ezshop.store.v1.StoreServiceGrpc;

/**
 * Readings per second through the gateway's EdgeLink with full shelf processing, at each stream count, beside
 * the bare counting server on the same transport in the same run.
 */
public final class GatewayBenchmark {

  public static final int BATCH = 50;
  public static final int WINDOW = 16;

  /** Both phases at one stream count. */
  public record Result(int streams, Phase gateway, Phase bare) {
    public double ratio() {
      return gateway.perSecond() / bare.perSecond();
    }

    @Override
    public String toString() {
      return String.format("%5d streams: gateway %,12.0f readings/s   bare %,12.0f readings/s   ratio %.2f",
          streams, gateway.perSecond(), bare.perSecond(), ratio());
    }
  }

  private GatewayBenchmark() {
  }

  /** Registers {@code max(streams)} shelf devices with one ultrasonic row each in store-svc, for the gateway. */
  public static List<EdgeLinkLoad.Device> registerDevices(String host, int storePort, String managerToken, int count) {
    ManagedChannel channel = NettyChannelBuilder.forAddress(host, storePort).usePlaintext().build();
    try {
      StoreServiceGrpc.StoreServiceBlockingStub store = StoreServiceGrpc.newBlockingStub(channel)
          .withInterceptors(ClientAuth.bearer(managerToken));
      store.createItem(CreateItemRequest.newBuilder().setItem(Item.newBuilder().setSku("bench-item").setName("Bench")
          .setStock(1_000_000).setPrice(Money.newBuilder().setMinorUnits(100).setCurrency("USD"))).build());
      List<EdgeLinkLoad.Device> devices = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String id = "bench-pi-" + i;
        String token = "bench-token-" + i + "-0123456789abcdef";
        store.withDeadlineAfter(10, TimeUnit.SECONDS).registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId(id)
            .setKind(DeviceKind.DEVICE_KIND_SHELF).setToken(token).build());
        store.withDeadlineAfter(10, TimeUnit.SECONDS).putShelfRow(PutShelfRowRequest.newBuilder().setRow(ShelfRow
            .newBuilder().setRowId("bench-row-" + i).setSku("bench-item")
            .addSensors(ShelfSensor.newBuilder().setSensorId("bench-us-" + i).setDeviceId(id)
                .setType(SensorType.SENSOR_TYPE_ULTRASONIC))
            .setCalibration(Calibration.newBuilder().setEmptyDistanceMm(600).setItemDepthMm(60).setCapacity(8)))
            .build());
        devices.add(new EdgeLinkLoad.Device(id, token, "bench-us-" + i));
      }
      return devices;
    } finally {
      channel.shutdownNow();
    }
  }

  /** Gateway then bare server, at each stream count. */
  public static List<Result> run(String host, int gatewayPort, int barePort, List<EdgeLinkLoad.Device> devices,
      List<Integer> streamCounts, int seconds) throws Exception {
    // Both servers share the JVM and the parsing code: one unmeasured round first, or the first phase measures
    // the JIT compiler (a cold gateway phase read 0.33 of the bare server where warm ones read 0.91).
    List<EdgeLinkLoad.Device> warm = devices.subList(0, Math.min(64, devices.size()));
    EdgeLinkLoad.run("warm-up", host, gatewayPort, warm, BATCH, WINDOW, seconds);
    EdgeLinkLoad.run("warm-up", host, barePort, warm, BATCH, WINDOW, seconds);
    List<Result> results = new ArrayList<>();
    for (int streams : streamCounts) {
      List<EdgeLinkLoad.Device> some = devices.subList(0, streams);
      Phase gateway = EdgeLinkLoad.run("gateway, " + streams + " streams", host, gatewayPort, some, BATCH, WINDOW,
          seconds);
      Phase bare = EdgeLinkLoad.run("bare, " + streams + " streams", host, barePort, some, BATCH, WINDOW, seconds);
      results.add(new Result(streams, gateway, bare));
    }
    return results;
  }
}
