package org.ezshop.load.sim;

import static org.ezshop.load.ClientAuth.as;

import com.google.protobuf.ByteString;
import com.google.protobuf.TextFormat;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.common.v1.Money;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.Frame;
import org.ezshop.edge.v1.FrameTrigger;
import org.ezshop.load.replay.Receipts;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.rpc.Tls;
import org.ezshop.shop.v1.RegisterShopperRequest;
import org.ezshop.shop.v1.ShopServiceGrpc;
import org.ezshop.store.v1.*;

/**
 * `ezshop simulate`: a store on a running platform. Sets up rows, items and devices through StoreService, enrols
 * shoppers through ShopService, then plays the {@link Plan} through real EdgeLink devices (shelf agents sampling
 * their rows, shelf and door cameras sending frames of real faces), and scores the receipts against the truth.
 */
public final class StoreSimulator {

  private static final long DRAW_AHEAD_MILLIS = 2000;

  private static final String[] NAMES = {"Ana", "Ben", "Cy", "Dee", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun",
      "Kai", "Lea", "Max", "Nia", "Oto", "Pia", "Quin", "Rae", "Sol", "Tia", "Uma", "Vic", "Wen", "Xan", "Yui", "Zoe"};

  private final SimSettings s;
  private final ChainStore chain;
  private final PrintStream out;
  private final String managerToken;
  private final ManagedChannel gateway;
  private final ManagedChannel storeChannel;
  private final StoreServiceGrpc.StoreServiceBlockingStub store;
  private final Random random;
  private final Plan plan;
  private final Map<String, String> laidOut;
  private final List<String> names = new ArrayList<>();
  private final List<String> shopperIds = new ArrayList<>();
  private final List<Faces.Person> people = new ArrayList<>();
  private final ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor(
      r -> new Thread(r, "sim-devices"));

  /**
   * Which store of a chain this simulation plays: its calls bound to {@code storeId}, every id beginning with it,
   * and its people every {@code of}-th portrait from {@code index}, so that no two stores enrol the same face.
   */
  public record ChainStore(String storeId, int index, int of) {
    static final ChainStore ALONE = new ChainStore("", 0, 1);
  }

  private StoreSimulator(SimSettings s, Map<String, String> laidOut, ChainStore chain, String gatewayTarget,
      String storeTarget, Tls tls, String managerToken, PrintStream out) {
    this.s = s;
    this.chain = chain;
    this.laidOut = laidOut;
    this.out = out;
    this.managerToken = managerToken;
    this.gateway = NettyChannelBuilder.forTarget(gatewayTarget, tls.credentials()).maxInboundMessageSize(16 << 20)
        .build();
    this.storeChannel = NettyChannelBuilder.forTarget(storeTarget, tls.credentials()).maxInboundMessageSize(16 << 20)
        .build();
    this.store = as(StoreServiceGrpc.newBlockingStub(storeChannel), managerToken, chain.storeId());
    this.random = new Random(s.seed());
    this.plan = Plan.draw(s, random, chain.storeId().isEmpty() ? "sim" : chain.storeId());
  }

  /** The store as it opens: how long it stays open, and when each pick is due (real millis from now, in order). */
  public record Opened(long millis, List<Long> picks) {
  }

  /** Runs the simulation against the platform at the targets (host:port, over {@code tls}) and returns its score. */
  public static Score run(SimSettings settings, String gatewayTarget, String storeTarget, Tls tls,
      String managerToken, PrintStream out) throws Exception {
    return run(settings, gatewayTarget, storeTarget, tls, managerToken, out, opened -> { });
  }

  /**
   * The same, calling {@code opened} with how long the store stays open and when its picks are due as it opens:
   * set up, shoppers enrolled, devices configured.
   */
  public static Score run(SimSettings settings, String gatewayTarget, String storeTarget, Tls tls,
      String managerToken, PrintStream out, Consumer<Opened> opened) throws Exception {
    return run(new StoreSimulator(settings, null, ChainStore.ALONE, gatewayTarget, storeTarget, tls, managerToken,
        out), opened);
  }

  /** The same as one store of a chain, whose gateway is at {@code gatewayTarget}. */
  public static Score runInChain(SimSettings settings, ChainStore chain, String gatewayTarget, String storeTarget,
      Tls tls, String managerToken, PrintStream out) throws Exception {
    return run(new StoreSimulator(settings, null, chain, gatewayTarget, storeTarget, tls, managerToken, out),
        opened -> { });
  }

  /**
   * The same on a store already laid out (from a store file) as the plan lays it out, whose devices were given
   * {@code tokens}.
   */
  public static Score runLaidOut(SimSettings settings, Map<String, String> tokens, String gatewayTarget,
      String storeTarget, Tls tls, String managerToken, PrintStream out) throws Exception {
    return run(new StoreSimulator(settings, Map.copyOf(tokens), ChainStore.ALONE, gatewayTarget, storeTarget, tls,
        managerToken, out), opened -> { });
  }

  private static Score run(StoreSimulator sim, Consumer<Opened> opened) throws Exception {
    try {
      return sim.run(opened);
    } finally {
      sim.gateway.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      sim.storeChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      sim.agent.shutdown(); // after the channels: their last callbacks run on it
      sim.agent.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private Score run(Consumer<Opened> opened) throws Exception {
    setUpStore();
    enrolShoppers();
    out.printf("simulate: %d shoppers and %d strangers, %d rows, %.1f store minutes at %.1fx (seed %d): the store is "
        + "open for %d:%02d of real time (each act in real time, only the gaps shortened); waiting for the gateway to "
        + "send the shelf agents their config%n", s.shoppers(), s.strangers(), s.rows(), s.minutes(), s.speed(), s.seed(),
        plan.end / 60_000, plan.end / 1000 % 60);
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "sim-clock"));
    ExecutorService cameras = Executors.newFixedThreadPool(2, r -> new Thread(r, "sim-camera"));
    Map<String, SimDevice> devices = new LinkedHashMap<>();
    StoreFeed feed = null;
    try {
      connectDevices(devices);
      long start = System.currentTimeMillis();
      opened.accept(new Opened(plan.end, plan.changes.stream().filter(c -> c.delta() < 0).map(Plan.Change::at)
          .sorted().toList()));
      feed = StoreFeed.watch(as(StoreServiceGrpc.newStub(storeChannel), managerToken, chain.storeId()), out, shopperIds, names, plan);
      List<ShelfSampler> samplers = new ArrayList<>();
      for (int p = 0; p * 8 < plan.rows.size(); p++) {
        samplers.add(new ShelfSampler(plan, plan.rows.subList(p * 8, Math.min(plan.rows.size(), p * 8 + 8)),
            devices.get(plan.prefix + "-pi-" + p), start, new Random(s.seed() + p)));
      }
      clock.scheduleAtFixedRate(() -> samplers.forEach(sampler -> sampler.sampleUpTo(
          System.currentTimeMillis() - start)), 500, 500, TimeUnit.MILLISECONDS);
      Random camerasRandom = new Random(s.seed() + 1000);
      for (Plan.Shot shot : plan.shots) {
        // Drawn ahead and sent when due: a real camera's frame costs it nothing to make, and one sent late
        // would be missing when its camera says it has sent everything.
        clock.schedule(() -> cameras.execute(() -> {
          EdgeMessage.Builder frame = capture(shot, devices.get(shot.cameraId()), start, camerasRandom);
          clock.schedule(() -> devices.get(shot.cameraId()).send(frame), start + shot.at() - System.currentTimeMillis(),
              TimeUnit.MILLISECONDS);
        }), start + shot.at() - DRAW_AHEAD_MILLIS - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
      }
      Thread.sleep(Math.max(0, start + plan.end - System.currentTimeMillis()));
      awaitReceipts(30_000, feed);
      return score(start, feed.decisions, feed.pushMillis());
    } finally {
      clock.shutdownNow();
      cameras.shutdownNow();
      if (feed != null) {
        feed.close();
      }
      devices.values().forEach(SimDevice::close);
    }
  }

  private static Item item(Plan.Row row) {
    return Item.newBuilder().setSku(row.sku()).setName(row.name()).setPrice(Money.newBuilder()
        .setMinorUnits(row.priceMinor()).setCurrency("USD")).setStock(row.capacity()).setLowStockThreshold(1).build();
  }

  private static ShelfRow shelfRow(Plan.Row row) {
    ShelfRow.Builder shelf = ShelfRow.newBuilder().setRowId(row.rowId()).setSku(row.sku())
        .addCameraIds(row.cameraId()).setCalibration(row.calibration())
        .addSensors(ShelfSensor.newBuilder().setSensorId(row.sensorId()).setDeviceId(row.piId()).setType(row.type()));
    if (row.bands() > 1) { // people at this row stand in its band of the camera's frame
      shelf.addCameraRegions(CameraRegion.newBuilder().setCameraId(row.cameraId())
          .setXMin((float) row.band() / row.bands()).setXMax((float) (row.band() + 1) / row.bands()));
    }
    return shelf.build();
  }

  private void setUpStore() {
    if (laidOut != null) {
      checkLaidOut();
      return;
    }
    try {
      for (Plan.Row row : plan.rows) {
        store.createItem(CreateItemRequest.newBuilder().setItem(item(row)).build());
        store.putShelfRow(PutShelfRowRequest.newBuilder().setRow(shelfRow(row)).build());
      }
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
        throw new IllegalStateException("the store already has simulated items: simulate needs a fresh platform ("
            + e.getStatus().getDescription() + ")");
      }
      throw e;
    }
    for (String device : deviceIds()) {
      RegisterDeviceRequest.Builder request = RegisterDeviceRequest.newBuilder().setDeviceId(device).setToken(token(device));
      if (device.startsWith(plan.prefix + "-pi-")) {
        request.setKind(DeviceKind.DEVICE_KIND_SHELF);
      } else {
        request.setKind(DeviceKind.DEVICE_KIND_CAMERA).setCameraRole(device.equals(plan.entranceCamera())
            ? CameraRole.CAMERA_ROLE_ENTRANCE : device.equals(plan.exitCamera()) ? CameraRole.CAMERA_ROLE_EXIT
            : CameraRole.CAMERA_ROLE_SHELF);
      }
      store.registerDevice(request.build());
    }
  }

  // A store laid out from a file must be the plan's, item for item and row for row, or the truth is not the store's.
  private void checkLaidOut() {
    Map<String, ShelfRow> rows = store.listShelfRows(ListShelfRowsRequest.getDefaultInstance()).getRowsList().stream()
        .collect(Collectors.toMap(ShelfRow::getRowId, r -> r));
    Map<String, Item> items = store.listItems(ListItemsRequest.getDefaultInstance()).getItemsList().stream()
        .collect(Collectors.toMap(Item::getSku, i -> i));
    for (Plan.Row row : plan.rows) {
      Item item = items.get(row.sku());
      ShelfRow laid = rows.containsKey(row.rowId()) ? rows.get(row.rowId()).toBuilder().clearStoreId().build() : null;
      if (!shelfRow(row).equals(laid) || item == null || !Item.newBuilder().setSku(item.getSku())
          .setName(item.getName()).setPrice(item.getPrice()).setStock(item.getStock())
          .setLowStockThreshold(item.getLowStockThreshold()).build().equals(item(row))) {
        throw new IllegalStateException("the store laid out is not this simulation's (seed " + s.seed() + ", "
            + s.rows() + " rows): row " + row.rowId() + " should be {" + TextFormat.shortDebugString(shelfRow(row))
            + "} of {" + TextFormat.shortDebugString(item(row)) + "}, not {" + (rows.containsKey(row.rowId())
            ? TextFormat.shortDebugString(rows.get(row.rowId())) : "") + "} of {" + (item == null ? ""
            : TextFormat.shortDebugString(item)) + "}");
      }
    }
    deviceIds().stream().filter(id -> !laidOut.containsKey(id)).findFirst().ifPresent(id -> {
      throw new IllegalStateException("device " + id + " was not given a token just now: the simulation needs a "
          + "fresh platform");
    });
  }

  // One device per shelf agent and per camera; each camera's id is its device's.
  private List<String> deviceIds() {
    List<String> ids = new ArrayList<>();
    plan.rows.forEach(row -> {
      if (!ids.contains(row.piId())) {
        ids.add(row.piId());
      }
      if (!ids.contains(row.cameraId())) {
        ids.add(row.cameraId());
      }
    });
    ids.add(plan.entranceCamera());
    ids.add(plan.exitCamera());
    return ids;
  }

  private String token(String device) {
    if (laidOut != null) {
      return laidOut.get(device);
    }
    return device + "-" + HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(8).putLong(s.seed()).array());
  }

  private void enrolShoppers() throws IOException {
    ShopServiceGrpc.ShopServiceBlockingStub shop = as(ShopServiceGrpc.newBlockingStub(gateway), managerToken);
    List<Faces.Person> everyone = Faces.people(s.faces(), random);
    if (chain.of() > 1) {
      List<Faces.Person> byName = everyone.stream().sorted(java.util.Comparator.comparing(Faces.Person::photoName))
          .toList();
      everyone = new ArrayList<>(java.util.stream.IntStream.range(0, byName.size())
          .filter(i -> i % chain.of() == chain.index()).mapToObj(byName::get).toList());
      java.util.Collections.shuffle(everyone, random);
    }
    for (Faces.Person person : everyone) {
      if (shopperIds.size() == s.shoppers()) {
        for (Faces.Person stranger : everyone.subList(everyone.indexOf(person), everyone.size())) {
          if (people.size() < s.people()) {
            people.add(stranger); // never enrolled: the gallery does not know them
          }
        }
        if (people.size() < s.people()) {
          throw new IllegalStateException("not enough portraits for " + s.strangers() + " strangers");
        }
        return;
      }
      int i = shopperIds.size();
      String name = NAMES[i % NAMES.length] + (i < NAMES.length ? "" : " " + (i / NAMES.length + 1));
      try {
        shopperIds.add(shop.registerShopper(RegisterShopperRequest.newBuilder().setName(name)
            .setPhoto(ByteString.copyFrom(person.enrolPhoto())).setPushToken("sim-push-" + i).build())
            .getShopper().getShopperId());
        names.add(name);
        people.add(person);
      } catch (StatusRuntimeException e) { // a portrait with a second face in the background
        if (e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
          throw e;
        }
      }
    }
    throw new IllegalStateException("only " + shopperIds.size() + " of the portraits could be enrolled; asked for "
        + s.shoppers() + " shoppers");
  }

  /**
   * Connects every device, then waits until the gateway has sent each shelf agent its sensors' config: the sign
   * that it has read the layout set up here.
   */
  private void connectDevices(Map<String, SimDevice> devices) throws InterruptedException {
    Random clocks = new Random(s.seed() + 2000);
    List<String> agents = deviceIds().stream().filter(id -> id.startsWith(plan.prefix + "-pi-")).toList();
    for (String id : deviceIds()) {
      boolean pi = agents.contains(id);
      long offset = s.clockSkewMillis() == 0 ? 0 : clocks.nextLong(-s.clockSkewMillis(), s.clockSkewMillis() + 1);
      devices.put(id, new SimDevice(gateway, token(id), id, pi ? DeviceKind.DEVICE_KIND_SHELF
          : DeviceKind.DEVICE_KIND_CAMERA, pi ? plan.rows.stream().filter(r -> r.piId().equals(id))
          .map(Plan.Row::sensorId).toList() : List.of(id), offset, agent, message -> { })
          .keepingFrames(pi ? 0 : (long) (s.frameRingSeconds() * 1000)));
    }
    for (String id : agents) {
      devices.get(id).awaitConfig(30);
    }
  }

  private EdgeMessage.Builder capture(Plan.Shot shot, SimDevice camera, long start, Random random) {
    List<java.awt.image.BufferedImage> faces = new ArrayList<>();
    int n = shot.faces().size();
    int[] band = new int[n];
    boolean[] near = new boolean[n];
    int nearest = -1;
    int bands = 1;
    for (int k = 0; k < n; k++) {
      int face = shot.faces().get(k);
      int row = plan.rowOf(face, shot.cameraId(), shot.at());
      near[k] = shot.near().contains(face);
      nearest = near[k] && nearest < 0 ? k : nearest;
      if (row >= 0) {
        band[k] = plan.rows.get(row).band();
        bands = plan.rows.get(row).bands();
      }
    }
    byte[] jpeg;
    synchronized (random) {
      for (int face : shot.faces()) {
        faces.add(Faces.seen(people.get(face), random));
      }
      jpeg = bands > 1 ? Faces.bandFrame(faces, band, near, bands, random) : Faces.frame(faces, nearest, random);
    }
    return EdgeMessage.newBuilder().setFrame(Frame.newBuilder().setCameraId(shot.cameraId())
        .setCapturedAt(EpochMillis.timestamp(camera.deviceTime(start + shot.at()))).setJpeg(ByteString.copyFrom(jpeg))
        .setTrigger(FrameTrigger.FRAME_TRIGGER_FACE_CLOSE));
  }

  /** Waits until every shopper has a receipt and its push, or the timeout; store-svc may be restarting meanwhile. */
  private void awaitReceipts(long timeoutMillis, StoreFeed feed) throws InterruptedException {
    long until = System.currentTimeMillis() + timeoutMillis;
    for (String id : shopperIds) {
      while (System.currentTimeMillis() < until && !hasReceipt(id)) {
        Thread.sleep(250);
      }
    }
    while (System.currentTimeMillis() < until && feed.pushMillis().size() < shopperIds.size()) {
      Thread.sleep(100);
    }
  }

  private boolean hasReceipt(String shopperId) {
    try {
      return store.listReceipts(ListReceiptsRequest.newBuilder().setShopperId(shopperId).build())
          .getReceiptsCount() > 0;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  private Score score(long start, Decisions decisions, List<Long> pushMillis) throws IOException {
    List<Map<String, Integer>> receipts = new ArrayList<>();
    for (String id : shopperIds) {
      receipts.add(Receipts.lines(store.listReceipts(ListReceiptsRequest.newBuilder().setShopperId(id).build())
          .getReceiptsList()));
    }
    int reviews = (int) store.listReviews(ListReviewsRequest.getDefaultInstance()).getReviewsList().stream()
        .filter(r -> r.getEvent().getRowId().startsWith(plan.prefix + "-row-") && EpochMillis.of(r.getCreatedAt()) >= start)
        .count();
    Score score = Score.of(plan.truth(), receipts, plan.changes.size(),
        (int) plan.changes.stream().filter(c -> c.person() >= plan.shoppers).count(), reviews,
        decisions.score(plan, shopperIds, start), pushMillis);
    writeTruth(start, receipts);
    out.println(score);
    return score;
  }

  private void writeTruth(long start, List<Map<String, Integer>> receipts) throws IOException {
    JsonArray shoppers = new JsonArray();
    List<Map<String, Integer>> truth = plan.truth();
    for (int i = 0; i < shopperIds.size(); i++) {
      shoppers.add(new JsonObject().put("name", names.get(i)).put("shopper_id", shopperIds.get(i))
          .put("photo", people.get(i).photoName()).put("entered_ms", plan.enterAt[i]).put("exited_ms", plan.exitAt[i])
          .put("took", new JsonObject(new LinkedHashMap<>(truth.get(i))))
          .put("receipt", new JsonObject(new LinkedHashMap<>(receipts.get(i)))));
    }
    JsonArray changes = new JsonArray();
    plan.changes.forEach(c -> changes.add(new JsonObject().put("at_ms", c.at()).put("row", plan.rows.get(c.row()).rowId())
        .put("sku", plan.rows.get(c.row()).sku()).put("shelf_delta", c.delta()).put("by", c.person() < names.size() ? names.get(c.person()) : "stranger " + (c.person() - names.size() + 1))));
    JsonArray rows = new JsonArray();
    plan.rows.forEach(row -> rows.add(new JsonObject().put("row", row.rowId()).put("sku", row.sku())
        .put("stock", row.capacity())));
    Files.createDirectories(s.out());
    Path file = s.out().resolve("truth.json");
    Files.writeString(file, new JsonObject().put("seed", s.seed()).put("start_ms", start).put("rows", rows)
        .put("shoppers", shoppers).put("changes", changes).encodePrettily());
    out.println("simulate: ground truth and receipts in " + file);
  }
}
