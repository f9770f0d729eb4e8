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
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Writes events and answers as JSON. Times are ISO-8601 UTC with exactly six fractional digits
 * ({@code 2026-01-01T12:00:00.123456Z}): fixed width, so their text sorts like their time. The
 * payload is written as the stored text itself, never re-encoded, so decimals come back as sent.
 */
public final class EventJson {

  private static final DateTimeFormatter WIDE_YEARS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final ObjectMapper mapper = JsonMapper.builder().build();

  /**
   * {@code t} as the hub prints times, {@code uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'} in UTC. Written
   * digit by digit: every event of a feed page or a batch answer has one or two times, and a
   * {@code DateTimeFormatter} takes about 0.6 µs for each, five times as long.
   */
  public static String time(Instant t) {
    LocalDateTime utc = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC);
    if (utc.getYear() < 0 || utc.getYear() > 9999) {
      return WIDE_YEARS.format(t); // never for stored events (years 0001..9999); kept for completeness
    }
    char[] text = new char[27];
    digits(text, 0, utc.getYear(), 4);
    text[4] = '-';
    digits(text, 5, utc.getMonthValue(), 2);
    text[7] = '-';
    digits(text, 8, utc.getDayOfMonth(), 2);
    text[10] = 'T';
    digits(text, 11, utc.getHour(), 2);
    text[13] = ':';
    digits(text, 14, utc.getMinute(), 2);
    text[16] = ':';
    digits(text, 17, utc.getSecond(), 2);
    text[19] = '.';
    digits(text, 20, utc.getNano() / 1000, 6);
    text[26] = 'Z';
    return new String(text);
  }

  private static void digits(char[] text, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (char) ('0' + value % 10);
      value /= 10;
    }
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

  /**
   * {@code {"events": [envelope...], "next": next, "stable_until": stableUntil}} as UTF-8 JSON
   * bytes, written event by event ({@link EnvelopeWriter}) rather than built as a tree first: this
   * is the hot path of feed paging. {@code next} is written as null when null; {@code
   * stable_until} is left out when {@code stableUntil} is null.
   */
  public byte[] page(List<StoredEvent> events, String next, Instant stableUntil) {
    return new EnvelopeWriter(128 + 320 * events.size()).page(events, next, stableUntil);
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
