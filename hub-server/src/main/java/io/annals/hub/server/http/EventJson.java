package io.annals.hub.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes events and answers as JSON. Times are ISO-8601 UTC with exactly six fractional digits
 * ({@code 2026-01-01T12:00:00.123456Z}): fixed width, so their text sorts like their time. The
 * payload is written as the stored text itself, never re-encoded, so decimals come back as sent.
 */
public final class EventJson {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final ObjectMapper mapper = JsonMapper.builder().build();

  /** {@code t} as the hub prints times. */
  public static String time(Instant t) {
    return TIME.format(t);
  }

  /** A new empty JSON object to build an answer in. */
  public ObjectNode object() {
    return mapper.createObjectNode();
  }

  /** The envelope of DESIGN.md with {@code meta.received_at}. */
  public ObjectNode envelope(StoredEvent stored) {
    return envelope(stored.event(), stored.receivedAt());
  }

  /** The envelope of DESIGN.md; {@code meta.received_at} only when {@code receivedAt} is not null. */
  public ObjectNode envelope(Event event, Instant receivedAt) {
    ObjectNode root = mapper.createObjectNode();
    root.put("id", event.id());
    ObjectNode meta = root.putObject("meta");
    meta.put("service", event.service());
    meta.put("type", event.type());
    meta.put("created_at", time(event.createdAt()));
    meta.put("aggregate_id", event.aggregateId());
    if (event.correlationId() != null) {
      meta.put("correlation_id", event.correlationId());
    }
    if (receivedAt != null) {
      meta.put("received_at", time(receivedAt));
    }
    root.putRawValue("payload", new RawValue(event.payloadJson()));
    return root;
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
