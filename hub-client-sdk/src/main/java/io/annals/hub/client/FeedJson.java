package io.annals.hub.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.annals.hub.client.internal.delivery.Json;
import io.annals.hub.wire.FeedWire;
import io.annals.hub.wire.WireTime;
import java.io.IOException;
import java.nio.CharBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Decodes the hub's feed pages and envelopes. A page is read token by token, the envelope's
 * members straight into the event. Each payload is only checked and cut out of the page as text:
 * it becomes a tree when the caller first asks ({@link ReceivedEvent#payload()}). Building the whole
 * page as a tree first took as long as the hub needed to read the page from its store; building
 * every payload's tree took a fifth of the feed's CPU. Unknown members are skipped, so a newer hub
 * that adds members does not break an older reader. Member names and times are {@link FeedWire}'s
 * and {@link WireTime}'s, which the hub writes with.
 */
final class FeedJson {

  private FeedJson() {}

  /**
   * {@code {"events": [...], "next": ..., "stable_until": ...}}: the hub's own layout by {@link
   * CanonicalPageReader}, anything else (or anything it doubts) token by token.
   */
  static FeedPage page(byte[] body) throws IOException {
    FeedPage page = CanonicalPageReader.read(body);
    return page != null ? page : tokenPage(body);
  }

  /** The page read token by token with Jackson, whatever its layout. */
  static FeedPage tokenPage(byte[] body) throws IOException {
    try (JsonParser p = Json.READER.createParser(body)) {
      expect(p, p.nextToken(), JsonToken.START_OBJECT, "a feed page");
      List<ReceivedEvent> events = new ArrayList<>();
      String next = null;
      Instant stableUntil = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case FeedWire.EVENTS -> {
            expect(p, value, JsonToken.START_ARRAY, "events");
            while (p.nextToken() != JsonToken.END_ARRAY) {
              events.add(event(p, body));
            }
          }
          case FeedWire.NEXT -> next = value == JsonToken.VALUE_NULL ? null : p.getValueAsString();
          case FeedWire.STABLE_UNTIL -> stableUntil = time(p, value);
          default -> p.skipChildren();
        }
      }
      return new FeedPage(List.copyOf(events), next, stableUntil);
    }
  }

  /** One envelope of {@code body}, the parser on its {@code START_OBJECT}. */
  private static ReceivedEvent event(JsonParser p, byte[] body) throws IOException {
    expect(p, p.currentToken(), JsonToken.START_OBJECT, "an event");
    String id = null;
    String service = null;
    String type = null;
    Instant createdAt = null;
    String aggregateId = null;
    String correlationId = null;
    Instant receivedAt = null;
    Map<String, String> extensions = Map.of();
    JsonNode payload = NullNode.getInstance();
    byte[] payloadText = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case FeedWire.ID -> id = p.getValueAsString();
        case FeedWire.PAYLOAD -> {
          if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
            payloadText = text(p, body);
          } else {
            payload = Json.READER.readTree(p);
          }
        }
        case FeedWire.META -> {
          expect(p, value, JsonToken.START_OBJECT, "meta");
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String member = p.currentName();
            JsonToken v = p.nextToken();
            switch (member) {
              case FeedWire.SERVICE -> service = p.getValueAsString();
              case FeedWire.TYPE -> type = p.getValueAsString();
              case FeedWire.CREATED_AT -> createdAt = time(p, v);
              case FeedWire.AGGREGATE_ID -> aggregateId = p.getValueAsString();
              case FeedWire.CORRELATION_ID -> correlationId = p.getValueAsString();
              case FeedWire.RECEIVED_AT -> receivedAt = time(p, v);
              case FeedWire.EXTENSIONS -> extensions = extensions(p, v);
              default -> p.skipChildren();
            }
          }
        }
        default -> p.skipChildren();
      }
    }
    if (id == null || createdAt == null || receivedAt == null) {
      throw new IOException("an event lacks id, meta.created_at or meta.received_at");
    }
    ReceivedEvent event = payloadText == null
        ? new ReceivedEvent(id, service, type, createdAt, aggregateId, correlationId, receivedAt, payload)
        : ReceivedEvent.withPayloadText(id, service, type, createdAt, aggregateId, correlationId, receivedAt,
            payloadText);
    return extensions.isEmpty() ? event : event.withExtensions(extensions);
  }

  /** {@code meta.extensions}: an object of strings. */
  private static Map<String, String> extensions(JsonParser p, JsonToken value) throws IOException {
    expect(p, value, JsonToken.START_OBJECT, "meta.extensions");
    Map<String, String> extensions = new java.util.TreeMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (v != JsonToken.VALUE_STRING) {
        throw new IOException("meta.extensions." + name + " is not a string");
      }
      extensions.put(name, p.getText());
    }
    return extensions;
  }

  /**
   * The object or array the parser is on, as the bytes of {@code body} it spans. Skipping it still
   * reads every token, so text that is not JSON fails here, with the page, not later in {@link
   * ReceivedEvent#payload()}.
   */
  private static byte[] text(JsonParser p, byte[] body) throws IOException {
    long start = p.currentTokenLocation().getByteOffset();
    p.skipChildren();
    long end = p.currentTokenLocation().getByteOffset() + 1;
    if (start < 0 || end > body.length || end <= start) {
      throw new IOException("cannot locate a payload in the page (" + start + ".." + end + ")");
    }
    return Arrays.copyOfRange(body, (int) start, (int) end);
  }

  /** The time the parser is on; null for JSON null or a value that is not text. Read from the parser's buffer: no String. */
  private static Instant time(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return WireTime.parse(CharBuffer.wrap(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()));
    }
    String text = p.getValueAsString();
    p.skipChildren();
    return text == null ? null : WireTime.parse(text);
  }

  private static void expect(JsonParser p, JsonToken actual, JsonToken expected, String what) throws IOException {
    if (actual != expected) {
      throw new IOException(what + " should start with " + expected + ", found " + actual + " at " + p.currentLocation());
    }
  }
}
