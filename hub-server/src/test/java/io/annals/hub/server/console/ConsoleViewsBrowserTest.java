package io.annals.hub.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.TestApiKeys;
import io.annals.hub.server.TestEvents;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * Every view of the console in a real headless Chromium against a real hub (child JVM) holding real
 * events: search with keyset paging, an event with its proof verified in the browser, an aggregate's
 * playback slider, a correlation's lanes, the live tail, the catalog, the feed and the ledger; and
 * a screenshot of each at 1280x800 and at phone width under target/console-screenshots/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleViewsBrowserTest {

  static final String ORDER = "order/7";
  static final String CHECKOUT = "checkout/99";
  static final int BULK = 60;

  @RegisterExtension static final ConsoleFixture CONSOLE = new ConsoleFixture(ConsoleViewsBrowserTest::publish);
  static ConsoleHub hub;
  static ConsoleBrowser browser;
  static String placedId;
  static long published;

  static void publish(ConsoleHub started, ConsoleBrowser opened) throws Exception {
    hub = started;
    browser = opened;
    // One order's history, published out of created_at order: the playback must sort it.
    ObjectNode paid = ConsoleHub.event("shop", "order-paid", ORDER, CHECKOUT, "2026-01-01T10:02:00.000Z");
    paid.with("payload").put("status", "paid");
    ObjectNode placed = ConsoleHub.event("shop", "order-placed", ORDER, CHECKOUT, "2026-01-01T10:00:00.000Z");
    placed.with("payload").put("status", "placed").put("total", new java.math.BigDecimal("10.00")).put("items", 2);
    placedId = placed.get("id").asText();
    ObjectNode added = ConsoleHub.event("shop", "item-added", ORDER, CHECKOUT, "2026-01-01T10:01:00.000Z");
    added.with("payload").put("items", 3).put("total", new java.math.BigDecimal("12.50"));
    ObjectNode invoice = ConsoleHub.event("billing", "invoice-issued", "invoice/1", CHECKOUT, "2026-01-01T10:02:30.000Z");
    invoice.with("payload").put("amount", "12.50/EUR");
    ObjectNode parcel = ConsoleHub.event("shipping", "parcel-sent", "parcel/5", CHECKOUT, "2026-01-01T10:05:00.000Z");
    for (ObjectNode e : List.of(paid, placed, added, invoice, parcel)) {
      hub.publish(e.toString());
    }
    ArrayNode bulk = TestEvents.JSON.createArrayNode();
    for (int i = 0; i < BULK; i++) {
      ObjectNode e = ConsoleHub.event("bulk", "tick", "counter/" + i, null, "2026-01-02T00:00:00.000Z");
      e.with("payload").put("i", i);
      bulk.add(e);
    }
    hub.publish(bulk.toString());
    published = 5 + BULK;
    hub.awaitLedger(published);
  }

  @Test
  @Order(1)
  void search_filters_by_service_and_pages_with_the_hubs_keyset_cursor() {
    browser.go("#search?service=bulk");
    browser.viewShows("Page 1: 50 events");
    assertThat(browser.all("#view tbody tr")).hasSize(50);
    assertThat(browser.text("#view tbody tr:first-child")).contains("bulk").contains("tick");
    browser.screenshots("search");

    browser.one("#view .pager a:last-child").click();
    browser.viewShows("Page 2: 10 events");
    assertThat(browser.all("#view tbody tr")).hasSize(BULK - 50);
    assertThat(browser.all("#view .pager a")).extracting(WebElement::getText).containsExactly("First page");
    assertThat(browser.driver().getCurrentUrl()).contains("cursor=").doesNotContain(TestApiKeys.READER);

    browser.go("#search?service=shop&aggregate_id=" + enc(ORDER) + "&correlation_id=" + enc(CHECKOUT));
    browser.viewShows("Page 1: 3 events");
    assertThat(browser.text("#view tbody")).contains("order-paid", "order-placed", "item-added").doesNotContain("tick");

    browser.go("#search?service=bulk&received_before=2000-01-01T00:00:00Z");
    assertThat(browser.viewShows("No events match these filters.")).contains("Page 1: no events.");
    browser.go("#search?received_after=yesterday");
    assertThat(browser.viewShows("The hub refused the request (400)")).contains("received_after");
  }

  @Test
  @Order(2)
  void the_search_form_writes_its_filters_into_the_fragment() {
    browser.go("#search");
    browser.one("#search-type").sendKeys("parcel-sent");
    browser.one("#search-type").sendKeys(Keys.ENTER);
    browser.viewShows("Page 1: 1 event");
    assertThat(browser.driver().getCurrentUrl()).endsWith("#search?type=parcel-sent");
    assertThat(browser.text("#view tbody")).contains("shipping").contains("parcel/5");
  }

  @Test
  @Order(3)
  void an_event_shows_both_forms_and_its_inclusion_proof_verified_in_the_browser() {
    browser.go("#event?id=" + placedId);
    browser.waitFor("the proof's verdict", d -> !browser.text("#proof-verdict").isEmpty());
    String view = browser.text("#view");
    assertThat(view).contains("order-placed").contains(ORDER).contains(CHECKOUT).contains("2026-01-01T10:00:00");
    // The payload exactly as stored: 10.00 stays 10.00 (a JSON.parse round trip would show 10).
    assertThat(browser.text("#view section[aria-label='Native form']")).contains("\"total\": 10.00");
    assertThat(browser.text("#view section[aria-label='CloudEvents form']")).contains("\"specversion\": \"1.0\"")
        .contains("\"source\": \"shop\"");
    assertThat(browser.text("#proof-verdict")).startsWith("Verified: this event is leaf");
    assertThat(browser.text("#proof")).contains("Leaf hash recomputed from this event equals the ledger's leaf")
        .contains("leads to the signed root").contains("Ed25519 signature of the tree head verifies");
    browser.screenshots("event");

    browser.go("#event?id=" + TestEvents.newId());
    browser.viewShows("No event with this id is stored");
  }

  @Test
  @Order(4)
  void playback_sorts_by_created_at_and_the_slider_shows_the_state_as_of_the_chosen_step() {
    browser.go("#aggregate?id=" + enc(ORDER));
    browser.viewShows("3 events in created_at order");
    assertThat(browser.all("#view ol.steps li")).extracting(WebElement::getText).satisfiesExactly(
        s -> assertThat(s).contains("order-placed"), s -> assertThat(s).contains("item-added"),
        s -> assertThat(s).contains("order-paid"));
    // Opens at the last step: everything merged.
    assertThat(browser.text("#step-label")).isEqualTo("Step 3 of 3");
    assertThat(browser.text("#step-state")).contains("\"status\": \"paid\"").contains("\"total\": 12.50")
        .contains("\"items\": 3");

    WebElement slider = browser.one("#step");
    slider.sendKeys(Keys.ARROW_LEFT);
    browser.waitFor("step 2", d -> browser.text("#step-label").equals("Step 2 of 3"));
    assertThat(browser.text("#step-payload")).contains("\"items\": 3").doesNotContain("status");
    assertThat(browser.text("#step-state")).contains("\"status\": \"placed\"").contains("\"total\": 12.50")
        .contains("\"items\": 3").doesNotContain("paid");
    assertThat(browser.text("#step-changes")).contains("changed items: 2 → 3").contains("changed total: 10.00 → 12.50");
    assertThat(browser.driver().getCurrentUrl()).endsWith("step=2");
    browser.screenshots("playback");

    slider.sendKeys(Keys.HOME);
    browser.waitFor("step 1", d -> browser.text("#step-label").equals("Step 1 of 3"));
    assertThat(browser.text("#step-state")).contains("\"status\": \"placed\"").contains("\"total\": 10.00")
        .contains("\"items\": 2");
    assertThat(browser.text("#step-changes")).contains("added status = \"placed\"");

    // The step in the fragment is a link to that point.
    browser.open("#aggregate?id=" + enc(ORDER) + "&step=2");
    browser.waitFor("step 2 from the link", d -> browser.text("#step-label").equals("Step 2 of 3"));
  }

  @Test
  @Order(5)
  void a_correlation_shows_a_lane_per_service_on_one_time_line() {
    browser.go("#correlation?id=" + enc(CHECKOUT));
    browser.viewShows("5 events across 3 services");
    assertThat(browser.all("#lanes .lane-name")).extracting(WebElement::getText).containsExactly("billing", "shipping", "shop");
    assertThat(browser.all("#lanes .lane[data-service='shop'] .mark")).hasSize(3);
    assertThat(browser.all("#lanes .lane[data-service='billing'] .mark")).hasSize(1);
    // Left to right in created_at order: the parcel (10:05) is the last mark on the line.
    double parcel = left("#lanes .lane[data-service='shipping'] .mark");
    double invoice = left("#lanes .lane[data-service='billing'] .mark");
    assertThat(parcel).isGreaterThan(invoice);
    browser.screenshots("correlation");
  }

  @Test
  @Order(6)
  void the_live_tail_shows_a_new_event_within_two_seconds_of_its_201() {
    browser.go("#live");
    browser.waitFor("the tail to follow the feed", d -> browser.text("#tail-status").startsWith("Following the feed"));
    ObjectNode fresh = ConsoleHub.event("shop", "order-cancelled", "order/8", null, java.time.Instant.now().toString());
    String id = fresh.get("id").asText();
    hub.publish(fresh.toString());
    long created = System.nanoTime();
    // The one timing bound the issue asks for: on screen within 2 s of the 201.
    browser.waitFor("the new event in the tail", Duration.ofSeconds(2),
        d -> browser.text("#tail-rows").contains(id));
    long shownMs = (System.nanoTime() - created) / 1_000_000;
    System.out.println("console live tail: the new event was on screen " + shownMs + " ms after its 201");
    published++;

    // Paused: a newer event waits; the filter hides rows that do not match.
    browser.one("#tail-pause").click();
    ObjectNode later = ConsoleHub.event("billing", "refund-issued", "refund/1", null, java.time.Instant.now().toString());
    hub.publish(later.toString());
    published++;
    browser.one("#tail-filter").sendKeys("cancelled");
    assertThat(browser.all("#tail-rows tr")).filteredOn(WebElement::isDisplayed).extracting(WebElement::getText)
        .allSatisfy(t -> assertThat(t).contains("order-cancelled"));
    browser.screenshots("live");
    browser.one("#tail-pause").click();
    browser.one("#tail-filter").clear();
    browser.one("#tail-filter").sendKeys("refund");
    browser.waitFor("the event published while paused", d -> browser.text("#tail-rows").contains(later.get("id").asText()));
    assertThat(browser.text("#tail-status")).startsWith("Following the feed");
  }

  @Test
  @Order(7)
  void the_catalog_shows_the_hubs_catalog_or_says_in_words_that_there_is_none() {
    browser.go("#catalog");
    JsonNode catalog = hub.read("/catalog");
    if (catalog == null) {
      assertThat(browser.viewShows("The catalog is not available on this hub")).doesNotContain("Loading");
    } else {
      assertThat(browser.viewShows("pair")).contains("shop").contains("order-placed").contains("bulk");
    }
    browser.screenshots("catalog");
  }

  @Test
  @Order(8)
  void the_feed_view_shows_the_stable_point_and_the_lag() {
    String before = hub.read("/feed?limit=1").path("stable_until").asText();
    browser.go("#feed");
    String view = browser.viewShows("stable point");
    String after = hub.read("/feed?limit=1").path("stable_until").asText();
    assertThat(view).contains("lag (hub clock − stable point at the last feed read)").containsPattern("\\d+\\.\\d{3} s")
        .contains("oldest event in the feed");
    // The stable point shown is the hub's, read between the two reads of this test (same format: ordered as text).
    String shown = view.replaceAll("(?s).*?stable point\\s+(\\S+).*", "$1");
    assertThat(shown).matches("20\\d\\d-\\d\\d-\\d\\dT[0-9:.]+Z");
    assertThat(shown.compareTo(before)).isGreaterThanOrEqualTo(0);
    assertThat(shown.compareTo(after)).isLessThanOrEqualTo(0);
    browser.screenshots("feed");
  }

  @Test
  @Order(9)
  void the_ledger_view_shows_tree_size_last_digest_and_scrub() {
    hub.awaitLedger(published);
    browser.go("#ledger");
    browser.viewShows("Last signed digest");
    JsonNode digest = hub.read("/ledger/digest");
    String view = browser.text("#view");
    assertThat(browser.text("#ledger-status")).isEqualTo("The ledger is running; no mismatch found.");
    assertThat(view).containsPattern("tree size\\s+\\d+").contains(digest.path("key_id").asText())
        .contains("tree_size").contains("scrub.");
    long shown = Long.parseLong(view.replaceAll("(?s).*?tree size\\s+(\\d+).*", "$1"));
    assertThat(shown).isGreaterThanOrEqualTo(published).isLessThanOrEqualTo(digest.path("tree_size").asLong());
    browser.screenshots("ledger");
  }

  @Test
  @Order(10)
  void every_view_is_reached_with_the_keyboard_alone() {
    browser.open("#search");
    browser.viewShows("Search events");
    // Keys go to whatever has the focus, as a person's would: from the top of a fresh page.
    Actions keyboard = new Actions(browser.driver());
    for (int i = 0; i < 12 && !"Ledger".equals(browser.script("return document.activeElement.textContent;")); i++) {
      keyboard.sendKeys(Keys.TAB).perform();
    }
    assertThat(browser.script("return document.activeElement.textContent;")).isEqualTo("Ledger");
    keyboard.sendKeys(Keys.ENTER).perform();
    browser.viewShows("Last signed digest");
    assertThat(browser.one("nav a[aria-current='page']").getText()).isEqualTo("Ledger");
  }

  @Test
  @Order(11)
  void the_page_fits_a_phone_width_without_sideways_scrolling() {
    browser.driver().manage().window().setSize(ConsoleBrowser.PHONE);
    try {
      for (String view : List.of("#search?service=shop", "#aggregate?id=" + enc(ORDER), "#correlation?id=" + enc(CHECKOUT))) {
        browser.go(view);
        browser.waitFor("the view " + view, d -> !browser.text("#view").contains("Loading"));
        browser.waitFor("the view " + view + " filled", d -> browser.all("#view h3, #view table").size() > 0);
        Object overflow = browser.script("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(((Number) overflow).longValue()).as("sideways overflow of %s at phone width", view).isLessThanOrEqualTo(0);
      }
    } finally {
      browser.driver().manage().window().setSize(ConsoleBrowser.DESKTOP);
    }
  }

  private static double left(String css) {
    return ((Number) browser.script("return arguments[0].getBoundingClientRect().left;", browser.one(css))).doubleValue();
  }

  static String enc(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
  }
}
