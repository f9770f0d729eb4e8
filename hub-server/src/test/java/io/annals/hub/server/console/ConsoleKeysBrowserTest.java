package io.annals.hub.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.TestApiKeys;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console uses the API's keys and roles: a reader key sees data, a producer key gets a clear
 * refusal, no key gets no data (and no request for any); the key is never in a URL the browser
 * requested, as the browser's own network log (DevTools performance log) shows, while that same log
 * shows it in the Authorization header.
 */
class ConsoleKeysBrowserTest {

  static final List<String> VIEWS = List.of("#search", "#live", "#catalog", "#feed", "#ledger",
      "#aggregate?id=order%2F7", "#correlation?id=checkout%2F99");

  @TempDir static Path dir;
  static ConsoleHub hub;
  static ConsoleBrowser browser;
  static String id;

  @BeforeAll
  static void start() throws Exception {
    ConsoleBrowser.requireChromium();
    hub = ConsoleHub.start(dir);
    var event = ConsoleHub.event("shop", "order-placed", "order/7", "checkout/99", "2026-01-01T10:00:00.000Z");
    id = event.get("id").asText();
    hub.publish(event.toString());
    hub.awaitLedger(1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (hub != null) {
      hub.close();
    }
  }

  @Test
  void without_a_key_every_view_says_so_and_the_browser_asks_the_hub_for_nothing_but_the_page() {
    try (ConsoleBrowser b = ConsoleBrowser.start(hub.url())) {
      b.open("#search");
      assertThat(b.text("#key-state")).isEqualTo("No key: the console shows no data without one.");
      for (String view : VIEWS) {
        b.go(view);
        b.viewShows("No data without a key");
      }
      b.go("#event?id=" + id);
      b.viewShows("No data without a key");
      assertThat(b.all("#view table")).isEmpty();
      assertThat(b.requestedUrls()).filteredOn(url -> !url.equals("about:blank")).isNotEmpty().allSatisfy(url -> assertThat(url)
          .matches(hub.url() + "/console(/(console\\.js|console\\.css|icon\\.svg))?(#.*)?"));
      b.screenshots("no-key");
    }
  }

  @Test
  void a_producer_key_gets_a_clear_refusal_and_no_data() {
    try (ConsoleBrowser b = ConsoleBrowser.start(hub.url())) {
      b.open("#search");
      b.useKey(TestApiKeys.PRODUCER);
      String refusal = "Refused (403 Forbidden): this key may not read the history. The console needs a reader or admin"
          + " key; a producer key can only publish events.";
      assertThat(b.viewShows(refusal)).doesNotContain("order-placed");
      assertThat(b.all("#view tbody tr")).isEmpty();
      b.go("#event?id=" + id);
      assertThat(b.viewShows(refusal)).doesNotContain("order/7");
      b.go("#live");
      b.waitFor("the tail's refusal", d -> b.text("#tail-status").contains(refusal));
      b.screenshots("producer-key");
      b.forgetKey();
      b.useKey(TestApiKeys.WRONG);
      b.go("#search");
      b.viewShows("The hub did not accept this key (401 Unauthorized)");
    }
  }

  @Test
  void a_reader_key_sees_data_and_is_in_no_url_the_browser_requested() {
    try (ConsoleBrowser b = ConsoleBrowser.start(hub.url())) {
      b.open("#search");
      b.useKey(TestApiKeys.READER);
      assertThat(b.viewShows("Page 1: 1 event")).contains("order-placed");
      b.go("#event?id=" + id);
      b.waitFor("the proof's verdict", d -> b.text("#proof-verdict").startsWith("Verified"));
      for (String view : VIEWS) {
        b.go(view);
        b.waitFor(view, d -> !b.text("#view").contains("Loading"));
        assertThat(b.text("#view")).doesNotContain("No data without a key").doesNotContain("Refused");
      }
      b.go("#live");
      b.waitFor("the tail to follow the feed", d -> b.text("#tail-status").startsWith("Following the feed"));
      // Reload: the key stays for the tab (sessionStorage), not in the page's address.
      b.open("#search");
      b.viewShows("Page 1: 1 event");
      assertThat(b.driver().getCurrentUrl()).doesNotContain(TestApiKeys.READER);
      assertThat(b.script("return JSON.stringify(localStorage) + document.cookie;")).isEqualTo("{}");
      assertThat(b.script("return sessionStorage.getItem('annals.console.key');")).isEqualTo(TestApiKeys.READER);

      List<String> urls = b.requestedUrls();
      assertThat(urls).anySatisfy(url -> assertThat(url).contains("/events?"))
          .anySatisfy(url -> assertThat(url).contains("/ledger/proof/inclusion?"))
          .anySatisfy(url -> assertThat(url).contains("/feed?"))
          .allSatisfy(url -> assertThat(url).doesNotContain(TestApiKeys.READER)
              .doesNotContain(java.net.URLEncoder.encode(TestApiKeys.READER, java.nio.charset.StandardCharsets.UTF_8)));
      // The same log sees request headers: the key went as a bearer header, so its absence from URLs means something.
      List<JsonNode> withKey = b.networkEvents().stream()
          .filter(m -> m.path("params").path("request").path("headers").toString().contains("Bearer " + TestApiKeys.READER)
              || m.path("params").path("headers").toString().contains("Bearer " + TestApiKeys.READER))
          .toList();
      assertThat(withKey).isNotEmpty();
      assertThat(b.networkEvents()).allSatisfy(m -> assertThat(
          m.path("params").path("request").path("url").asText() + m.path("params").path("documentURL").asText()
              + m.path("params").path("headers").path("Referer").asText())
          .doesNotContain(TestApiKeys.READER));

      b.forgetKey();
      b.viewShows("No data without a key");
      assertThat(b.script("return sessionStorage.getItem('annals.console.key');")).isNull();
    }
  }
}
