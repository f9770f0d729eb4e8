package io.annals.ops.history;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.annals.hub.server.ledger.LeafEncoding;
import io.annals.hub.server.ledger.PayloadMember;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Events cut out of a feed page as the exact text the hub wrote, never re-encoded: a payload's
 * decimals ({@code 3.0000}) and member order must reach the export byte for byte, because the
 * ledger's payload commitment is over that text (docs/ledger.md).
 */
final class PageEvents {

  private static final JsonFactory JSON = new JsonFactory();

  private PageEvents() {}

  /** A feed page: its events' texts in order, and its {@code next} cursor. */
  record Page(List<String> events, String next) {}

  /** The text of each element of the page's top-level {@code events} array, in order, and {@code next}. */
  static Page of(String page) {
    List<String> events = new ArrayList<>();
    String next = null;
    try (JsonParser p = JSON.createParser(page)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("a feed page is a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("next") && value == JsonToken.VALUE_STRING) {
          next = p.getText();
          continue;
        }
        if (!name.equals("events")) {
          p.skipChildren();
          continue;
        }
        if (value != JsonToken.START_ARRAY) {
          throw new IllegalArgumentException("the feed page's events is not an array");
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
          int start = (int) p.currentTokenLocation().getCharOffset();
          p.skipChildren();
          int end = (int) p.currentLocation().getCharOffset();
          events.add(page.substring(start, end));
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("the feed page is not JSON: " + e.getMessage(), e);
    }
    return new Page(events, next);
  }

  /** The feed position of an event's text (its {@code id} and {@code meta.received_at}), read without building a tree. */
  static io.annals.hub.server.store.Position positionOf(String event) {
    String id = null;
    String receivedAt = null;
    try (JsonParser p = JSON.createParser(event)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("id") && value == JsonToken.VALUE_STRING) {
          id = p.getText();
        } else if (name.equals("meta") && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String m = p.currentName();
            JsonToken v = p.nextToken();
            if (m.equals("received_at") && v == JsonToken.VALUE_STRING) {
              receivedAt = p.getText();
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("an event of the feed is not JSON: " + e.getMessage(), e);
    }
    if (id == null || receivedAt == null) {
      throw new IllegalArgumentException("an event of the feed has no id or meta.received_at");
    }
    return new io.annals.hub.server.store.Position(java.time.Instant.parse(receivedAt), id);
  }

  /**
   * An export line without its {@code ledger} member: the event as the hub gave it, members and
   * their text unchanged, for import.
   */
  static String withoutLedger(String line) {
    StringBuilder s = new StringBuilder(line.length()).append('{');
    for (PayloadMember m : LeafEncoding.members(line)) {
      if (m.name().equals(ExportLine.LEDGER)) {
        continue;
      }
      if (s.length() > 1) {
        s.append(',');
      }
      s.append(quote(m.name())).append(':').append(m.valueJson());
    }
    return s.append('}').toString();
  }

  private static String quote(String name) {
    try {
      return HubHttp.JSON.writeValueAsString(name);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
