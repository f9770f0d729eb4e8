package io.annals.hub.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.TestEvents;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromium-driver, for the console's tests. Both
 * paths are given explicitly, so Selenium Manager never looks for (or downloads) a browser or
 * driver. Without the two packages the test is aborted with a message saying so (and printed, so
 * that a run's output shows the skip); when they are there but the browser does not start, the
 * exception fails the test.
 *
 * <p>Every page gets a probe before its own scripts run (DevTools {@code
 * Page.addScriptToEvaluateOnNewDocument}): it records calls of alert/confirm/prompt/print, script
 * errors and Content-Security-Policy violations, which the hostile-data test reads back. The
 * browser's console and its network log ({@code goog:loggingPrefs}: browser, performance) are kept.
 */
final class ConsoleBrowser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final Dimension DESKTOP = new Dimension(1280, 800);
  static final Dimension PHONE = new Dimension(390, 844);
  static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

  private static final String PROBE = """
      (() => {
        const probe = { dialogs: [], errors: [], violations: [] };
        Object.defineProperty(window, '__annalsProbe', { value: probe });
        for (const name of ['alert', 'confirm', 'prompt', 'print']) {
          window[name] = (...args) => { probe.dialogs.push(name + '(' + args.join(',') + ')'); };
        }
        window.addEventListener('error', e => probe.errors.push(String(e.message)));
        document.addEventListener('securitypolicyviolation',
            e => probe.violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
      })();
      """;

  private final ChromeDriver driver;
  private final String hubUrl;
  private final List<LogEntry> network = new ArrayList<>();

  private ConsoleBrowser(ChromeDriver driver, String hubUrl) {
    this.driver = driver;
    this.hubUrl = hubUrl;
  }

  /** A browser at desktop size, pointed at nothing yet; aborts the test (saying why) without Chromium. */
  static ConsoleBrowser start(String hubUrl) {
    requireChromium();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--window-size=" + DESKTOP.width + "," + DESKTOP.height);
    // A dialog must stay open for the test to see it, not be dismissed by the driver.
    options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL", LogType.PERFORMANCE, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort()
        .withLogFile(new File("target", "chromedriver.log"))
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", PROBE));
    return new ConsoleBrowser(driver, hubUrl);
  }

  /** Aborts the calling test, saying so in the output, when Debian's chromium or chromium-driver is missing. */
  static void requireChromium() {
    requireChromium(CHROMIUM, DRIVER);
  }

  static void requireChromium(Path chromium, Path driver) {
    if (!Files.isExecutable(chromium) || !Files.isExecutable(driver)) {
      String why = "SKIPPED: the console's browser tests need Debian's chromium and chromium-driver (" + chromium + ", "
          + driver + "); `apt-get install chromium chromium-driver`, as ops/ci/check-ops.sh does in .ci/run";
      System.out.println(why);
      Assumptions.abort(why);
    }
  }

  WebDriver driver() {
    return driver;
  }

  /** Opens the console at {@code fragment} (e.g. {@code "#search"}) as a new page load. */
  void open(String fragment) {
    // A real load every time: from the same page, get() with another fragment would only move within the document.
    driver.get("about:blank");
    driver.get(hubUrl + "/console" + fragment);
    waitFor("the console's script to run", d -> !text("#key-state").isEmpty());
  }

  /** Goes to {@code fragment} within the loaded page, as a click on a link would. */
  void go(String fragment) {
    script("location.hash = arguments[0];", fragment);
  }

  void useKey(String key) {
    WebElement input = driver.findElement(By.id("key-input"));
    input.clear();
    input.sendKeys(key);
    driver.findElement(By.id("key-use")).click();
  }

  /** A fresh page with {@code key} in use and the console's log read up to here. */
  void signIn(String key) {
    open("#search");
    useKey(key);
    consoleErrors();
  }

  /** Closes each that is not null (what a failed {@code @BeforeAll} left), the first failure thrown. */
  static void closeAll(AutoCloseable... resources) throws Exception {
    Exception first = null;
    for (AutoCloseable r : resources) {
      try {
        if (r != null) {
          r.close();
        }
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  void forgetKey() {
    driver.findElement(By.id("key-forget")).click();
  }

  String text(String css) {
    List<WebElement> found = driver.findElements(By.cssSelector(css));
    return found.isEmpty() ? "" : found.get(0).getText();
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  WebElement one(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  /** The view's visible text once it holds {@code expected}; fails (with the text) after 30 s. */
  String viewShows(String expected) {
    waitFor("the view to show \"" + expected + "\"", d -> text("#view").contains(expected));
    return text("#view");
  }

  <T> T waitFor(String what, Function<WebDriver, T> condition) {
    return waitFor(what, Duration.ofSeconds(30), condition);
  }

  <T> T waitFor(String what, Duration within, Function<WebDriver, T> condition) {
    WebDriverWait wait = new WebDriverWait(driver, within, Duration.ofMillis(25));
    wait.withMessage(() -> "waited " + within.toMillis() + " ms for " + what + "; the view shows: " + text("#view"));
    return wait.until(condition);
  }

  Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  /** Saves a PNG of the window at {@code size} as target/console-screenshots/{name}-{w}x{h}.png. */
  Path screenshot(String name, Dimension size) {
    driver.manage().window().setSize(size);
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + "-" + size.width + "x" + size.height + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Screenshots at desktop and phone width, ending at desktop size. */
  void screenshots(String name) {
    screenshot(name, PHONE);
    screenshot(name, DESKTOP);
  }

  /** What the probe recorded on the current page: dialogs, script errors and CSP violations. */
  @SuppressWarnings("unchecked")
  Map<String, List<String>> probe() {
    return (Map<String, List<String>>) script("return window.__annalsProbe;");
  }

  /** True when a real JavaScript dialog is open. */
  boolean dialogOpen() {
    try {
      driver.switchTo().alert();
      return true;
    } catch (NoAlertPresentException e) {
      return false;
    }
  }

  /** Messages of the browser's console at level SEVERE since the last call. */
  List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
  }

  /** Every DevTools network event logged so far (Network.requestWillBeSent and the rest), as JSON. */
  List<JsonNode> networkEvents() {
    network.addAll(driver.manage().logs().get(LogType.PERFORMANCE).getAll());
    return network.stream().map(e -> TestEvents.parse(e.getMessage()).path("message"))
        .filter(m -> m.path("method").asText().startsWith("Network.")).toList();
  }

  /** Every URL the browser requested so far, from its own network log. */
  List<String> requestedUrls() {
    return networkEvents().stream().filter(m -> m.path("method").asText().equals("Network.requestWillBeSent"))
        .map(m -> m.path("params").path("request").path("url").asText()).toList();
  }

  @Override
  public void close() {
    driver.quit();
  }
}
