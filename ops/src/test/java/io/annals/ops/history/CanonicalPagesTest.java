package io.annals.ops.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.http.EventJson;
import io.annals.hub.server.ledger.LedgerLeaf;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Pages as the hub writes them are cut in place into exactly the elements the tokenizer finds;
 * anything else is left to the tokenizer, which accepts or refuses it as before.
 */
class CanonicalPagesTest {

  private final EventJson json = new EventJson();

  @Test
  void a_feed_page_as_the_hub_writes_it_is_cut_into_the_tokenizers_elements() {
    List<StoredEvent> events = events(300);
    for (String next : new String[] {"AQEABmIDiM-ODiQw", null}) {
      byte[] page = json.page(events, next, next == null ? null : Instant.parse("2026-12-07T04:20:09.366718Z"));

      PageEvents.Page cut = CanonicalPages.feed(page);

      assertThat(cut).isNotNull().isEqualTo(PageEvents.tokenized(page, "events"));
      assertThat(cut.elements()).hasSize(300);
      assertThat(PageEvents.of(page, "events")).isEqualTo(cut);
    }
    byte[] empty = json.page(List.of(), "c", Instant.EPOCH);
    assertThat(CanonicalPages.feed(empty)).isEqualTo(PageEvents.tokenized(empty, "events"));
  }

  @Test
  void a_page_of_leaves_as_the_hub_writes_it_is_cut_into_the_tokenizers_elements() {
    List<LedgerLeaf> leaves = leaves(300, "0190a000-0000-7000-8000-%012x");
    for (Long next : new Long[] {1_000_300L, null}) {
      byte[] page = json.leaves(leaves, next);

      PageEvents.Page cut = CanonicalPages.leaves(page);

      assertThat(cut).isNotNull().isEqualTo(PageEvents.tokenized(page, "leaves"));
      assertThat(cut.elements()).hasSize(300);
      assertThat(cut.next()).isEqualTo(next == null ? null : Long.toString(next));
    }
    byte[] empty = json.leaves(List.of(), null);
    assertThat(CanonicalPages.leaves(empty)).isEqualTo(PageEvents.tokenized(empty, "leaves"));
  }

  @Test
  void pages_off_the_canonical_layout_go_to_the_tokenizer_which_reads_them_as_before() {
    Instant t = Instant.parse("2026-12-01T11:07:23.507888Z");
    List<byte[]> feedPages = List.of(
        json.page(List.of(stored("id \"quoted\"", "{}", t)), "c", t), // an escape in an id
        json.page(List.of(stored("caf\u00e9", "{}", t)), "c", t), // a non-ASCII id
        json.page(List.of(new StoredEvent(new Event("e1", "s", "t", t, "a", null, "{}", Map.of("traceparent", "00-x")), t)),
            "c", t), // meta.extensions
        json.page(List.of(stored("e1", "3.0", t)), "c", t), // a payload that is not an object or array
        text("{\"events\": [], \"next\": \"c\"}")); // whitespace
    for (byte[] page : feedPages) {
      assertThat(CanonicalPages.feed(page)).as(new String(page, StandardCharsets.UTF_8)).isNull();
      assertThat(PageEvents.of(page, "events")).isEqualTo(PageEvents.tokenized(page, "events"));
    }
    byte[] odd = json.leaves(leaves(3, "leaf \\ %d"), 3L);
    assertThat(CanonicalPages.leaves(odd)).isNull();
    assertThat(PageEvents.of(odd, "leaves").elements()).extracting(PageEvents.Element::id).containsExactly("leaf \\ 0", "leaf \\ 1",
        "leaf \\ 2");
  }

  @Test
  void a_truncated_or_broken_page_is_left_to_the_tokenizer_which_refuses_it() {
    Instant t = Instant.parse("2026-12-01T11:07:23.507888Z");
    String page = new String(json.page(List.of(stored("e1", "{\"a\":[1,{\"b\":\"]}\"}]}", t)), "c", t), StandardCharsets.UTF_8);
    for (byte[] broken : List.of(text(page.substring(0, page.length() - 1)), text(page.replace("[1,{", "[1,{]")),
        text(page.replace("{\"a\":[1", "{\"a\":{1")))) {
      assertThat(CanonicalPages.feed(broken)).isNull();
      assertThatThrownBy(() -> PageEvents.of(broken, "events")).isInstanceOf(IllegalArgumentException.class);
    }
    byte[] whole = text(page);
    assertThat(CanonicalPages.feed(whole)).isEqualTo(PageEvents.tokenized(whole, "events"));
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static StoredEvent stored(String id, String payload, Instant t) {
    return new StoredEvent(new Event(id, "billing", "payment-completed", t, "payment/1", null, payload), t);
  }

  /** Events with and without correlation ids, payloads with escapes, non-ASCII text, brackets in strings and nesting. */
  private static List<StoredEvent> events(int n) {
    SplittableRandom random = new SplittableRandom(n);
    List<StoredEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Instant created = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000), random.nextInt(1_000_000) * 1000L);
      String payload = switch (i % 4) {
        case 0 -> "{\"amount\":\"" + i + ".2500/GBP\",\"method\":\"card\"}";
        case 1 -> "{\"n\":3.0000,\"nested\":{\"a\":[1,2,{\"b\":null}],\"s\":\"}]\\\"\\\\ caf\u00e9 \ud83d\ude00\"}}";
        case 2 -> "[1, {\"x\" : [ ]}, \"\\u0041\"]";
        default -> "{}";
      };
      events.add(new StoredEvent(new Event(String.format("0190a000-0000-7000-8000-%012x", i), "billing", "payment-completed",
          created, "payment/" + i, i % 3 == 0 ? null : "checkout/" + i, payload), created.plusMillis(random.nextInt(5000))));
    }
    return events;
  }

  private static List<LedgerLeaf> leaves(int n, String idFormat) {
    SplittableRandom random = new SplittableRandom(n);
    List<LedgerLeaf> leaves = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] hash = new byte[32];
      random.nextBytes(hash);
      String salts = i % 3 == 0 ? "{}" : "{\"amount\":\"NPV80kOqGAwc02EQJfVm_w\",\"caf\u00e9\":\"YZDP4KK5jh0JSBMZTNhFcQ\"}";
      leaves.add(new LedgerLeaf(1_000_000L + i, String.format(idFormat, i),
          Instant.ofEpochSecond(1_700_000_000L + i, random.nextInt(1_000_000) * 1000L), hash, salts));
    }
    return leaves;
  }
}
