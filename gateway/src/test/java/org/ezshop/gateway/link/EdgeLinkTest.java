package org.ezshop.gateway.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.Frame;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.GatewayNoticeKind;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.gateway.GatewayConfig;
import org.ezshop.gateway.GatewayServer;
import org.ezshop.gateway.TestPlatform;
import org.ezshop.gateway.shelf.ShelfChange;
import org.ezshop.gateway.state.StatePlace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** EdgeLink over real gRPC on loopback: a real store-svc (in memory) holds the devices and the shelf layout. */
class EdgeLinkTest {

  private TestPlatform platform;
  private GatewayServer gateway;
  private ManagedChannel channel;
  private final List<ShelfChange> changes = new CopyOnWriteArrayList<>();
  private final Random noise = new Random(7);

  @BeforeEach
  void start() throws Exception {
    startWith(GatewayConfig.DEFAULT_HEARTBEAT_MILLIS);
  }

  private void startWith(long heartbeatMillis) throws Exception {
    platform = new TestPlatform(heartbeatMillis, GatewayConfig.DEFAULT_IDENTIFY_CONCURRENCY);
    gateway = platform.gateway;
    channel = platform.channel;
    gateway.shelfChanges().listen(changes::add);
  }

  @AfterEach
  void stop() throws Exception {
    platform.close();
  }

  /** {@code count} ultrasonic samples 50 ms apart from device time {@code from}, {@code items} on the row. */
  private EdgeMessage batch(long seq, long from, int count, int items) {
    ReadingBatch.Builder batch = ReadingBatch.newBuilder();
    for (int i = 0; i < count; i++) {
      batch.addReadings(Reading.newBuilder().setSensorId("us-1").setCapturedAt(TestDevice.stamp(from + 50L * i))
          .setDistanceMm(600 - 60 * items + (float) (noise.nextDouble() * 20 - 10)));
    }
    return EdgeMessage.newBuilder().setSeq(seq).setReadings(batch).build();
  }

  private static boolean ackOf(GatewayMessage m, long seq) {
    return m.hasAck() && m.getAck().getUpToSeq() >= seq;
  }

  private void awaitChanges(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (changes.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  @Test
  void noTokenOrAWrongTokenIsRefusedBeforeAnythingIsRead() throws Exception {
    Status none = new TestDevice(channel, null, 0).hello("pi-1", 0).awaitEnd();
    assertEquals(Status.Code.UNAUTHENTICATED, none.getCode());
    assertTrue(none.getDescription().contains("missing bearer token"), none.toString());
    Status wrong = new TestDevice(channel, "not-a-device-token-at-all", 0).hello("pi-1", 0).awaitEnd();
    assertEquals(Status.Code.UNAUTHENTICATED, wrong.getCode(), wrong.toString());
    Status other = new TestDevice(channel, TestPlatform.PI_TOKEN, 0).hello("cam-1", 0).awaitEnd();
    assertEquals(Status.Code.PERMISSION_DENIED, other.getCode(), other.toString());
  }

  @Test
  void aShelfDeviceIsWelcomedAndGetsItsSensorsCalibrationFromTheLayout() throws Exception {
    TestDevice device = new TestDevice(channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", 0);
    device.await(GatewayMessage::hasWelcome);
    var config = device.await(GatewayMessage::hasConfig).getConfig();
    assertEquals(2, config.getSensorsCount(), "us-1 and us-2 are wired to pi-1");
    var us1 = config.getSensorsList().stream().filter(c -> c.getSensorId().equals("us-1")).findFirst().orElseThrow();
    assertEquals("soda-row", us1.getRowId());
    assertEquals(60, us1.getCalibration().getItemDepthMm());
    assertTrue(gateway.links().get("pi-1").connected());
  }

  @Test
  void aChangedCalibrationReachesTheConnectedShelfDeviceWithoutARereadAndAnUnchangedLayoutSendsNothing()
      throws Exception {
    TestDevice device = new TestDevice(channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", 0);
    device.await(GatewayMessage::hasConfig);
    String reads = metric("ezshop_layout_reads_total");
    var row = platform.storeStub().listShelfRows(org.ezshop.store.v1.ListShelfRowsRequest.getDefaultInstance())
        .getRowsList().stream().filter(r -> r.getRowId().equals("soda-row")).findFirst().orElseThrow();
    platform.storeStub().putShelfRow(org.ezshop.store.v1.PutShelfRowRequest.newBuilder().setRow(row.toBuilder()
        .setCalibration(row.getCalibration().toBuilder().setItemDepthMm(75))).build());
    var config = device.await(m -> m.hasConfig() && m.getConfig().getSensorsList().stream()
        .anyMatch(c -> c.getSensorId().equals("us-1") && c.getCalibration().getItemDepthMm() == 75)).getConfig();
    assertEquals(2, config.getSensorsCount());
    assertEquals(reads, metric("ezshop_layout_reads_total"), "the row put came as an event: nothing was read again");
    assertEquals("1.0", metric("ezshop_layout_followed_total"));
    gateway.reloadLayout().await(5, java.util.concurrent.TimeUnit.SECONDS);
    device.send(batch(1, device.clock(), 1, 5)); // an ack after the reload: anything it sent would be before it
    device.await(m -> ackOf(m, 1));
    assertEquals(2, device.received.stream().filter(GatewayMessage::hasConfig).count(),
        "one config at hello, one for the change, none for a reload that changed nothing");
  }

  private String metric(String name) throws Exception {
    String text = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + gateway.metricsPort() + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    return java.util.Arrays.stream(text.split("\n")).filter(l -> l.startsWith(name + " ")).findFirst()
        .map(l -> l.substring(name.length() + 1)).orElseThrow(() -> new AssertionError(name + " not in " + text));
  }

  @Test
  void dataBeforeHelloIsAFailedPrecondition() throws Exception {
    TestDevice device = new TestDevice(channel, TestPlatform.PI_TOKEN, 0);
    device.send(batch(1, device.clock(), 5, 5));
    Status status = device.awaitEnd();
    assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode());
    assertTrue(status.getDescription().contains("hello must be the first message"), status.toString());
  }

  @Test
  void badReadingsGetNoticesNamingTheFieldAndTheGoodOnesStillCount() throws Exception {
    TestDevice device = new TestDevice(channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", 0);
    device.await(GatewayMessage::hasWelcome);
    long t = device.clock();
    device.send(batch(1, t, 40, 5));
    EdgeMessage good = batch(2, t + 2000, 40, 4);
    ReadingBatch.Builder mixed = good.getReadings().toBuilder()
        .addReadings(Reading.newBuilder().setSensorId("us-1").setCapturedAt(TestDevice.stamp(t + 2000)).setDistanceMm(Float.NaN))
        .addReadings(Reading.newBuilder().setSensorId("us-1").setCapturedAt(TestDevice.stamp(t + 2000)).setDistanceMm(-5))
        .addReadings(Reading.newBuilder().setSensorId("us-9").setCapturedAt(TestDevice.stamp(t + 2000)).setDistanceMm(5))
        .addReadings(Reading.newBuilder().setSensorId("us-1").setCapturedAt(TestDevice.stamp(t + 2000)).setWeightG(5));
    device.send(good.toBuilder().setReadings(mixed).build());
    device.await(m -> ackOf(m, 2));
    List<String> fields = device.received.stream().filter(GatewayMessage::hasNotice)
        .map(m -> m.getNotice().getKind() + " " + m.getNotice().getField()).toList();
    assertEquals(List.of("GATEWAY_NOTICE_KIND_INVALID_DATA readings[40].distance_mm",
        "GATEWAY_NOTICE_KIND_INVALID_DATA readings[41].distance_mm",
        "GATEWAY_NOTICE_KIND_UNKNOWN_SOURCE readings[42].sensor_id",
        "GATEWAY_NOTICE_KIND_INVALID_DATA readings[43].weight_g"), fields);
    awaitChanges(1);
    assertEquals(List.of(-1), changes.stream().map(ShelfChange::delta).toList(), "the pick in the good readings");
    assertTrue(!device.ended.isDone(), "the stream lives on");
  }

  @Test
  void framesThatAreNotJpegGetANoticeAndAnOversizedOneEndsTheStreamWithResourceExhausted() throws Exception {
    TestDevice camera = new TestDevice(channel, TestPlatform.CAM_TOKEN, 0).hello("cam-1", 0, "cam-1");
    camera.await(GatewayMessage::hasWelcome);
    camera.send(EdgeMessage.newBuilder().setSeq(1).setFrame(Frame.newBuilder().setCameraId("cam-1")
        .setCapturedAt(TestDevice.stamp(camera.clock())).setJpeg(ByteString.copyFromUtf8("GIF89a..."))).build());
    GatewayMessage notice = camera.await(GatewayMessage::hasNotice);
    assertEquals("frame.jpeg", notice.getNotice().getField());
    camera.await(m -> ackOf(m, 1));
    camera.send(EdgeMessage.newBuilder().setSeq(2).setFrame(Frame.newBuilder().setCameraId("cam-1")
        .setCapturedAt(TestDevice.stamp(camera.clock())).setJpeg(ByteString.copyFrom(new byte[20 << 20]))).build());
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, camera.awaitEnd().getCode());
  }

  @Test
  void aCutMidBatchAndAResendTakeEffectExactlyOnce() throws Exception {
    TestDevice first = new TestDevice(channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", 0);
    first.await(GatewayMessage::hasWelcome);
    long t = first.clock();
    List<EdgeMessage> script = List.of(batch(1, t, 40, 5), batch(2, t + 2000, 20, 5), batch(3, t + 3000, 40, 4),
        batch(4, t + 5000, 40, 4));
    first.send(script.get(0));
    first.send(script.get(1));
    first.await(m -> ackOf(m, 2));
    first.send(script.get(2)); // cut before its ack can arrive: unacked, it will be sent again
    first.cut();
    TestDevice second = new TestDevice(channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", first.acked());
    long welcomeAcked = second.await(GatewayMessage::hasWelcome).getWelcome().getAckedSeq();
    for (EdgeMessage m : script) {
      if (m.getSeq() > Math.min(welcomeAcked, first.acked())) {
        second.send(m);
      }
    }
    second.await(m -> ackOf(m, 4));
    awaitChanges(1);
    Thread.sleep(200);
    assertEquals(List.of(-1), changes.stream().map(ShelfChange::delta).toList());
    assertEquals(140, gateway.links().get("pi-1").readings(), "each reading counted once");
  }

  @Test
  void readingsOfAClockNinetySecondsAheadAreCorrectedToWithinFiftyMilliseconds() throws Exception {
    TestDevice device = new TestDevice(channel, TestPlatform.PI_TOKEN, 90_000).hello("pi-1", 0);
    device.await(GatewayMessage::hasWelcome);
    TestPlatform.eventually(() -> gateway.links().get("pi-1").clockSamples() >= 3); // the first, quick probes
    long offset = gateway.links().get("pi-1").clockOffsetMillis();
    assertTrue(Math.abs(offset - 90_000) <= 50, "offset " + offset);
    long pickAt = System.currentTimeMillis() + 2000; // gateway time of the first sample with one item fewer
    device.send(batch(1, pickAt + 90_000 - 2000, 40, 5));
    device.send(batch(2, pickAt + 90_000, 40, 4));
    device.await(m -> ackOf(m, 2));
    awaitChanges(1);
    assertTrue(Math.abs(changes.get(0).onsetMillis() - pickAt) <= 50,
        "the pick at " + changes.get(0).onsetMillis() + ", truly at " + pickAt);
  }

  @Test
  void readingsSentRightAfterAHelloTheNetworkHeldUpWaitForTheClockProbe() throws Exception {
    // A new gateway knows no clock yet; the hello says a time 4 s past (a stall held it), the readings follow it.
    long pickAt = System.currentTimeMillis() + 2000;
    TestDevice device = new TestDevice(channel, TestPlatform.PI_TOKEN, 90_000);
    device.helloStamped(device.clock() - 4000, "pi-1", 0);
    device.send(batch(1, pickAt + 90_000 - 2000, 40, 5));
    device.send(batch(2, pickAt + 90_000, 40, 4));
    device.await(m -> ackOf(m, 2));
    awaitChanges(1);
    assertTrue(Math.abs(changes.get(0).onsetMillis() - pickAt) <= 50,
        "the pick at " + changes.get(0).onsetMillis() + ", truly at " + pickAt + " (hello's guess is 4 s off)");
  }

  @Test
  void aDeviceSendingTenTimesItsLimitIsCutNamingTheLimitWhileAnotherStreamsOn() throws Exception {
    platform.replaceGateway(new StatePlace.Memory(), new DeviceLimits.Settings(20, 1 << 20));
    TestDevice noisy = new TestDevice(platform.channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", 0);
    noisy.await(GatewayMessage::hasWelcome);
    TestDevice calm = TestDevices.camera(platform.channel, "cam-1");
    long seq = 0;
    long start = System.nanoTime();
    while (!noisy.ended.isDone() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
      noisy.send(batch(++seq, noisy.clock(), 1, 5)); // 200 a second: ten times the limit
      if (seq % 20 == 0) {
        calm.send(EdgeMessage.newBuilder().setHeartbeat(org.ezshop.edge.v1.Heartbeat.getDefaultInstance()).build());
      }
      Thread.sleep(5);
    }
    Status cut = noisy.awaitEnd();
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, cut.getCode(), cut.toString());
    assertTrue(cut.getDescription().contains("at most 20 messages a second per device"), cut.toString());
    assertTrue(seq >= 200, "its ten seconds' allowance went through first: " + seq);
    assertTrue(platform.gateway.links().get("cam-1").connected(), "the other device streams on");
    String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + platform.gateway.metricsPort() + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("ezshop_limit_refused_total{limit=\"device_messages\"} 1.0"), metrics);
  }

  @Test
  void linkStateAndCountsAreInThePrometheusMetrics() throws Exception {
    TestDevice device = new TestDevice(channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", 0);
    device.await(GatewayMessage::hasWelcome);
    device.send(batch(1, device.clock(), 40, 5));
    device.await(m -> ackOf(m, 1));
    java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + gateway.metricsPort()
            + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    String text = response.body();
    assertTrue(text.contains("ezshop_edge_links_connected 1.0"), text);
    assertTrue(text.contains("ezshop_edge_readings_total 40.0"), text);
    assertTrue(text.contains("ezshop_edge_clock_offset_seconds{device=\"pi-1\"}"), text);
    assertTrue(text.contains("jvm_memory_used_bytes"), text);
    assertTrue(text.contains("ezshop_receipts_unpushed_total 0.0"), text);
    for (String line : text.split("\n")) {
      String[] help = line.split(" ", 4);
      assertTrue(!line.startsWith("# HELP ") || help.length == 4 && !help[3].isBlank(), "every metric's help: " + line);
    }
  }

  @Test
  void aSecondStreamOfTheSameDeviceReplacesTheFirstCleanly() throws Exception {
    TestDevice first = new TestDevice(channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", 0);
    first.await(GatewayMessage::hasWelcome);
    TestDevice second = new TestDevice(channel, TestPlatform.PI_TOKEN, 0).hello("pi-1", 0);
    second.await(GatewayMessage::hasWelcome);
    assertEquals(GatewayNoticeKind.GATEWAY_NOTICE_KIND_REPLACED,
        first.await(GatewayMessage::hasNotice).getNotice().getKind());
    assertEquals(Status.Code.OK, first.awaitEnd().getCode());
    second.send(batch(1, second.clock(), 5, 5));
    second.await(m -> ackOf(m, 1));
    assertTrue(gateway.links().get("pi-1").connected());
  }

  @Test
  void aDeviceThatGoesSilentIsDisconnected() throws Exception {
    stop();
    startWith(300);
    TestDevice device = new TestDevice(channel, TestPlatform.PI_TOKEN, 0);
    device.answerProbes = false;
    device.hello("pi-1", 0).await(GatewayMessage::hasWelcome);
    Status status = device.awaitEnd();
    assertEquals(Status.Code.UNAVAILABLE, status.getCode());
    assertTrue(status.getDescription().contains("taken for dead"), status.toString());
    assertTrue(!gateway.links().get("pi-1").connected());
  }
}
