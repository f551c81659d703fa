package org.ezshop.dist;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium through its ChromeDriver, with a fake camera for getUserMedia; with {@code ca}, it
 * resolves {@link #HOST} to 127.0.0.1 and trusts certificate chains that hold that CA's key.
 */
final class Browser {

  private Browser() {
  }

  /** A host name that is not localhost, so the pages get no exemption from needing HTTPS for the camera. */
  static final String HOST = "ezshop.test";

  /** @param windowSize "width,height" in CSS pixels */
  static ChromeDriver open(String windowSize) throws Exception {
    return open(windowSize, null);
  }

  static ChromeDriver open(String windowSize, Path ca) throws Exception {
    ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium").addArguments("--headless=new",
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--window-size=" + windowSize,
        "--user-data-dir=" + Files.createTempDirectory("ezshop-chromium"));
    if (ca != null) {
      byte[] spki = LocalCa.read(ca).getPublicKey().getEncoded();
      options.addArguments("--host-resolver-rules=MAP " + HOST + " 127.0.0.1", "--ignore-certificate-errors-spki-list="
          + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki)));
    }
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  static void screenshot(ChromeDriver browser, Path file) throws Exception {
    Files.createDirectories(file.getParent());
    Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
  }

  /** One section of the page, scrolled into view. */
  static void screenshot(ChromeDriver browser, String section, Path file) throws Exception {
    Files.createDirectories(file.getParent());
    org.openqa.selenium.WebElement element = browser.findElement(org.openqa.selenium.By.cssSelector(
        "section[aria-labelledby='" + section + "-title']"));
    browser.executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
    Files.write(file, element.getScreenshotAs(OutputType.BYTES));
  }

  /** Lists are re-rendered on every event: an element found a moment ago may be gone, so the wait looks again. */
  static WebDriverWait waitOn(ChromeDriver browser, Duration timeout) {
    WebDriverWait wait = new WebDriverWait(browser, timeout);
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  static String text(ChromeDriver browser, String id) {
    return browser.findElement(By.id(id)).getText();
  }

  /** Registers a shopper through the dashboard's form with the photo file, and waits for the result. */
  static void register(ChromeDriver dashboard, String name, Path photo, String expected) {
    dashboard.findElement(By.id("shopper-name")).sendKeys(name);
    dashboard.findElement(By.id("shopper-photo")).sendKeys(photo.toAbsolutePath().toString());
    dashboard.findElement(By.cssSelector("#register button[type='submit']")).click();
    waitOn(dashboard, Duration.ofSeconds(20)).until(d -> text(dashboard, "register-result").startsWith(expected));
    if (expected.startsWith("Not")) {
      dashboard.findElement(By.id("shopper-name")).clear();
    }
  }
}
