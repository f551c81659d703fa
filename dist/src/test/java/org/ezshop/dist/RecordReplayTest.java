package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ezshop.load.ClientAuth;
import org.ezshop.load.replay.Receipts;
import org.ezshop.load.replay.Recording;
import org.ezshop.load.replay.RecordingProxy;
import org.ezshop.load.replay.Replayer;
import org.ezshop.load.sim.StoreSimulator;
import org.ezshop.rpc.Tls;
import org.ezshop.store.v1.StoreServiceGrpc;
import org.junit.jupiter.api.Test;

/**
 * A simulated store recorded through `ezshop record`, replayed by `ezshop replay` into a fresh platform, then again
 * with every device's clock 90 s fast.
 */
class RecordReplayTest {

  private static final String TOKEN = "record-replay-manager-token";

  @Test
  void aRecordingReplayedIntoAFreshPlatformGivesIdenticalReceipts() throws Exception {
    Path dir = Files.createDirectories(Path.of("target/record-replay"));
    Path file = dir.resolve("store.jsonl");
    Settings settings = settings("--sim-seed", "7", "--sim-shoppers", "4", "--sim-rows", "6", "--sim-minutes", "1",
        "--sim-speed", "20", "--sim-out", dir.toString());

    Ezshop recorded = Ezshop.start(settings, System.out);
    JsonObject original;
    try {
      try (RecordingProxy proxy = RecordingProxy.start(0, "127.0.0.1:" + recorded.ports().get("gateway"),
          "127.0.0.1:" + recorded.ports().get("store-svc"), settings.tls(), Recording.create(file))) {
        StoreSimulator.run(settings.simulation(false), "127.0.0.1:" + proxy.port(), "127.0.0.1:" + proxy.port(),
            settings.tls(), TOKEN, System.out);
      }
      Map<String, String> shoppers = new LinkedHashMap<>();
      new JsonObject(Files.readString(dir.resolve("truth.json"))).getJsonArray("shoppers").forEach(s ->
          shoppers.put(((JsonObject) s).getString("shopper_id"), ((JsonObject) s).getString("name")));
      original = receipts(recorded.ports().get("store-svc"), settings.tls(), shoppers);
    } finally {
      recorded.stop();
    }
    List<String> lines = Files.readAllLines(file);
    String text = String.join("\n", lines);
    assertFalse(text.contains("\"token\""), "no device token is recorded");
    assertFalse(text.contains(TOKEN), "nor the manager's");
    assertFalse(text.contains("-" + java.util.HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(8).putLong(7)
        .array())), "nor any token the simulator registered its devices with (device id, '-', the seed in hex)");
    assertTrue(lines.get(0).startsWith("{\"rpc\":\"ezshop.store.v1.StoreService/CreateItem\""), lines.get(0));
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("{\"rpc\":\"ezshop.shop.v1.ShopService/RegisterShopper\"")));
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"frame\":{\"cameraId\":\"sim-entrance\"")));
    assertTrue(original.stream().anyMatch(e -> !((JsonObject) e.getValue()).getJsonArray("lines").isEmpty()),
        original.encode());

    Settings freshSettings = settings();
    Ezshop fresh = Ezshop.start(freshSettings, System.out);
    try {
      JsonObject replayed = Replayer.run(file, 1, "127.0.0.1:" + fresh.ports().get("gateway"),
          "127.0.0.1:" + fresh.ports().get("store-svc"), freshSettings.tls(), TOKEN, dir.resolve("receipts.json"),
          System.out);
      assertEquals(original.encodePrettily(), replayed.encodePrettily());
      assertEquals(replayed, new JsonObject(Files.readString(dir.resolve("receipts.json"))));
    } finally {
      fresh.stop();
    }

    // Every device's clock 90 s fast: the replay keeps it, the gateway must correct it, and decide the same.
    Path fast = dir.resolve("store-clocks-fast.jsonl");
    Files.write(fast, lines.stream().map(line -> clockAhead(line, 90_000)).toList());
    Settings againSettings = settings();
    Ezshop again = Ezshop.start(againSettings, System.out);
    try {
      JsonObject replayed = Replayer.run(fast, 1, "127.0.0.1:" + again.ports().get("gateway"),
          "127.0.0.1:" + again.ports().get("store-svc"), againSettings.tls(), TOKEN, dir.resolve("receipts-fast.json"),
          System.out);
      assertEquals(original.encodePrettily(), replayed.encodePrettily());
    } finally {
      again.stop();
    }
  }

  /** A device record as a device whose clock runs {@code millis} ahead would have sent it; setup lines unchanged. */
  private static String clockAhead(String line, long millis) {
    JsonObject record = new JsonObject(line);
    JsonObject m = record.getJsonObject("message");
    if (m == null) {
      return line;
    }
    java.util.function.UnaryOperator<String> ahead = t -> java.time.Instant.parse(t).plusMillis(millis).toString();
    if (m.containsKey("hello") && m.getJsonObject("hello").containsKey("deviceTime")) {
      m.getJsonObject("hello").put("deviceTime", ahead.apply(m.getJsonObject("hello").getString("deviceTime")));
    }
    if (m.containsKey("timeSyncReply")) {
      JsonObject reply = m.getJsonObject("timeSyncReply");
      reply.put("deviceReceivedAt", ahead.apply(reply.getString("deviceReceivedAt")));
      reply.put("deviceSentAt", ahead.apply(reply.getString("deviceSentAt")));
    }
    if (m.containsKey("frame")) {
      m.getJsonObject("frame").put("capturedAt", ahead.apply(m.getJsonObject("frame").getString("capturedAt")));
    }
    if (m.containsKey("readings")) {
      m.getJsonObject("readings").getJsonArray("readings").forEach(r -> ((JsonObject) r).put("capturedAt",
          ahead.apply(((JsonObject) r).getString("capturedAt"))));
    }
    return record.encode();
  }

  private static JsonObject receipts(int storePort, Tls tls, Map<String, String> shoppers) throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", storePort, tls.credentials()).build();
    try {
      return Receipts.of(ClientAuth.as(StoreServiceGrpc.newBlockingStub(channel), TOKEN), shoppers);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static Settings settings(String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("all", "--host", "127.0.0.1", "--gateway-port", "0",
        "--store-port", "0", "--identity-port", "0", "--metrics-port", "0", "--web-port", "0", "--web-redirect-port", "0",
        "--manager-token", TOKEN, "--data-dir", "target/ezshop-data"));
    args.addAll(List.of(more));
    return Settings.parse(args, Map.of());
  }
}
