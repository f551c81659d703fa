package org.ezshop.dist;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's headless Chromium through its ChromeDriver, with a fake camera for getUserMedia. */
final class Browser {

  private Browser() {
  }

  /** @param windowSize "width,height" in CSS pixels */
  static ChromeDriver open(String windowSize) throws Exception {
    ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium").addArguments("--headless=new",
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--window-size=" + windowSize,
        "--user-data-dir=" + Files.createTempDirectory("ezshop-chromium"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  static void screenshot(ChromeDriver browser, Path file) throws Exception {
    Files.createDirectories(file.getParent());
    Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
  }
}
