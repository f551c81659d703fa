package org.ezshop.gateway.link;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.gateway.TestPlatform;

/** Ready-linked test devices of the {@link TestPlatform}. */
public final class TestDevices {

  private TestDevices() {
  }

  /** The platform's entrance camera, linked (welcomed), its clock offset measured, answering probes. */
  public static TestDevice camera(ManagedChannel channel, String cameraId) throws InterruptedException {
    return camera(channel, TestPlatform.CAM_TOKEN, "cam-1", cameraId);
  }

  /** A registered camera device of the platform, linked and with its clock offset measured. */
  public static TestDevice camera(ManagedChannel channel, String token, String deviceId, String cameraId)
      throws InterruptedException {
    TestDevice camera = new TestDevice(channel, token, 0).hello(deviceId, 0, cameraId);
    camera.await(GatewayMessage::hasWelcome);
    camera.awaitProbes(3); // the first clock probes, at 0, 100 and 250 ms
    return camera;
  }

  public static Timestamp stamp(long millis) {
    return org.ezshop.rpc.EpochMillis.timestamp(millis);
  }
}
