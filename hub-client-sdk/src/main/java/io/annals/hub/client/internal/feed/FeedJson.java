package io.annals.hub.client.internal.feed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.annals.hub.client.FeedPage;
import io.annals.hub.client.ReceivedEvent;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes the hub's feed pages and envelopes. A page is read token by token, the envelope's
 * members straight into the event. Each payload is only checked and cut out of the page as text:
 * it becomes a tree when the caller first asks ({@link ReceivedEvent#payload()}). Building the whole
 * page as a tree first took as long as the hub needed to read the page from its store; building
 * every payload's tree took a fifth of the feed's CPU. Unknown members are skipped, so a newer hub
 * that adds members does not break an older reader.
 */
public final class FeedJson {

  /** Payload decimals stay exact ({@code BigDecimal}), as the hub stores them. */
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private FeedJson() {}

  /**
   * {@code {"events": [...], "next": ..., "stable_until": ...}}: the hub's own layout by {@link
   * CanonicalPageReader}, anything else (or anything it doubts) token by token.
   */
  public static FeedPage page(byte[] body) throws IOException {
    FeedPage page = CanonicalPageReader.read(body);
    return page != null ? page : tokenPage(body);
  }

  /** The page read token by token with Jackson, whatever its layout (public for the SDK's tests). */
  public static FeedPage tokenPage(byte[] body) throws IOException {
    try (JsonParser p = JSON.createParser(body)) {
      expect(p, p.nextToken(), JsonToken.START_OBJECT, "a feed page");
      List<ReceivedEvent> events = new ArrayList<>();
      String next = null;
      Instant stableUntil = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "events" -> {
            expect(p, value, JsonToken.START_ARRAY, "events");
            while (p.nextToken() != JsonToken.END_ARRAY) {
              events.add(event(p, body));
            }
          }
          case "next" -> next = value == JsonToken.VALUE_NULL ? null : p.getValueAsString();
          case "stable_until" -> stableUntil = value == JsonToken.VALUE_NULL ? null : time(p.getValueAsString());
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
    JsonNode payload = NullNode.getInstance();
    byte[] payloadText = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "id" -> id = p.getValueAsString();
        case "payload" -> {
          if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
            payloadText = text(p, body);
          } else {
            payload = JSON.readTree(p);
          }
        }
        case "meta" -> {
          expect(p, value, JsonToken.START_OBJECT, "meta");
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String member = p.currentName();
            JsonToken v = p.nextToken();
            switch (member) {
              case "service" -> service = p.getValueAsString();
              case "type" -> type = p.getValueAsString();
              case "created_at" -> createdAt = time(p, v);
              case "aggregate_id" -> aggregateId = p.getValueAsString();
              case "correlation_id" -> correlationId = p.getValueAsString();
              case "received_at" -> receivedAt = time(p, v);
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
    return payloadText == null
        ? new ReceivedEvent(id, service, type, createdAt, aggregateId, correlationId, receivedAt, payload)
        : ReceivedEvent.withPayloadText(id, service, type, createdAt, aggregateId, correlationId, receivedAt,
            payloadText);
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

  /** One envelope as a tree (for answers other than feed pages). */
  public static ReceivedEvent event(JsonNode node) {
    JsonNode meta = node.path("meta");
    return new ReceivedEvent(
        node.path("id").asText(),
        meta.path("service").asText(),
        meta.path("type").asText(),
        time(meta.path("created_at").asText()),
        meta.path("aggregate_id").asText(),
        meta.hasNonNull("correlation_id") ? meta.get("correlation_id").asText() : null,
        time(meta.path("received_at").asText()),
        node.path("payload"));
  }

  /** The time the parser is on; null for JSON null or a value that is not text. Read from the parser's buffer: no String. */
  private static Instant time(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return time(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }
    String text = p.getValueAsString();
    p.skipChildren();
    return text == null ? null : time(text);
  }

  /**
   * A time as the hub prints it, {@code uuuu-MM-ddTHH:mm:ss.SSSSSSZ}, read digit by digit
   * ({@link Instant#parse} takes about a microsecond, and a page has two times per event); any
   * other ISO-8601 instant through {@link Instant#parse}.
   *
   * @throws DateTimeException when {@code text} is not an ISO-8601 instant
   */
  public static Instant time(String text) {
    return time(text.toCharArray(), 0, text.length());
  }

  private static Instant time(char[] text, int at, int length) {
    Instant time = null;
    if (length == 27) {
      byte[] ascii = new byte[27];
      int i = 0;
      while (i < 27 && text[at + i] < 0x80) {
        ascii[i] = (byte) text[at + i];
        i++;
      }
      time = i == 27 ? CanonicalPageReader.time(ascii, 0) : null;
    }
    return time != null ? time : Instant.parse(new String(text, at, length));
  }

  private static void expect(JsonParser p, JsonToken actual, JsonToken expected, String what) throws IOException {
    if (actual != expected) {
      throw new IOException(what + " should start with " + expected + ", found " + actual + " at " + p.currentLocation());
    }
  }
}
