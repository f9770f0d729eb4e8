package io.annals.hub.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.wire.WireTime;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Writes events and answers as JSON. Times are ISO-8601 UTC with exactly six fractional digits
 * ({@code 2026-01-01T12:00:00.123456Z}): fixed width, so their text sorts like their time. The
 * payload is written as the stored text itself, never re-encoded, so decimals come back as sent.
 * Envelopes are written by {@link EnvelopeWriter} only; Jackson writes the answers around them.
 */
public final class EventJson {

  private final ObjectMapper mapper = JsonMapper.builder().build();

  /** {@code t} as the hub prints times, {@code uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'} in UTC: {@link WireTime#format}. */
  public static String time(Instant t) {
    return WireTime.format(t);
  }

  /** A new empty JSON object to build an answer in. */
  public ObjectNode object() {
    return mapper.createObjectNode();
  }

  /** The envelope of DESIGN.md with {@code meta.received_at}, to embed in an answer built as a tree. */
  public JsonNode envelope(StoredEvent stored) {
    return envelope(stored.event(), stored.receivedAt());
  }

  /**
   * The envelope of DESIGN.md ({@code meta.received_at} only when {@code receivedAt} is not null)
   * as a node that writes {@link EnvelopeWriter}'s text: one writer for envelopes, whether alone,
   * in a page or inside a problem.
   */
  public JsonNode envelope(Event event, Instant receivedAt) {
    byte[] text = new EnvelopeWriter(128 + event.payloadJson().length()).event(event, receivedAt);
    return mapper.getNodeFactory().rawValueNode(new RawValue(new String(text, StandardCharsets.UTF_8)));
  }

  /**
   * {@code {"events": [envelope...], "next": next, "stable_until": stableUntil}} as UTF-8 JSON
   * bytes, written event by event ({@link EnvelopeWriter}) rather than built as a tree first: this
   * is the hot path of feed paging. {@code next} is written as null when null; {@code
   * stable_until} is left out when {@code stableUntil} is null.
   */
  public byte[] page(List<StoredEvent> events, String next, Instant stableUntil) {
    return new EnvelopeWriter(128 + 320 * events.size()).page(events, next, stableUntil);
  }

  /**
   * {@code {"leaves": [leaf...], "next": next}} as UTF-8 JSON ({@link io.annals.hub.wire.LeavesWire}),
   * {@code next} null at the end: written as bytes, the text Jackson writes for the page built as a tree.
   */
  public byte[] leaves(List<io.annals.hub.server.ledger.LedgerLeaf> leaves, Long next) {
    return new EnvelopeWriter(64 + 256 * leaves.size()).leaves(leaves, next);
  }

  /** {@link #envelope(StoredEvent)} as UTF-8 JSON bytes, written without building the tree. */
  public byte[] bytes(StoredEvent stored) {
    return new EnvelopeWriter(128 + stored.event().payloadJson().length()).event(stored.event(), stored.receivedAt());
  }

  /** {@code node} as UTF-8 JSON bytes. */
  public byte[] bytes(JsonNode node) {
    try {
      return mapper.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write an answer as JSON", e);
    }
  }
}
