package org.ezshop.gateway.shelf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ezshop.common.v1.Calibration;
import org.ezshop.common.v1.SensorType;
import org.ezshop.edge.v1.Dropout;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.gateway.Notices;
import org.ezshop.gateway.state.GatewayState;
import org.ezshop.gateway.state.StatePlace;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.ShelfRow;
import org.ezshop.store.v1.ShelfSensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scripted sensor streams with realistic noise, as readings through the shelf intake and processing the gateway runs. */
class ShelfScenarioTest {

  private static final long STABLE_MS = 600;
  // Ultrasonic row: empty at 600 mm, 60 mm per item, 8 at most. 20 samples a second, ±10 mm jitter.
  private static final ShelfRow SODA = row("soda-row", "soda", "us-1", SensorType.SENSOR_TYPE_ULTRASONIC,
      Calibration.newBuilder().setEmptyDistanceMm(600).setItemDepthMm(60).setCapacity(8).build());
  // Load-cell row: 50 g tare, 60 g per item. 10 samples a second, ±1.5 g noise.
  private static final ShelfRow NUTS = row("nuts-row", "nuts", "lc-1", SensorType.SENSOR_TYPE_WEIGHT,
      Calibration.newBuilder().setTareG(50).setUnitWeightG(60).setCapacity(10).build());

  private final Random noise = new Random(42);
  private final Shelves shelves = new Shelves(STABLE_MS, levels(GatewayState.inMemory()));
  private final List<ShelfChange> changes = new ArrayList<>();
  private final List<String> notices = new ArrayList<>();
  private final ShelfIntake intake = new ShelfIntake(shelves, change -> {
    changes.add(change);
    return Future.succeededFuture();
  });
  private long now = 1_700_000_000_000L;

  ShelfScenarioTest() {
    shelves.layout(new ShelfLayout(List.of(SODA, NUTS), List.of()));
  }

  private static ShelfRow row(String id, String sku, String sensor, SensorType type, Calibration calibration) {
    return ShelfRow.newBuilder().setRowId(id).setSku(sku).setCalibration(calibration)
        .addSensors(ShelfSensor.newBuilder().setSensorId(sensor).setType(type).setDeviceId("pi-1")).build();
  }

  /** {@code ms} of ultrasonic samples with {@code items} on the row. */
  private void ultrasonic(int items, long ms) {
    for (long end = now + ms; now < end; now += 50) {
      feed("us-1", 600 - 60 * items + (noise.nextDouble() * 20 - 10));
    }
  }

  /** A hand in front of the sensor: readings far nearer than any item, scattered. */
  private void hand(long ms) {
    for (long end = now + ms; now < end; now += 50) {
      feed("us-1", 80 + noise.nextDouble() * 120);
    }
  }

  /** {@code ms} of weight samples with {@code items} on the row, plus {@code drift} grams. */
  private void weight(int items, long ms, double drift) {
    for (long end = now + ms; now < end; now += 100) {
      feed("lc-1", 50 + 60 * items + drift + (noise.nextDouble() * 3 - 1.5));
    }
  }

  /** Lifting or placing: the load swings while a hand is on the row. */
  private void handling(int from, int to, long ms) {
    for (long end = now + ms; now < end; now += 100) {
      feed("lc-1", 50 + 60 * (noise.nextBoolean() ? from : to) + noise.nextGaussian() * 40);
    }
  }

  /** {@code ms} of samples the sensor could not take: dropout readings. */
  private void dropouts(String sensor, long ms) {
    for (long end = now + ms; now < end; now += 50) {
      feed(reading(sensor).setDropout(Dropout.newBuilder().setReason("echo timeout")));
    }
  }

  private void feed(String sensor, double value) {
    Reading.Builder reading = reading(sensor);
    if (sensor.startsWith("us-")) {
      reading.setDistanceMm((float) value);
    } else {
      reading.setWeightG((float) value);
    }
    feed(reading);
  }

  private Reading.Builder reading(String sensor) {
    return Reading.newBuilder().setSensorId(sensor).setCapturedAt(EpochMillis.timestamp(now));
  }

  // As the pi-1 shelf agent sends it, one reading a batch, its clock in step with the gateway's.
  private void feed(Reading.Builder reading) {
    intake.accept("pi-1", ReadingBatch.newBuilder().addReadings(reading).build(), 0,
        new Notices((kind, seq, field, message) -> notices.add(field + ": " + message), 1, "readings"));
  }

  private List<Integer> deltas() {
    List<Integer> deltas = new ArrayList<>();
    changes.forEach(c -> deltas.add(c.delta()));
    return deltas;
  }

  @Test
  void onePickGivesExactlyMinusOne() {
    ultrasonic(5, 3000);
    hand(400);
    ultrasonic(4, 3000);
    assertEquals(List.of(-1), deltas());
    assertEquals("soda", changes.get(0).sku());
    assertEquals(4, changes.get(0).level());
  }

  @Test
  void anUltrasonicPickWithAHandInTheBeamForASecondIsStampedAtItsOnset() {
    ultrasonic(5, 3000);
    long onset = now;
    hand(1000); // the hand in the beam, now and then reading as a full row (80 mm: 8.7 items)
    long settledFrom = now;
    ultrasonic(4, 3000);
    assertEquals(List.of(-1), deltas());
    ShelfChange pick = changes.get(0);
    assertTrue(Math.abs(pick.onsetMillis() - onset) <= 150, "onset " + (pick.onsetMillis() - onset)
        + " ms from the true onset");
    assertTrue(pick.settledMillis() >= settledFrom + STABLE_MS, "settled once the new level held");
  }

  @Test
  void aLoadCellPickAndALightPickAreStampedWhereTheSignalLeftItsLevel() {
    weight(6, 3000, 0);
    long onset = now;
    handling(6, 5, 800);
    weight(5, 3000, 0);
    assertEquals(List.of(-1), deltas());
    assertTrue(Math.abs(changes.get(0).onsetMillis() - onset) <= 150, "load cell: "
        + (changes.get(0).onsetMillis() - onset) + " ms");

    Shelves slot = new Shelves(STABLE_MS, levels(GatewayState.inMemory()));
    slot.layout(new ShelfLayout(List.of(row("gum-slot", "gum", "ldr-1", SensorType.SENSOR_TYPE_LIGHT,
        Calibration.getDefaultInstance())), List.of()));
    ShelfChange change = null;
    long leftAt = 0;
    for (int i = 0; i < 100 && change == null; i++, now += 50) {
      boolean flicker = i >= 50 && i < 56 && i % 2 == 1; // the hand half covers the gate, then the item is gone
      if (i == 50) {
        leftAt = now;
      }
      change = slot.slot("ldr-1").offer(now, i < 50 || flicker ? 1 : 0);
    }
    assertEquals(-1, change.delta());
    assertTrue(Math.abs(change.onsetMillis() - leftAt) <= 150, "light: " + (change.onsetMillis() - leftAt) + " ms");
  }

  @Test
  void twoItemsLiftedTogetherGiveMinusTwo() {
    ultrasonic(5, 3000);
    hand(300);
    ultrasonic(3, 3000);
    weight(6, 3000, 0);
    handling(6, 4, 500);
    weight(4, 3000, 0);
    assertEquals(List.of(-2, -2), deltas());
  }

  @Test
  void aPutBackGivesPlusOne() {
    ultrasonic(4, 3000);
    hand(400);
    ultrasonic(5, 3000);
    weight(3, 3000, 0);
    handling(3, 4, 600);
    weight(4, 3000, 0);
    assertEquals(List.of(1, 1), deltas());
  }

  @Test
  void aHoveringHandGivesNothing() {
    ultrasonic(5, 3000);
    hand(450);
    ultrasonic(4, 3000);
    assertEquals(List.of(-1), deltas(), "the same hand that does take an item gives the change");
    changes.clear();
    hand(150); // a brief spike
    ultrasonic(4, 2000);
    hand(450); // a longer look at the row
    ultrasonic(4, 3000);
    assertEquals(List.of(), deltas());
    assertEquals(List.of(), notices);
  }

  @Test
  void halfASecondOfDroppedSamplesGivesNothing() {
    ultrasonic(5, 3000);
    hand(400);
    ultrasonic(4, 3000);
    assertEquals(List.of(-1), deltas(), "the same row gives the change when an item does go");
    changes.clear();
    dropouts("us-1", 500);
    ultrasonic(4, 3000);
    dropouts("us-1", 500);
    hand(400); // a reach amid the dropouts still counts
    dropouts("us-1", 300);
    ultrasonic(3, 3000);
    assertEquals(List.of(-1), deltas(), "dropouts are no level of their own");
    assertEquals(List.of(), notices, "a dropout is a reading, not a problem");
  }

  @Test
  void aReadingTheSensorCannotGiveIsRefusedWithANoticeAndTheRestStillCount() {
    ultrasonic(5, 3000);
    feed(reading("us-1").setWeightG(120));
    feed(reading("lc-9").setDistanceMm(100));
    feed("us-1", Double.NaN);
    hand(400);
    ultrasonic(4, 3000);
    assertEquals(List.of(-1), deltas());
    assertEquals(List.of("readings[0].weight_g: not a value a SENSOR_TYPE_ULTRASONIC sensor reports",
        "readings[0].sensor_id: sensor 'lc-9' is not in this device's shelf layout",
        "readings[0].distance_mm: must be finite and >= 0, not NaN"), notices);
  }

  @Test
  void aWeightDriftOfFiveGramsAMinuteForTenMinutesGivesNothing() {
    long start = now;
    for (int second = 0; second < 600; second++) {
      weight(7, 1000, 5.0 * (now - start) / 60_000); // 50 g by the end: most of one 60 g item
    }
    assertEquals(List.of(), deltas());
    handling(7, 6, 500);
    weight(6, 3000, 50); // and a real pick after the drift still counts once
    assertEquals(List.of(-1), deltas());
  }

  @Test
  void aLightSlotIsDebouncedIntoOneChangePerPresenceChange() {
    Shelves slot = new Shelves(STABLE_MS, levels(GatewayState.inMemory()));
    slot.layout(new ShelfLayout(List.of(row("gum-slot", "gum", "ldr-1", SensorType.SENSOR_TYPE_LIGHT,
        Calibration.getDefaultInstance())), List.of()));
    int[] script = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    List<Integer> deltas = new ArrayList<>();
    for (int i = 0; i < 40; i++, now += 50) { // present from the start: the first level is 1
      assertEquals(null, slot.slot("ldr-1").offer(now, 1));
    }
    for (int dark : script) { // 20 samples a second: a flicker of 150 ms, then the item taken for good
      ShelfChange change = slot.slot("ldr-1").offer(now, dark);
      if (change != null) {
        deltas.add(change.delta());
      }
      now += 50;
    }
    assertEquals(List.of(-1), deltas);
  }

  @Test
  void aHandOverAnEmptyLightSlotForASecondIsNoPutBackAnItemLeftThereIs() {
    Shelves slot = new Shelves(STABLE_MS, levels(GatewayState.inMemory()));
    slot.layout(new ShelfLayout(List.of(row("gum-slot", "gum", "ldr-1", SensorType.SENSOR_TYPE_LIGHT,
        Calibration.getDefaultInstance())), List.of(Item.newBuilder().setSku("gum").setStock(0).build())));
    List<Integer> deltas = new ArrayList<>();
    long putAt = 0;
    // empty 2 s, a hand over the slot for the longest reach, empty 2 s, then an item put there
    for (long[] spell : new long[][] {{0, 2000}, {1, RowSignal.Light.REACH_MILLIS}, {0, 2000}, {1, 3000}}) {
      putAt = now;
      for (long end = now + spell[1]; now < end; now += 50) {
        ShelfChange change = slot.slot("ldr-1").offer(now, spell[0]);
        if (change != null) {
          deltas.add(change.delta());
          assertEquals(putAt, change.onsetMillis(), "dated where the slot went dark");
        }
      }
    }
    assertEquals(List.of(1), deltas);
  }

  @Test
  void aLoadCellsFirstLevelAfterAStartIsDatedFromTheHandNotFromTheStart() {
    Shelves started = new Shelves(STABLE_MS, levels(GatewayState.inMemory()));
    started.layout(new ShelfLayout(List.of(NUTS), List.of(Item.newBuilder().setSku("nuts").setStock(6).build())));
    List<ShelfChange> seen = new ArrayList<>();
    long handAt = 0;
    for (int i = 0; i < 50; i++, now += 100) { // 1.3 s still at 6: no level yet, then a pick
      if (i == 13) {
        handAt = now;
      }
      double grams = i < 13 ? 50 + 60 * 6 + noise.nextDouble() - 0.5 : i < 21 ? 50 + 60 * (noise.nextBoolean() ? 6 : 5)
          + noise.nextGaussian() * 40 : 50 + 60 * 5 + noise.nextDouble() - 0.5;
      ShelfChange change = started.slot("lc-1").offer(now, grams);
      if (change != null) {
        seen.add(change);
      }
    }
    assertEquals(List.of(-1), seen.stream().map(ShelfChange::delta).toList());
    assertTrue(Math.abs(seen.get(0).onsetMillis() - handAt) <= 150, (seen.get(0).onsetMillis() - handAt) + " ms");
  }

  @Test
  void aLoadCellsDriftLearntBeforeARestartIsKeptAndItsCountReadTheSame(@TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      StatePlace place = new StatePlace.Directory(dir);
      Item seven = Item.newBuilder().setSku("nuts").setStock(7).build();
      Shelves before = new Shelves(STABLE_MS, levels(vertx, GatewayState.open(vertx, place).await(10,
          TimeUnit.SECONDS)));
      before.layout(new ShelfLayout(List.of(NUTS), List.of(seven)));
      List<ShelfChange> seen = new ArrayList<>();
      double drift = 0;
      for (; drift < 40; drift += 0.01, now += 100) { // 40 g (two thirds of an item) over 7 minutes, followed
        ShelfChange change = before.slot("lc-1").offer(now, 50 + 60 * 7 + drift + noise.nextDouble() - 0.5);
        assertEquals(null, change);
      }
      RowLevels kept = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (kept == null || !(kept.learnt("lc-1", 50) >= 50 + drift - 3) && System.nanoTime() < deadline) {
        kept = levels(vertx, GatewayState.open(vertx, place).await(10, TimeUnit.SECONDS)); // written unwaited
        kept.load().await(10, TimeUnit.SECONDS);
      }
      assertTrue(kept.learnt("lc-1", 50) >= 50 + drift - 3, "kept " + kept.learnt("lc-1", 50));
      assertTrue(Double.isNaN(kept.learnt("lc-1", 55)), "a new calibration starts from its own tare");
      Shelves after = new Shelves(STABLE_MS, kept);
      after.layout(new ShelfLayout(List.of(NUTS), List.of(seven)));
      for (int i = 0; i < 50; i++, now += 100) {
        ShelfChange change = after.slot("lc-1").offer(now, 50 + 60 * 7 + drift + noise.nextDouble() - 0.5);
        if (change != null) {
          seen.add(change);
        }
      }
      assertEquals(List.of(), seen.stream().map(ShelfChange::delta).toList(), "7 items, drifted, are still 7");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Rows' levels kept in this state (with no timers: in memory nothing fails to be kept); changes go no further. */
  private static RowLevels levels(GatewayState state) {
    return levels(null, state);
  }

  private static RowLevels levels(Vertx vertx, GatewayState state) {
    return new RowLevels(vertx, state.area("levels"), change -> Future.succeededFuture());
  }

  @Test
  void afterARestartTheFirstLevelIsComparedWithTheLevelKeptNotWithTheStockThatLagsAPendingPick(@TempDir Path dir)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      StatePlace place = new StatePlace.Directory(dir);
      RowLevels before = levels(vertx, GatewayState.open(vertx, place).await(10, TimeUnit.SECONDS));
      before.accept(new ShelfChange("soda-row", "soda", "us-1", -1, 5, now, now + 600, 1, List.of()))
          .await(10, TimeUnit.SECONDS); // a pick from 6 to 5, acked; the gateway stops before deciding it
      RowLevels kept = levels(vertx, GatewayState.open(vertx, place).await(10, TimeUnit.SECONDS));
      kept.load().await(10, TimeUnit.SECONDS);
      Shelves restarted = new Shelves(STABLE_MS, kept);
      restarted.layout(new ShelfLayout(List.of(SODA), List.of(Item.newBuilder().setSku("soda").setStock(6).build())));
      List<ShelfChange> seen = new ArrayList<>();
      for (int items : new int[] {5, 4}) { // the same 5 the pick left, then another pick
        for (int i = 0; i < 40; i++, now += 50) {
          ShelfChange change = restarted.slot("us-1").offer(now, 600 - 60 * items + noise.nextDouble() * 20 - 10);
          if (change != null) {
            seen.add(change);
          }
        }
      }
      assertEquals(List.of(-1), seen.stream().map(ShelfChange::delta).toList(), "the kept pick not measured again");
      assertEquals(4, seen.get(0).level());
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRowCalibratedAnewTakesItsFirstLevelAsItsBaselineAndCountsPicksFromThere() {
    ultrasonic(5, 1000); // the first level: 5, the baseline
    ultrasonic(4, 1000);
    assertEquals(List.of(-1), changes.stream().map(ShelfChange::delta).toList());
    // Emptied for Tare: 700 mm is past the 600 the row was set up with, so no level; then saved as 700.
    for (long end = now + 1000; now < end; now += 50) {
      feed("us-1", 700 + noise.nextDouble() * 20 - 10);
    }
    shelves.layout(new ShelfLayout(List.of(SODA.toBuilder().setCalibration(SODA.getCalibration().toBuilder()
        .setEmptyDistanceMm(700)).build(), NUTS), List.of()));
    for (long end = now + 1000; now < end; now += 50) {
      feed("us-1", 700 + noise.nextDouble() * 20 - 10);
    }
    assertEquals(0, shelves.slot("us-1").state().level());
    for (long end = now + 1000; now < end; now += 50) { // restocked with 3, then one picked
      feed("us-1", 700 - 60 * 3 + noise.nextDouble() * 20 - 10);
    }
    for (long end = now + 1000; now < end; now += 50) {
      feed("us-1", 700 - 60 * 2 + noise.nextDouble() * 20 - 10);
    }
    assertEquals(List.of(-1, 3, -1), changes.stream().map(ShelfChange::delta).toList(),
        "emptying and calibrating sold nothing; the row counts from its new baseline");
  }

  @Test
  void theFirstLevelIsComparedWithTheRecordedStock() {
    Shelves restarted = new Shelves(STABLE_MS, levels(GatewayState.inMemory()));
    restarted.layout(new ShelfLayout(List.of(SODA), List.of(Item.newBuilder().setSku("soda").setStock(6).build())));
    ShelfChange change = null;
    for (int i = 0; i < 40 && change == null; i++, now += 50) {
      change = restarted.slot("us-1").offer(now, 600 - 60 * 5 + noise.nextDouble() * 20 - 10);
    }
    assertEquals(-1, change.delta(), "a pick made while the gateway was down");
  }
}
