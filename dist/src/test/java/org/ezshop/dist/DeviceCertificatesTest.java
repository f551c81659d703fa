package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.edge.v1.EdgeLinkServiceGrpc;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Hello;
import org.ezshop.load.ClientAuth;
import org.ezshop.rpc.Tls;
import org.ezshop.store.v1.RegisterDeviceRequest;
import org.ezshop.store.v1.StoreServiceGrpc;
import org.ezshop.testing.GrpcProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ezshop all --device-client-ca`: a device streams only with a client certificate from that CA naming it (issued
 * by `ezshop device-cert`), beside its token; apps on the same port need none.
 */
class DeviceCertificatesTest {

  private static final String TOKEN = "device-certs-manager-token";

  @Test
  void onlyTheDevicesOwnCertificateFromTheDeviceCaStreams(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Settings settings = Settings.parse(List.of("all", "--host", "127.0.0.1", "--gateway-port", "0", "--store-port",
        "0", "--identity-port", "0", "--metrics-port", "0", "--web-port", "0", "--web-redirect-port", "0",
        "--manager-token", TOKEN, "--data-dir", data.toString(), "--device-client-ca",
        data.resolve("tls/ca.pem").toString()), Map.of());
    Ezshop ezshop = Ezshop.start(settings, System.out);
    try {
      Tls platform = settings.tls();
      ManagedChannel storeChannel = NettyChannelBuilder.forAddress("127.0.0.1", ezshop.ports().get("store-svc"),
          platform.credentials()).build();
      StoreServiceGrpc.StoreServiceBlockingStub store = ClientAuth.as(StoreServiceGrpc.newBlockingStub(storeChannel),
          TOKEN);
      for (String device : List.of("pi-1", "pi-2")) {
        store.registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId(device)
            .setKind(DeviceKind.DEVICE_KIND_SHELF).setToken(device + "-token-0123456789").build());
      }
      storeChannel.shutdownNow();
      Tls pi1 = issue(data, "pi-1", dir.resolve("pi-1"));
      Tls pi2 = issue(data, "pi-2", dir.resolve("pi-2"));
      Tls elsewhere = new LocalCa(dir.resolve("elsewhere")).device("pi-1", dir.resolve("elsewhere-pi-1"));
      int gateway = ezshop.ports().get("gateway");

      Status none = connect(gateway, Tls.trusting(platform.ca().get()), "pi-1");
      assertEquals(Status.Code.UNAUTHENTICATED, none.getCode(), none.toString());
      assertTrue(none.getDescription().contains("needs a client certificate"), none.toString());
      Status another = connect(gateway, new Tls(pi2.cert(), pi2.key(), platform.ca()), "pi-1");
      assertEquals(Status.Code.UNAUTHENTICATED, another.getCode(), another.toString());
      assertTrue(another.getDescription().contains("names [pi-2], not this token's device 'pi-1'"), another.toString());
      Status otherCa = connect(gateway, new Tls(elsewhere.cert(), elsewhere.key(), platform.ca()), "pi-1");
      // Its TLS stack offers no certificate the gateway's CA did not issue, so none reaches the gateway.
      assertEquals(Status.Code.UNAUTHENTICATED, otherCa.getCode(), otherCa.toString());
      assertTrue(otherCa.getDescription().contains("needs a client certificate"), otherCa.toString());
      assertEquals(Status.Code.OK, connect(gateway, new Tls(pi1.cert(), pi1.key(), platform.ca()), "pi-1").getCode(),
          "its own certificate streams");
      try (GrpcProbe app = new GrpcProbe(gateway, platform)) {
        assertEquals("SERVING", app.health("ezshop.shop.v1.ShopService").name(), "an app on the port needs none");
      }
    } finally {
      ezshop.stop();
    }
  }

  // `ezshop device-cert --device ID --out DIR`, as an operator runs it.
  private static Tls issue(Path data, String device, Path out) throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Ezshop.deviceCert(Settings.parse(List.of("device-cert", "--device", device, "--out", out.toString(), "--data-dir",
        data.toString()), Map.of()), new PrintStream(printed, true, StandardCharsets.UTF_8));
    assertTrue(printed.toString(StandardCharsets.UTF_8).contains("tls_cert: " + out.resolve(device + ".pem")
        .toAbsolutePath()), printed.toString(StandardCharsets.UTF_8));
    return new Tls(java.util.Optional.of(out.resolve(device + ".pem")), java.util.Optional.of(out.resolve(device
        + "-key.pem")), java.util.Optional.of(out.resolve("ca.pem")));
  }

  /** OK once the gateway welcomes the device, else the status the stream ended with. */
  private static Status connect(int port, Tls tls, String device) throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port, tls.deviceCredentials()).build();
    try {
      CompletableFuture<Status> ended = new CompletableFuture<>();
      StreamObserver<EdgeMessage> out = ClientAuth.as(EdgeLinkServiceGrpc.newStub(channel), device
          + "-token-0123456789").connect(new StreamObserver<>() {
            @Override
            public void onNext(GatewayMessage message) {
              if (message.hasWelcome()) {
                ended.complete(Status.OK);
              }
            }

            @Override
            public void onError(Throwable t) {
              ended.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
              ended.complete(Status.CANCELLED.withDescription("ended without a welcome"));
            }
          });
      out.onNext(EdgeMessage.newBuilder().setHello(Hello.newBuilder().setDeviceId(device)
          .setKind(DeviceKind.DEVICE_KIND_SHELF)).build());
      Status status = ended.get(15, TimeUnit.SECONDS);
      out.onCompleted();
      return status;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
