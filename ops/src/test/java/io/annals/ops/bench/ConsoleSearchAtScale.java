package io.annals.ops.bench;

import io.annals.testsupport.HubProcess;
import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Issue 28's "with 10 M events stored, the search view's first page shows in under 1 s": a
 * measurement run by hand, not part of the build (its name is outside surefire's patterns, and it
 * needs ~6 GB of disk and minutes to load):
 *
 * <pre>
 * mvn -B -q -o test -pl ops -am -Dtest=ConsoleSearchAtScale -Dsurefire.failIfNoSpecifiedTests=false \
 *     [-Dconsole.scale.events=10000000] [-Dconsole.scale.dir=/tmp/console-scale]
 * </pre>
 *
 * <p>It loads the bench's history (RawSqlite.loadHistory: events received over the past year, the
 * bench's services, types, aggregates and correlations) into a store, starts a real hub on it
 * ({@code --ledger off}: the search does not read the ledger, and appending 10 M leaves would take
 * the machine for minutes), and in Debian's headless Chromium times, inside the page, from the
 * change of the fragment to the first page's rows on screen (the console's request, the hub's
 * answer, JSON decoding and rendering). Beside each: the same query's API answer alone, from Java,
 * in the same run (the baseline). Figures are printed and go into docs/console.md by hand.
 */
class ConsoleSearchAtScale {

  private static final int RUNS = 7;

  @Test
  void first_search_page_at_scale() throws Exception {
    long events = Long.getLong("console.scale.events", 10_000_000L);
    Path dir = Path.of(System.getProperty("console.scale.dir", "target/console-scale"));
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    try (RawSqlite raw = RawSqlite.open(data)) {
      long have = raw.count();
      if (have != events) {
        if (have != 0) {
          throw new IllegalStateException(data + " holds " + have + " events, not " + events + ": remove it first");
        }
        long start = System.nanoTime();
        raw.loadHistory(new EventGenerator(28, System.currentTimeMillis() - 400L * 86_400_000L), events);
        System.out.printf("console-scale: loaded %,d events in %.0f s%n", events, (System.nanoTime() - start) / 1e9);
      }
    }
    long startHub = System.nanoTime();
    try (HubProcess hub = HubProcess.builder(dir.resolve("hub.log")).dataDir(data).args("--ledger", "off")
        .jvmArgs(List.of("-Xmx1g")).readyWithin(Duration.ofMinutes(30)).start()) {
      System.out.printf("console-scale: hub ready on %,d events after %.0f s%n", events, (System.nanoTime() - startHub) / 1e9);
      String mid = Instant.now().minus(Duration.ofDays(180)).toString();
      Map<String, String> queries = new LinkedHashMap<>();
      queries.put("everything (oldest first)", "");
      queries.put("service=shipping", "service=shipping");
      queries.put("type=parcel-sent", "type=parcel-sent");
      queries.put("aggregate_id=payment/4242", "aggregate_id=" + enc("payment/4242"));
      queries.put("correlation_id=checkout/4242", "correlation_id=" + enc("checkout/4242"));
      queries.put("received_after=180 days ago", "received_after=" + enc(mid));
      queries.put("service=shop&received_after=180 days ago", "service=shop&received_after=" + enc(mid));
      ChromeDriver driver = chromium();
      try {
        driver.get(hub.url() + "/console#feed");
        driver.executeScript("sessionStorage.setItem('annals.console.key', 'no-keys-file-any-key-will-do');");
        List<String> lines = new ArrayList<>();
        boolean first = true;
        for (Map.Entry<String, String> q : queries.entrySet()) {
          List<Double> browser = new ArrayList<>();
          List<Double> api = new ArrayList<>();
          for (int run = 0; run < RUNS; run++) {
            double ms = page(driver, "#search?" + q.getValue() + (q.getValue().isEmpty() ? "" : "&") + "r=" + run);
            if (first) {
              lines.add(String.format("cold first page (%s): %.0f ms in the browser", q.getKey(), ms));
              first = false;
            }
            browser.add(ms);
            api.add(api(hub.url() + "/events?limit=50" + (q.getValue().isEmpty() ? "" : "&" + q.getValue())));
          }
          lines.add(String.format("%-44s browser median %6.0f ms  max %6.0f ms | API alone median %6.0f ms  max %6.0f ms",
              q.getKey(), median(browser), max(browser), median(api), max(api)));
        }
        System.out.printf("console-scale: %,d events stored, %d runs per query (first run included)%n", events, RUNS);
        lines.forEach(l -> System.out.println("console-scale: " + l));
      } finally {
        driver.quit();
      }
    }
  }

  /** Milliseconds, measured in the page, from setting {@code fragment} to the first page (or its empty state) on screen. */
  private static double page(ChromeDriver driver, String fragment) {
    Object ms = driver.executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        const view = document.getElementById('view');
        view.replaceChildren();
        const t0 = performance.now();
        location.hash = arguments[0];
        (function check() {
          const text = view.textContent;
          if (view.querySelector('tbody tr') || text.includes('No events match') || text.includes('refused')
              || text.includes('did not')) {
            done(performance.now() - t0);
          } else {
            requestAnimationFrame(check);
          }
        })();
        """, fragment);
    String shown = (String) driver.executeScript("return document.getElementById('view').textContent;");
    if (!shown.contains("Page 1: 50 events") && !shown.contains("Page 1:")) {
      throw new IllegalStateException("the search did not show a page: " + shown);
    }
    return ((Number) ms).doubleValue();
  }

  private static double api(String url) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long start = System.nanoTime();
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    double ms = (System.nanoTime() - start) / 1e6;
    if (answer.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + answer.statusCode() + ": " + answer.body());
    }
    return ms;
  }

  private static ChromeDriver chromium() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(new File("/usr/bin/chromium"));
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1280,800");
    options.setScriptTimeout(Duration.ofMinutes(2));
    return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
        .usingAnyFreePort().build(), options);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
