package io.annals.hub.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.ledger.LedgerLeaf;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The streamed writer gives exactly the text Jackson gives for the envelope built as a tree (the
 * oracle below, with the member names spelled out), member order and escapes included.
 */
class EventJsonPageTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final EventJson json = new EventJson();

  @Test
  void a_streamed_page_is_the_tree_built_page_byte_for_byte() throws Exception {
    List<StoredEvent> events = events(200);
    ObjectNode expected = json.object();
    ArrayNode list = expected.putArray("events");
    events.forEach(e -> list.add(tree(e)));
    expected.put("next", "cursor-1");
    expected.put("stable_until", "2026-11-23T10:00:00.000000Z");

    byte[] page = json.page(events, "cursor-1", Instant.parse("2026-11-23T10:00:00Z"));

    assertThat(new String(page, "UTF-8")).isEqualTo(new String(json.bytes(expected), "UTF-8"));
  }

  @Test
  void a_page_without_next_says_null_and_a_list_has_no_stable_point() throws Exception {
    JsonNode page = JSON.readTree(json.page(events(1), null, null));

    assertThat(page.get("next").isNull()).isTrue();
    assertThat(page.has("stable_until")).isFalse();
    assertThat(page.get("events")).hasSize(1);
  }

  @Test
  void one_streamed_event_is_its_tree_built_envelope_and_keeps_payload_decimals() throws Exception {
    for (StoredEvent e : events(50)) {
      assertThat(new String(json.bytes(e), "UTF-8")).isEqualTo(new String(json.bytes(tree(e)), "UTF-8"));
    }
    StoredEvent exact = events(1).get(0);
    assertThat(new String(json.bytes(exact), "UTF-8")).contains("\"payload\":" + exact.event().payloadJson());
  }

  @Test
  void every_character_is_escaped_as_the_tree_writer_escapes_it_and_any_stored_time_is_written_as_it_is() throws Exception {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x250; c++) {
      all.append(c);
    }
    all.append("\u2028\u2603\ud83d\ude00/\u007f");
    List<StoredEvent> events = new ArrayList<>();
    for (String time : List.of("0001-01-01T00:00:00Z", "1969-12-31T23:59:59.999999Z", "1970-01-01T00:00:00Z",
        "2024-02-29T23:59:59.000001Z", "9999-12-31T23:59:59.999999Z")) {
      Instant t = Instant.parse(time);
      events.add(new StoredEvent(new Event("id " + all, all.toString(), "t\n", t, all.toString(), all.toString(), "{}"), t));
    }

    for (StoredEvent e : events) {
      assertThat(new String(json.bytes(e), "UTF-8")).isEqualTo(new String(json.bytes(tree(e)), "UTF-8"));
    }
    ObjectNode expected = json.object();
    ArrayNode list = expected.putArray("events");
    events.forEach(e -> list.add(tree(e)));
    expected.put("next", "next \u0001\"");
    assertThat(new String(json.page(events, "next \u0001\"", null), "UTF-8"))
        .isEqualTo(new String(json.bytes(expected), "UTF-8"));
  }

  /** The envelope of DESIGN.md built as a Jackson tree: what the hub wrote before EnvelopeWriter. */
  private ObjectNode tree(StoredEvent stored) {
    Event event = stored.event();
    ObjectNode root = json.object();
    root.put("id", event.id());
    ObjectNode meta = root.putObject("meta");
    meta.put("service", event.service());
    meta.put("type", event.type());
    meta.put("created_at", EventJson.time(event.createdAt()));
    meta.put("aggregate_id", event.aggregateId());
    if (event.correlationId() != null) {
      meta.put("correlation_id", event.correlationId());
    }
    meta.put("received_at", EventJson.time(stored.receivedAt()));
    root.putRawValue("payload", new RawValue(event.payloadJson()));
    return root;
  }

  @Test
  void an_envelope_embedded_in_a_tree_writes_as_the_streamed_envelope() throws Exception {
    StoredEvent e = events(1).get(0);
    ObjectNode problem = json.object();
    problem.set("stored", json.envelope(e));

    assertThat(new String(json.bytes(problem), "UTF-8")).isEqualTo("{\"stored\":" + new String(json.bytes(e), "UTF-8") + "}");
  }

  @Test
  void a_page_of_leaves_is_the_tree_built_page_byte_for_byte_with_and_without_next() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    List<LedgerLeaf> leaves = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      byte[] hash = new byte[32];
      random.nextBytes(hash);
      Instant received = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000), random.nextInt(1_000_000) * 1000L);
      String id = i % 7 == 0 ? "id \"" + i + "\" caf\u00e9\n\ud83d\ude00" : String.format("0190a000-0000-7000-8000-%012x", i);
      String salts = i % 5 == 0 ? "{}" : "{\"amount\":\"NPV80kOqGAwc02EQJfVm_w\",\"caf\u00e9 \\\"x\\\"\":\"YZDP4KK5jh0JSBMZTNhFcQ\"}";
      leaves.add(new LedgerLeaf(3_000_000_000L + i, id, received, hash, salts));
    }

    for (Long next : new Long[] {3_000_000_300L, null}) {
      assertThat(new String(json.leaves(leaves, next), "UTF-8")).isEqualTo(new String(json.bytes(leavesTree(leaves, next)), "UTF-8"));
    }
    assertThat(new String(json.leaves(List.of(), null), "UTF-8")).isEqualTo("{\"leaves\":[],\"next\":null}");
  }

  /** A page of leaves built as a Jackson tree: what the hub wrote before {@link EventJson#leaves}. */
  private ObjectNode leavesTree(List<LedgerLeaf> leaves, Long next) {
    ObjectNode body = json.object();
    ArrayNode out = body.putArray("leaves");
    for (LedgerLeaf leaf : leaves) {
      ObjectNode l = out.addObject();
      l.put("leaf_index", leaf.index());
      l.put("id", leaf.eventId());
      l.put("received_at", EventJson.time(leaf.receivedAt()));
      l.put("leaf_hash", java.util.HexFormat.of().formatHex(leaf.leafHash()));
      l.putRawValue("payload_salts", new RawValue(leaf.saltsJson()));
    }
    if (next == null) {
      body.putNull("next");
    } else {
      body.put("next", next);
    }
    return body;
  }

  /** Events with and without correlation ids, text needing escapes, and exact decimals in payloads. */
  private static List<StoredEvent> events(int n) {
    SplittableRandom random = new SplittableRandom(n);
    List<StoredEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Instant created = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000), random.nextInt(1_000_000) * 1000L);
      events.add(new StoredEvent(new Event(
          String.format("0190a000-0000-7000-8000-%012x", i),
          "billing \"eu\"",
          i % 2 == 0 ? "payment-completed" : "caf\u00e9/\u2603",
          created,
          "payment/" + i + "\\x",
          i % 3 == 0 ? null : "order/" + i,
          "{\"amount\":\"" + i + ".2500\",\"n\":3.0000,\"nested\":{\"a\":[1,2,{\"b\":null}]}}"),
          created.plusMillis(random.nextInt(5000))));
    }
    return events;
  }
}
