package io.annals.ops.history;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.annals.hub.server.ledger.LeafEncoding;
import io.annals.hub.server.ledger.PayloadMember;
import io.annals.hub.server.store.Position;
import io.annals.hub.wire.WireTime;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Events and leaves cut out of the hub's pages as the exact bytes the hub wrote, never re-encoded:
 * a payload's decimals ({@code 3.0000}) and member order must reach the export byte for byte,
 * because the ledger's payload commitment is over that text (docs/ledger.md). One streaming pass
 * per page over its UTF-8 bytes also picks out what the export needs of each element (an event's
 * feed position, a leaf's event id), so no tree is built and no text is decoded but those.
 */
final class PageEvents {

  private static final JsonFactory JSON = new JsonFactory();

  private PageEvents() {}

  /**
   * An element of a page: where its bytes lie in the page ({@code [start, end)}, from its
   * {@code {} to its {@code }}), its {@code id}, and its position in the feed, from its (or its
   * meta's) {@code received_at}; null when it has none.
   */
  record Element(byte[] page, int start, int end, String id, Position position) {

    /** Writes the element's bytes, its closing brace left out when {@code open}. */
    void writeTo(OutputStream out, boolean open) throws IOException {
      out.write(page, start, end - start - (open ? 1 : 0));
    }
  }

  /** A page: its elements in order, and its {@code next} (a cursor, or a leaf index), null when absent or null. */
  record Page(List<Element> elements, String next) {}

  /**
   * The elements of the page's top-level array {@code array} ("events", "leaves"), in order, and
   * {@code next}: matched in place when the page is in the hub's canonical layout ({@link
   * CanonicalPages}), else tokenized.
   */
  static Page of(byte[] page, String array) {
    Page canonical = switch (array) {
      case "events" -> CanonicalPages.feed(page);
      case "leaves" -> CanonicalPages.leaves(page);
      default -> null;
    };
    return canonical != null ? canonical : tokenized(page, array);
  }

  /** {@link #of}, always by Jackson's tokenizer: any JSON with these members. */
  static Page tokenized(byte[] page, String array) {
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
            int start = (int) p.currentTokenLocation().getByteOffset();
            String[] idAndTime = new String[2];
            readElement(p, idAndTime);
            int end = (int) p.currentLocation().getByteOffset();
            elements.add(new Element(page, start, end, idAndTime[0], idAndTime[1] == null ? null : position(idAndTime)));
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

  /** The hub's canonical time read digit by digit ({@link Instant#parse} took a microsecond a time, twice per event). */
  private static Position position(String[] idAndTime) {
    return new Position(WireTime.parse(idAndTime[1]), idAndTime[0]);
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
