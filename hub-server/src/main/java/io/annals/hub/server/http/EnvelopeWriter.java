package io.annals.hub.server.http;

import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

/**
 * Writes feed pages and envelopes as UTF-8 JSON straight into a byte array: the hot path of feed
 * paging. Jackson's generator took 18% of the feed's CPU, most of it copying each string through a
 * char buffer and checking it char by char; here a string is encoded once (ASCII text is a plain
 * copy inside {@link String#getBytes}) and its bytes checked for the few that need escaping. The
 * text is byte for byte what Jackson writes from the tree-built envelope ({@code EventJsonPageTest}
 * holds it to that): the same member order, the same escapes ({@code \"}, {@code \\}, the short
 * forms of control characters, {@code \}{@code u00XX} with upper-case digits for the others, the
 * two surrogates of a character outside the BMP as escapes), and other non-ASCII characters as
 * UTF-8. Times as {@link EventJson#time}. One writer per answer: not thread-safe.
 */
final class EnvelopeWriter {

  private static final byte[] HEX = ascii("0123456789ABCDEF");
  private static final byte[] PAGE_START = ascii("{\"events\":[");
  private static final byte[] PAGE_NEXT = ascii("],\"next\":");
  private static final byte[] NULL = ascii("null");
  private static final byte[] PAGE_STABLE_UNTIL = ascii(",\"stable_until\":");
  private static final byte[] ID = ascii("{\"id\":");
  private static final byte[] SERVICE = ascii(",\"meta\":{\"service\":");
  private static final byte[] TYPE = ascii(",\"type\":");
  private static final byte[] CREATED_AT = ascii(",\"created_at\":");
  private static final byte[] AGGREGATE_ID = ascii(",\"aggregate_id\":");
  private static final byte[] CORRELATION_ID = ascii(",\"correlation_id\":");
  private static final byte[] RECEIVED_AT = ascii(",\"received_at\":");
  private static final byte[] PAYLOAD = ascii("},\"payload\":");

  private byte[] out;
  private int size;
  /** The last date written, as {@code uuuu-MM-dd}: the events of a page mostly share their days. */
  private long cachedDay = Long.MIN_VALUE;
  private final byte[] cachedDate = new byte[10];

  EnvelopeWriter(int expectedBytes) {
    out = new byte[Math.max(64, expectedBytes)];
  }

  /** {@code {"events": [envelope...], "next": next, "stable_until": stableUntil}}, as {@link EventJson#page}. */
  byte[] page(List<StoredEvent> events, String next, Instant stableUntil) {
    bytes(PAGE_START);
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) {
        add((byte) ',');
      }
      envelope(events.get(i).event(), events.get(i).receivedAt());
    }
    bytes(PAGE_NEXT);
    if (next == null) {
      bytes(NULL);
    } else {
      string(next);
    }
    if (stableUntil != null) {
      bytes(PAGE_STABLE_UNTIL);
      time(stableUntil);
    }
    add((byte) '}');
    return Arrays.copyOf(out, size);
  }

  /** One envelope, as {@link EventJson#envelope(Event, Instant)}. */
  byte[] event(Event event, Instant receivedAt) {
    envelope(event, receivedAt);
    return Arrays.copyOf(out, size);
  }

  private void envelope(Event event, Instant receivedAt) {
    bytes(ID);
    string(event.id());
    bytes(SERVICE);
    string(event.service());
    bytes(TYPE);
    string(event.type());
    bytes(CREATED_AT);
    time(event.createdAt());
    bytes(AGGREGATE_ID);
    string(event.aggregateId());
    if (event.correlationId() != null) {
      bytes(CORRELATION_ID);
      string(event.correlationId());
    }
    if (receivedAt != null) {
      bytes(RECEIVED_AT);
      time(receivedAt);
    }
    bytes(PAYLOAD);
    // The stored text itself, never re-encoded, so decimals come back as sent.
    bytes(event.payloadJson().getBytes(StandardCharsets.UTF_8));
    add((byte) '}');
  }

  /** A JSON string: quoted, escaped where JSON needs it; runs of bytes that need nothing are copied whole. */
  private void string(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    add((byte) '"');
    int plainFrom = 0;
    for (int i = 0; i < utf8.length; i++) {
      byte b = utf8[i];
      if (b == '"' || b == '\\' || (b >= 0 && b < 0x20)) {
        bytes(utf8, plainFrom, i);
        escape(b);
        plainFrom = i + 1;
      } else if ((b & 0xF8) == 0xF0 && i + 3 < utf8.length) {
        // Outside the BMP: Jackson writes the two surrogates as escapes, and so do we.
        bytes(utf8, plainFrom, i);
        int codePoint = (b & 0x07) << 18 | (utf8[i + 1] & 0x3F) << 12 | (utf8[i + 2] & 0x3F) << 6 | (utf8[i + 3] & 0x3F);
        unicodeEscape(Character.highSurrogate(codePoint));
        unicodeEscape(Character.lowSurrogate(codePoint));
        i += 3;
        plainFrom = i + 1;
      }
    }
    bytes(utf8, plainFrom, utf8.length);
    add((byte) '"');
  }

  /** A quote, a backslash or a control character: the short escape where JSON has one, else {@code \}{@code u00XX}. */
  private void escape(byte b) {
    byte shortForm = switch (b) {
      case '"', '\\' -> b;
      case '\b' -> 'b';
      case '\t' -> 't';
      case '\n' -> 'n';
      case '\f' -> 'f';
      case '\r' -> 'r';
      default -> 0;
    };
    if (shortForm == 0) {
      unicodeEscape((char) b);
      return;
    }
    room(2);
    out[size++] = '\\';
    out[size++] = shortForm;
  }

  /** {@code \}{@code uXXXX}, upper-case hex digits. */
  private void unicodeEscape(char c) {
    room(6);
    out[size++] = '\\';
    out[size++] = 'u';
    out[size++] = HEX[c >> 12 & 0xF];
    out[size++] = HEX[c >> 8 & 0xF];
    out[size++] = HEX[c >> 4 & 0xF];
    out[size++] = HEX[c & 0xF];
  }

  /** A quoted time, {@code "uuuu-MM-ddTHH:mm:ss.SSSSSSZ"}; years outside 0..9999 (never stored) through {@link EventJson#time}. */
  private void time(Instant t) {
    long seconds = t.getEpochSecond();
    long day = Math.floorDiv(seconds, 86_400);
    if (day != cachedDay) {
      LocalDate date = LocalDate.ofEpochDay(day);
      if (date.getYear() < 0 || date.getYear() > 9999) {
        string(EventJson.time(t));
        return;
      }
      digits(cachedDate, 0, date.getYear(), 4);
      cachedDate[4] = '-';
      digits(cachedDate, 5, date.getMonthValue(), 2);
      cachedDate[7] = '-';
      digits(cachedDate, 8, date.getDayOfMonth(), 2);
      cachedDay = day;
    }
    int secondOfDay = (int) (seconds - day * 86_400);
    room(29);
    out[size++] = '"';
    System.arraycopy(cachedDate, 0, out, size, 10);
    size += 10;
    out[size++] = 'T';
    digits(out, size, secondOfDay / 3_600, 2);
    out[size + 2] = ':';
    digits(out, size + 3, secondOfDay / 60 % 60, 2);
    out[size + 5] = ':';
    digits(out, size + 6, secondOfDay % 60, 2);
    out[size + 8] = '.';
    digits(out, size + 9, t.getNano() / 1000, 6);
    out[size + 15] = 'Z';
    out[size + 16] = '"';
    size += 17;
  }

  private static void digits(byte[] into, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      into[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  /** Member names and punctuation, which need no escaping. */
  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private void bytes(byte[] utf8) {
    bytes(utf8, 0, utf8.length);
  }

  /** {@code utf8[from, to)}. */
  private void bytes(byte[] utf8, int from, int to) {
    room(to - from);
    System.arraycopy(utf8, from, out, size, to - from);
    size += to - from;
  }

  private void add(byte b) {
    room(1);
    out[size++] = b;
  }

  private void room(int more) {
    if (size + more > out.length) {
      out = Arrays.copyOf(out, Math.max(out.length * 2, size + more));
    }
  }
}
