package io.annals.ops.history;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.annals.hub.server.ledger.LeafEncoding;
import io.annals.hub.server.ledger.PayloadMember;
import io.annals.hub.server.store.Position;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Events and leaves cut out of the hub's pages as the exact text the hub wrote, never re-encoded:
 * a payload's decimals ({@code 3.0000}) and member order must reach the export byte for byte,
 * because the ledger's payload commitment is over that text (docs/ledger.md). One streaming pass
 * per page also picks out what the export needs of each element (an event's feed position, a
 * leaf's event id), so no tree is built.
 */
final class PageEvents {

  private static final JsonFactory JSON = new JsonFactory();

  private PageEvents() {}

  /** An element of a page: its exact text, and the {@code id} and {@code meta.received_at} (or {@code received_at}) it holds. */
  record Element(String text, String id, String receivedAt) {
    Position position() {
      return new Position(Instant.parse(receivedAt), id);
    }
  }

  /** A page: its elements' texts in order, and its {@code next} (a cursor, or a leaf index), null when absent or null. */
  record Page(List<Element> elements, String next) {}

  /** The elements of the page's top-level array {@code array} ("events", "leaves"), in order, and {@code next}. */
  static Page of(String page, String array) {
    List<Element> elements = new ArrayList<>();
    String next = null;
    try (JsonParser p = JSON.createParser(page)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("a page is a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("next") && value.isScalarValue() && value != JsonToken.VALUE_NULL) {
          next = p.getText();
        } else if (name.equals(array) && value == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            int start = (int) p.currentTokenLocation().getCharOffset();
            String[] idAndTime = new String[2];
            readElement(p, idAndTime);
            int end = (int) p.currentLocation().getCharOffset();
            elements.add(new Element(page.substring(start, end), idAndTime[0], idAndTime[1]));
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("the hub's page is not JSON: " + e.getMessage(), e);
    }
    return new Page(elements, next);
  }

  /** Reads one object to its end, keeping its {@code id} and its (or its meta's) {@code received_at}. */
  private static void readElement(JsonParser p, String[] idAndTime) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals("id") && value == JsonToken.VALUE_STRING) {
        idAndTime[0] = p.getText();
      } else if (name.equals("received_at") && value == JsonToken.VALUE_STRING) {
        idAndTime[1] = p.getText();
      } else if (name.equals("meta") && value == JsonToken.START_OBJECT) {
        String[] meta = new String[2];
        readElement(p, meta);
        idAndTime[1] = meta[1]; // an event's received_at is in its meta
      } else {
        p.skipChildren();
      }
    }
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
      s.append(LegacyMapping.quote(m.name())).append(':').append(m.valueJson());
    }
    return s.append('}').toString();
  }
}
