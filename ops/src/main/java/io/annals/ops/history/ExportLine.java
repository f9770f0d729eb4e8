package io.annals.ops.history;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.ledger.LeafEncoding;
import io.annals.hub.server.ledger.PayloadMember;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of an export segment: the event exactly as {@code GET /feed} gave it, with one more
 * member, {@code "ledger": {"leaf_index", "id", "received_at", "leaf_hash", "payload_salts"}}, its
 * leaf as {@code GET /ledger/leaves} gave it (the opening of the leaf), so that {@code verify export} recomputes the leaf with nothing
 * but the file. Absent when the hub keeps no ledger.
 */
public record ExportLine(StoredEvent event, Long leafIndex, String leafHash, Map<String, byte[]> salts) {

  static final String LEDGER = "ledger";

  private static final byte[] LEDGER_MEMBER = (",\"" + LEDGER + "\":").getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * Writes the line of {@code event} (bytes as the feed gave them) with {@code leaf} (as {@code GET
   * /ledger/leaves} gave it; null when the hub keeps no ledger) appended as its last member, and
   * the line's end: nothing re-encoded.
   */
  static void write(java.io.OutputStream out, PageEvents.Element event, PageEvents.Element leaf) throws IOException {
    if (leaf == null) {
      event.writeTo(out, false);
    } else {
      event.writeTo(out, true);
      out.write(LEDGER_MEMBER);
      leaf.writeTo(out, false);
      out.write('}');
    }
    out.write('\n');
  }

  /** Reads a line back; throws IllegalArgumentException saying what is wrong. */
  public static ExportLine parse(String line) {
    JsonNode node;
    try {
      node = HubHttp.JSON.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    JsonNode meta = node.path("meta");
    String payload = LeafEncoding.members(line).stream().filter(m -> m.name().equals("payload")).map(PayloadMember::valueJson)
        .findFirst().orElseThrow(() -> new IllegalArgumentException("no payload"));
    StoredEvent event;
    try {
      event = new StoredEvent(new Event(text(node, "id"), text(meta, "service"), text(meta, "type"),
          Instant.parse(text(meta, "created_at")), text(meta, "aggregate_id"),
          meta.hasNonNull("correlation_id") ? meta.get("correlation_id").asText() : null, payload,
          extensions(meta.path("extensions"))),
          Instant.parse(text(meta, "received_at")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an event as the feed gives it: " + e.getMessage());
    }
    JsonNode ledger = node.get(LEDGER);
    if (ledger == null) {
      return new ExportLine(event, null, null, Map.of());
    }
    Map<String, byte[]> salts = new LinkedHashMap<>();
    ledger.path("payload_salts").fields().forEachRemaining(e -> salts.put(e.getKey(), Base64.getUrlDecoder().decode(e.getValue().asText())));
    if (!ledger.path("leaf_index").canConvertToLong()) {
      throw new IllegalArgumentException("ledger.leaf_index is not an integer");
    }
    return new ExportLine(event, ledger.path("leaf_index").asLong(), ledger.path("leaf_hash").asText(), salts);
  }

  /**
   * {@code meta.extensions} (CloudEvents extensions; the leaf commits to them since they exist), as
   * the feed and {@code GET /events/{id}} write them; none when absent. Shared with {@code verify store}.
   */
  public static Map<String, String> extensions(JsonNode extensions) {
    Map<String, String> map = new java.util.TreeMap<>();
    extensions.fields().forEachRemaining(f -> map.put(f.getKey(), f.getValue().asText()));
    return map;
  }

  private static String text(JsonNode node, String field) {
    if (!node.path(field).isTextual()) {
      throw new IllegalArgumentException("no " + field);
    }
    return node.path(field).asText();
  }
}
