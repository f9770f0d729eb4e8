package io.annals.hub.server.http;

import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.ledger.LedgerLeaf;
import io.annals.hub.wire.ByteRun;
import io.annals.hub.wire.FeedWire;
import io.annals.hub.wire.LeavesWire;
import io.annals.hub.wire.WireTime;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
 * UTF-8. The layout's member names and punctuation are {@link FeedWire}'s, its times {@link
 * WireTime}'s: the SDK reads the same definitions. Pages of ledger leaves ({@link LeavesWire})
 * are written the same way, for the same reason: as a Jackson tree they cost the hub more than the
 * feed page they go with (issue 26). One writer per answer: not thread-safe.
 */
final class EnvelopeWriter {

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LOWER_HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

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
    run(FeedWire.PAGE_START);
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) {
        add((byte) ',');
      }
      envelope(events.get(i).event(), events.get(i).receivedAt());
    }
    run(FeedWire.PAGE_NEXT);
    if (next == null) {
      run(FeedWire.NULL);
    } else {
      string(next);
    }
    if (stableUntil != null) {
      run(FeedWire.PAGE_STABLE_UNTIL);
      time(stableUntil);
    }
    add((byte) '}');
    return Arrays.copyOf(out, size);
  }

  /**
   * {@code {"leaves": [leaf...], "next": next}} ({@link LeavesWire}), as {@link EventJson#leaves}:
   * hashes in lower-case hex, the salts as stored (the very object served).
   */
  byte[] leaves(List<LedgerLeaf> leaves, Long next) {
    run(LeavesWire.PAGE_START);
    for (int i = 0; i < leaves.size(); i++) {
      LedgerLeaf leaf = leaves.get(i);
      if (i > 0) {
        add((byte) ',');
      }
      run(LeavesWire.LEAF_INDEX);
      number(leaf.index());
      run(LeavesWire.LEAF_ID);
      string(leaf.eventId());
      run(LeavesWire.LEAF_RECEIVED_AT);
      time(leaf.receivedAt());
      run(LeavesWire.LEAF_HASH);
      lowerHex(leaf.leafHash());
      run(LeavesWire.LEAF_PAYLOAD_SALTS);
      bytes(leaf.saltsJson().getBytes(StandardCharsets.UTF_8));
      add((byte) '}');
    }
    run(LeavesWire.PAGE_NEXT);
    if (next == null) {
      run(FeedWire.NULL);
    } else {
      number(next);
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
    run(FeedWire.ENVELOPE_ID);
    string(event.id());
    run(FeedWire.ENVELOPE_SERVICE);
    string(event.service());
    run(FeedWire.ENVELOPE_TYPE);
    string(event.type());
    run(FeedWire.ENVELOPE_CREATED_AT);
    time(event.createdAt());
    run(FeedWire.ENVELOPE_AGGREGATE_ID);
    string(event.aggregateId());
    if (event.correlationId() != null) {
      run(FeedWire.ENVELOPE_CORRELATION_ID);
      string(event.correlationId());
    }
    if (receivedAt != null) {
      run(FeedWire.ENVELOPE_RECEIVED_AT);
      time(receivedAt);
    }
    if (!event.extensions().isEmpty()) {
      run(FeedWire.ENVELOPE_EXTENSIONS);
      boolean first = true;
      for (var ext : event.extensions().entrySet()) {
        if (!first) {
          add((byte) ',');
        }
        first = false;
        string(ext.getKey());
        add((byte) ':');
        string(ext.getValue());
      }
      add((byte) '}');
    }
    run(FeedWire.ENVELOPE_PAYLOAD);
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

  /** A quoted time as {@link WireTime}; years outside 0..9999 (never stored) through {@link WireTime#format}. */
  private void time(Instant t) {
    long seconds = t.getEpochSecond();
    long day = Math.floorDiv(seconds, 86_400);
    if (day != cachedDay) {
      if (!WireTime.writeDate(day, cachedDate, 0)) {
        string(WireTime.format(t));
        return;
      }
      cachedDay = day;
    }
    room(WireTime.LENGTH + 2);
    out[size++] = '"';
    System.arraycopy(cachedDate, 0, out, size, 10);
    WireTime.writeTimeOfDay((int) (seconds - day * 86_400), t.getNano() / 1000, out, size + 10);
    size += WireTime.LENGTH;
    out[size++] = '"';
  }

  /** A whole number, in decimal. */
  private void number(long n) {
    String digits = Long.toString(n);
    room(digits.length());
    for (int i = 0; i < digits.length(); i++) {
      out[size++] = (byte) digits.charAt(i);
    }
  }

  /** Quoted lower-case hex of {@code bytes}. */
  private void lowerHex(byte[] bytes) {
    room(2 * bytes.length + 2);
    out[size++] = '"';
    for (byte b : bytes) {
      out[size++] = LOWER_HEX[b >> 4 & 0xF];
      out[size++] = LOWER_HEX[b & 0xF];
    }
    out[size++] = '"';
  }

  /** A run of the canonical layout ({@link FeedWire}). */
  private void run(ByteRun run) {
    room(run.length());
    size = run.copyTo(out, size);
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
