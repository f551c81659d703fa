package org.ezshop.load.replay;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.Hello;
import org.ezshop.load.ClientAuth;
import org.ezshop.load.sim.SimDevice;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.rpc.Tls;
import org.ezshop.shop.v1.ShopServiceGrpc;
import org.ezshop.store.v1.RegisterDeviceRequest;
import org.ezshop.store.v1.StoreServiceGrpc;

/**
 * `ezshop replay`: runs a recording's setup calls, then plays each device's messages into the gateway over its
 * own EdgeLink stream, with the recorded timing divided by {@code speed}. Capture times move with the messages and
 * stay in each device's own clock: a replayed device keeps its recorded clock offset (from its time-sync replies;
 * none recorded means a right clock) in its hello, its capture times and its answers to the gateway's time-sync
 * probes, so the gateway corrects them itself, as it would live. Writes receipts.json for every shopper the setup
 * registered.
 */
public final class Replayer {

  private static final Map<String, MethodDescriptor<?, ?>> METHODS = new HashMap<>();
  private static final SecureRandom RANDOM = new SecureRandom();

  static {
    for (ServiceDescriptor service : List.of(StoreServiceGrpc.getServiceDescriptor(),
        ShopServiceGrpc.getServiceDescriptor())) {
      service.getMethods().forEach(m -> METHODS.put(m.getFullMethodName(), m));
    }
  }

  private Replayer() {
  }

  public static JsonObject run(Path file, double speed, String gatewayTarget, String storeTarget, Tls tls,
      String managerToken, Path receiptsFile, PrintStream out) throws Exception {
    if (!(speed > 0)) {
      throw new IllegalArgumentException("--speed must be positive");
    }
    List<Recording.Setup> setups = new ArrayList<>();
    List<Recording.DeviceRecord> records = new ArrayList<>();
    Recording.read(file, setups, records);
    ManagedChannel gateway = NettyChannelBuilder.forTarget(gatewayTarget, tls.credentials()).build();
    ManagedChannel store = NettyChannelBuilder.forTarget(storeTarget, tls.credentials()).build();
    ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "replay-devices"));
    Map<String, SimDevice> devices = new LinkedHashMap<>();
    try {
      ClientInterceptor auth = ClientAuth.bearer(managerToken);
      Map<String, String> shoppers = new LinkedHashMap<>();
      Map<String, String> tokens = new HashMap<>();
      for (Recording.Setup setup : setups) {
        Message response = call(setup, setup.rpc().startsWith("ezshop.store.") ? store : gateway, auth, tokens);
        if (response instanceof org.ezshop.shop.v1.RegisterShopperResponse r) {
          shoppers.put(r.getShopper().getShopperId(), r.getShopper().getName());
        } else if (response instanceof org.ezshop.store.v1.RegisterShopperResponse r) {
          shoppers.put(r.getShopper().getShopperId(), r.getShopper().getName());
        }
      }
      out.printf("replay: %d setup calls done, %d device messages to play at %.1fx; waiting for the gateway to read "
          + "the layout%n", setups.size(), records.size(), speed);
      Map<String, Long> offsets = clockOffsets(records);
      connect(records, offsets, tokens, gateway, agent, devices, out);
      play(records, offsets, speed, devices);
      long until = System.currentTimeMillis() + 30_000;
      for (SimDevice device : devices.values()) {
        while (!device.drained() && System.currentTimeMillis() < until) {
          Thread.sleep(100);
        }
      }
      Thread.sleep(5000); // the last shelf decisions and exits
      JsonObject receipts = Receipts.of(StoreServiceGrpc.newBlockingStub(ClientInterceptors.intercept(store, auth)),
          shoppers);
      Files.writeString(receiptsFile, receipts.encodePrettily());
      out.println("replay: receipts of " + shoppers.size() + " shoppers in " + receiptsFile);
      return receipts;
    } finally {
      devices.values().forEach(SimDevice::close);
      gateway.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      store.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      agent.shutdown();
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Message call(Recording.Setup setup, ManagedChannel channel, ClientInterceptor auth,
      Map<String, String> tokens) throws Exception {
    MethodDescriptor method = METHODS.get(setup.rpc());
    if (method == null) {
      throw new IllegalArgumentException("line " + setup.line() + ": no such setup rpc " + setup.rpc()
          + " (StoreService and ShopService methods, e.g. ezshop.store.v1.StoreService/CreateItem)");
    }
    Message.Builder request = ((Message) ((MethodDescriptor.PrototypeMarshaller) method.getRequestMarshaller())
        .getMessagePrototype()).toBuilder();
    JsonFormat.parser().merge(setup.requestJson(), request);
    if (request instanceof RegisterDeviceRequest.Builder device) { // recordings keep no token: a fresh one each
      byte[] secret = new byte[24];
      RANDOM.nextBytes(secret);
      device.setToken(HexFormat.of().formatHex(secret));
      tokens.put(device.getDeviceId(), device.getToken());
    }
    if (redacted(request)) {
      throw new IllegalArgumentException("line " + setup.line() + ": " + setup.rpc() + " has a redacted photo: a "
          + "recording made with --redact-photos keeps timing, not faces, and cannot enrol anyone");
    }
    try {
      return (Message) ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(channel, auth), method, CallOptions.DEFAULT
          .withDeadlineAfter(30, TimeUnit.SECONDS), request.build());
    } catch (StatusRuntimeException e) {
      throw new IllegalStateException("line " + setup.line() + ": " + setup.rpc() + " failed: " + e.getStatus(), e);
    }
  }

  private static boolean redacted(Message.Builder request) {
    return request instanceof org.ezshop.shop.v1.RegisterShopperRequest.Builder r
        && r.getPhoto().startsWith(com.google.protobuf.ByteString.copyFromUtf8(Recording.REDACTED));
  }

  /**
   * Connects every recorded device up front, then waits until the gateway has sent each shelf device its config:
   * the sign that it has read the layout the setup calls made.
   */
  private static void connect(List<Recording.DeviceRecord> records, Map<String, Long> offsets,
      Map<String, String> tokens, ManagedChannel gateway, ScheduledExecutorService agent, Map<String, SimDevice> devices,
      PrintStream out) throws InterruptedException {
    List<SimDevice> shelves = new ArrayList<>();
    for (Recording.DeviceRecord r : records) {
      if (r.message().hasHello() && !devices.containsKey(r.device())) {
        Hello hello = r.message().getHello();
        String token = tokens.get(r.device());
        if (token == null) {
          throw new IllegalArgumentException("line " + r.line() + ": device " + r.device() + " has no RegisterDevice "
              + "among the setup records, so it has no token to connect with");
        }
        SimDevice device = new SimDevice(gateway, token, r.device(), hello.getKind(), hello.getSourceIdsList(),
            offsets.getOrDefault(r.device(), 0L), agent, message -> { });
        devices.put(r.device(), device);
        if (hello.getKind() == DeviceKind.DEVICE_KIND_SHELF) {
          shelves.add(device);
        }
      }
    }
    for (SimDevice shelf : shelves) {
      try {
        shelf.awaitConfig(30);
      } catch (IllegalStateException e) { // a shelf device the layout does not name still gets its readings played
        out.println("replay: " + e.getMessage());
      }
    }
  }

  private static void play(List<Recording.DeviceRecord> records, Map<String, Long> offsets, double speed,
      Map<String, SimDevice> devices) throws InterruptedException {
    if (records.isEmpty()) {
      return;
    }
    long first = records.get(0).atMillis();
    long start = System.currentTimeMillis() + 500;
    for (Recording.DeviceRecord r : records) {
      long offset = offsets.getOrDefault(r.device(), 0L);
      Thread.sleep(Math.max(0, start + Math.round((r.atMillis() - first) / speed) - System.currentTimeMillis()));
      EdgeMessage m = r.message();
      if (m.hasHello()) {
        continue;
      }
      SimDevice device = devices.get(r.device());
      if (device == null) {
        throw new IllegalArgumentException("line " + r.line() + ": device " + r.device() + " sends before its hello");
      }
      EdgeMessage.Builder moved = m.toBuilder().clearSeq();
      switch (m.getBodyCase()) {
        case READINGS -> moved.getReadingsBuilder().getReadingsBuilderList().forEach(reading ->
            reading.setCapturedAt(moved(reading.getCapturedAt(), offset, first, start, speed)));
        case FRAME -> moved.getFrameBuilder().setCapturedAt(moved(m.getFrame().getCapturedAt(), offset, first, start,
            speed));
        case NOTICE -> {
        }
        default -> {
          continue; // clock replies and heartbeats belong to the recorded link, not this one
        }
      }
      device.send(moved);
    }
  }

  // The replay's time of a capture, still on the device's clock.
  private static Timestamp moved(Timestamp deviceTime, long offset, long first, long start, double speed) {
    return EpochMillis.timestamp(start + Math.round((EpochMillis.of(deviceTime) - offset - first) / speed) + offset);
  }

  // A device's clock minus the recorder's, from its time-sync replies (the median; one-way delay is small).
  private static Map<String, Long> clockOffsets(List<Recording.DeviceRecord> records) {
    Map<String, List<Long>> seen = new HashMap<>();
    for (Recording.DeviceRecord r : records) {
      if (r.message().hasTimeSyncReply()) {
        seen.computeIfAbsent(r.device(), d -> new ArrayList<>())
            .add(EpochMillis.of(r.message().getTimeSyncReply().getDeviceSentAt()) - r.atMillis());
      }
    }
    Map<String, Long> offsets = new HashMap<>();
    seen.forEach((device, list) -> {
      list.sort(Long::compare);
      offsets.put(device, list.get(list.size() / 2));
    });
    return offsets;
  }
}
