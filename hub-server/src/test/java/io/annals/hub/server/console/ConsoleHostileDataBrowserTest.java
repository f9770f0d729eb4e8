package io.annals.hub.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.TestApiKeys;
import io.annals.hub.server.TestEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events written to attack the page (script tags, event-handler attributes, {@code javascript:}
 * URLs, attempts around the Content-Security-Policy such as loading the console's own script
 * again, a {@code <base>} or a meta refresh) in ids, services, types, aggregate and correlation ids,
 * payload member names and values: every view shows them as text and nothing runs. The test
 * listens for dialogs, script errors, CSP violations and the browser's console errors, and
 * inspects the DOM for any element or attribute the data could have brought in.
 */
class ConsoleHostileDataBrowserTest {

  /** Each sets window.__pwned or opens a dialog if it ever runs. */
  static final List<String> HOSTILE = List.of(
      "<script>window.__pwned='script';alert('script')</script>",
      "<img src=x onerror=\"window.__pwned='img';alert('img')\">",
      "\"><svg onload=\"window.__pwned='svg'\">",
      "javascript:window.__pwned='js-url';alert('js-url')",
      "<a href=\"javascript:alert('link')\" id=\"hostile-link\">click</a>",
      "<iframe srcdoc=\"<script>parent.__pwned='frame'</script>\"></iframe>",
      "<script src=\"/console/console.js\"></script>",
      "<base href=\"https://evil.example/\"><meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('meta')\">",
      "<style>body{display:none}</style><link rel=\"stylesheet\" href=\"https://evil.example/x.css\">",
      "{{constructor.constructor('window.__pwned=1')()}}${alert('template')}",
      "</code></pre><b onmouseover=\"alert('pre')\" id=\"hostile-b\">hover</b>");

  @RegisterExtension static final ConsoleFixture CONSOLE = new ConsoleFixture(ConsoleHostileDataBrowserTest::publish);
  static ConsoleHub hub;
  static ConsoleBrowser browser;
  static final List<String> ids = new ArrayList<>();
  static List<String> seeded;

  static void publish(ConsoleHub started, ConsoleBrowser opened) throws Exception {
    hub = started;
    browser = opened;
    ArrayNode batch = TestEvents.JSON.createArrayNode();
    for (int i = 0; i < HOSTILE.size(); i++) {
      batch.add(hostile(HOSTILE.get(i), "2026-01-01T10:0" + (i % 10) + ":00.000Z"));
    }
    hub.publish(batch.toString());
    hub.awaitLedger(HOSTILE.size());
    seeded = List.copyOf(ids);
  }

  static ObjectNode hostile(String h, String createdAt) {
    ObjectNode e = ConsoleHub.event(h, h, h, h, createdAt);
    ids.add(e.get("id").asText());
    e.with("payload").put(h, h).put("html", h).putObject("nested").put("x", h);
    return e;
  }

  @Test
  void search_results_show_hostile_services_types_and_aggregates_as_text() {
    browser.go("#search");
    String view = browser.viewShows("Page 1: " + ids.size() + " events");
    HOSTILE.forEach(h -> assertThat(view).contains(h));
    nothingRan("search");
    browser.screenshots("hostile-search");
  }

  @Test
  void hostile_filters_in_the_fragment_are_form_values_and_text() {
    for (String h : HOSTILE) {
      browser.go("#search?service=" + ConsoleViewsBrowserTest.enc(h) + "&type=" + ConsoleViewsBrowserTest.enc(h));
      browser.viewShows("Page 1: " + (ids.size() / HOSTILE.size()) + " event");
      assertThat(browser.one("#search-service").getAttribute("value")).isEqualTo(h);
      nothingRan("search for " + h);
    }
  }

  @Test
  void an_event_shows_hostile_members_as_text_and_its_proof_still_verifies() {
    for (String id : seeded) {
      browser.go("#event?id=" + id);
      browser.waitFor("the proof's verdict", d -> !browser.text("#proof-verdict").isEmpty());
      assertThat(browser.text("#proof-verdict")).startsWith("Verified");
      String view = browser.text("#view");
      String h = HOSTILE.get(seeded.indexOf(id));
      assertThat(view).contains(h);
      nothingRan("event " + id);
    }
    browser.screenshots("hostile-event");
  }

  @Test
  void playback_and_correlation_of_hostile_ids_show_them_as_text() throws Exception {
    for (String h : HOSTILE) {
      browser.go("#aggregate?id=" + ConsoleViewsBrowserTest.enc(h));
      browser.viewShows((ids.size() / HOSTILE.size()) + " event");
      assertThat(browser.text("#step-state")).contains("\"html\": " + TestEvents.JSON.writeValueAsString(h));
      assertThat(browser.text("#view h2")).contains(h);
      nothingRan("playback of " + h);
      browser.go("#correlation?id=" + ConsoleViewsBrowserTest.enc(h));
      browser.viewShows((ids.size() / HOSTILE.size()) + " event");
      assertThat(browser.text("#lanes")).contains(h);
      nothingRan("correlation " + h);
    }
  }

  @Test
  void hostile_event_ids_in_the_fragment_are_refused_as_text_without_a_request() {
    for (String h : HOSTILE) {
      browser.go("#event?id=" + ConsoleViewsBrowserTest.enc(h));
      assertThat(browser.viewShows("Not an event id")).contains(h);
      nothingRan("event id " + h);
    }
  }

  @Test
  void the_live_tail_shows_hostile_events_as_text() {
    browser.go("#live");
    browser.waitFor("the tail to follow the feed", d -> browser.text("#tail-status").startsWith("Following the feed"));
    ArrayNode batch = TestEvents.JSON.createArrayNode();
    HOSTILE.forEach(h -> batch.add(hostile(h, java.time.Instant.now().toString())));
    hub.publish(batch.toString());
    browser.waitFor("the hostile events in the tail", d -> browser.all("#tail-rows tr").size() == HOSTILE.size());
    HOSTILE.forEach(h -> assertThat(browser.text("#tail-rows")).contains(h));
    browser.one("#tail-filter").sendKeys("<script>");
    nothingRan("live tail");
    browser.screenshots("hostile-live");
  }

  /** No dialog, no script error, no CSP violation, no console error, and the DOM holds only the console's own elements. */
  private static void nothingRan(String where) {
    assertThat(browser.dialogOpen()).as("a dialog is open after " + where).isFalse();
    Map<String, List<String>> probe = browser.probe();
    assertThat(probe.get("dialogs")).as("dialogs called in " + where).isEmpty();
    assertThat(probe.get("errors")).as("script errors in " + where).isEmpty();
    assertThat(probe.get("violations")).as("CSP violations in " + where).isEmpty();
    assertThat(browser.consoleErrors()).as("console errors in " + where).isEmpty();
    assertThat(browser.script("return window.__pwned === undefined && parent.__pwned === undefined;")).as(where).isEqualTo(true);
    assertThat(browser.script("return Array.from(document.scripts, s => s.getAttribute('src'));"))
        .as("scripts in " + where).isEqualTo(List.of("/console/console.js"));
    assertThat(browser.all("img, iframe, base, meta[http-equiv], style, object, embed, #hostile-link, #hostile-b, form[action]"))
        .as("elements brought in by data in " + where).isEmpty();
    assertThat(browser.script("return Array.from(document.querySelectorAll('link'), l => l.getAttribute('href'));"))
        .as("links in " + where).isEqualTo(List.of("/console/icon.svg", "/console/console.css"));
    assertThat(browser.script("""
        return Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes))
            .filter(a => /^on/i.test(a.name) || (URL_ATTRIBUTES.includes(a.name) && /^\\s*javascript:/i.test(a.value)))
            .map(a => a.name + '=' + a.value);
        """.replace("URL_ATTRIBUTES", "['href', 'src', 'action', 'formaction', 'srcdoc', 'xlink:href', 'data', 'poster']")))
        .as("event handler attributes or javascript: URLs in " + where).isEqualTo(List.of());
    assertThat(browser.script("return Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href'))"
        + ".filter(h => !h.startsWith('#'));")).as("links leaving the page in " + where).isEqualTo(List.of());
    assertThat(browser.driver().getTitle()).as(where).startsWith("Annals console: ");
  }
}
