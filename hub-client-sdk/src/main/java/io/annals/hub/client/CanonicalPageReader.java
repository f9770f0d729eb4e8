package io.annals.hub.client;

import io.annals.hub.wire.CanonicalScanner;
import io.annals.hub.wire.FeedWire;
import io.annals.hub.wire.WireTime;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a feed page laid out exactly as the hub writes it ({@link FeedWire}'s canonical layout):
 * members in the hub's order, no whitespace between them, envelope strings in plain ASCII without
 * escapes, times as {@link WireTime}. Matching those bytes directly costs a fraction of what a
 * tokenizer spends per event (Jackson's decoding was a fifth of the feed's CPU).
 *
 * <p>It never decides a doubtful case: at the first byte that does not fit (an escape, a
 * non-ASCII envelope string, another member order, a number Jackson might refuse, a payload nested
 * deeper than {@link #MAX_DEPTH}, a truncated page) it gives up, and {@link FeedJson} reads the
 * page with Jackson, which then accepts or refuses it as before. So what this reader accepts must
 * read exactly as Jackson reads it; {@code CanonicalPageReaderTest} holds the two to that, on
 * generated pages and on their corruptions. Payloads are checked against JSON's grammar (and
 * their strings for well-formed UTF-8) without building anything, so a page whose payload is not
 * JSON still fails when it is read, not later.
 */
final class CanonicalPageReader extends CanonicalScanner {

  /** Payloads nested deeper than this go to Jackson (whose own limit is far higher). */
  static final int MAX_DEPTH = 64;
  /** Longer numbers go to Jackson, which refuses numbers of more than 1,000 characters. */
  private static final int MAX_NUMBER_LENGTH = 100;

  /** Where the last time read starts in {@link #b} (-1: none yet), and its day. */
  private int lastDateAt = -1;
  private long lastEpochDay;

  private CanonicalPageReader(byte[] body) {
    super(body);
  }

  /** The page in {@code body}, or null when it is not in the hub's canonical layout (read it with Jackson then). */
  static FeedPage read(byte[] body) {
    try {
      return new CanonicalPageReader(body).page();
    } catch (NotCanonical e) {
      return null;
    }
  }

  private FeedPage page() {
    expect(FeedWire.PAGE_START);
    List<ReceivedEvent> events = new ArrayList<>();
    if (byteAt(at) != ']') {
      events.add(envelope());
      while (take((byte) ',')) {
        events.add(envelope());
      }
    }
    expect(FeedWire.PAGE_NEXT);
    String next = take(FeedWire.NULL) ? null : string();
    Instant stableUntil = take(FeedWire.PAGE_STABLE_UNTIL) ? quotedTime() : null;
    expect((byte) '}');
    if (at != b.length) {
      throw NOT_CANONICAL;
    }
    return new FeedPage(List.copyOf(events), next, stableUntil);
  }

  private ReceivedEvent envelope() {
    expect(FeedWire.ENVELOPE_ID);
    String id = string();
    expect(FeedWire.ENVELOPE_SERVICE);
    String service = string();
    expect(FeedWire.ENVELOPE_TYPE);
    String type = string();
    expect(FeedWire.ENVELOPE_CREATED_AT);
    Instant createdAt = quotedTime();
    expect(FeedWire.ENVELOPE_AGGREGATE_ID);
    String aggregateId = string();
    String correlationId = take(FeedWire.ENVELOPE_CORRELATION_ID) ? string() : null;
    expect(FeedWire.ENVELOPE_RECEIVED_AT);
    Instant receivedAt = quotedTime();
    expect(FeedWire.ENVELOPE_PAYLOAD);
    // Objects and arrays only: Jackson's path keeps other payloads as trees, not text.
    byte first = byteAt(at);
    if (first != '{' && first != '[') {
      throw NOT_CANONICAL;
    }
    int start = at;
    value(0);
    byte[] payload = Arrays.copyOfRange(b, start, at);
    expect((byte) '}');
    return ReceivedEvent.withPayloadText(id, service, type, createdAt, aggregateId, correlationId, receivedAt, payload);
  }

  /** A quoted string of printable ASCII without escapes. */
  private String string() {
    expect((byte) '"');
    int from = at;
    byte c;
    while ((c = byteAt(at)) != '"') {
      if (c < 0x20 || c == '\\') { // a negative byte is not ASCII
        throw NOT_CANONICAL;
      }
      at++;
    }
    String text = new String(b, from, at - from, StandardCharsets.ISO_8859_1);
    at++;
    return text;
  }

  /**
   * A quoted time. The times of a page mostly share their dates, so a date equal to the last one
   * read is not read again (reading the digits was 2% of the feed's CPU).
   */
  private Instant quotedTime() {
    if (byteAt(at) != '"' || byteAt(at + 28) != '"') {
      throw NOT_CANONICAL;
    }
    int from = at + 1;
    Instant time = lastDateAt >= 0 && sameDate(from) ? WireTime.readTimeOfDay(b, from, lastEpochDay) : WireTime.read(b, from);
    if (time == null) {
      throw NOT_CANONICAL;
    }
    lastEpochDay = Math.floorDiv(time.getEpochSecond(), 86_400);
    lastDateAt = from;
    at += 29;
    return time;
  }

  private boolean sameDate(int from) {
    for (int i = 0; i < 10; i++) {
      if (b[from + i] != b[lastDateAt + i]) {
        return false;
      }
    }
    return true;
  }

  // JSON's grammar (RFC 8259), checked without building anything.

  private void value(int depth) {
    switch (byteAt(at)) {
      case '{' -> container(depth + 1, (byte) '}');
      case '[' -> container(depth + 1, (byte) ']');
      case '"' -> skipString();
      case 't' -> expect(FeedWire.TRUE);
      case 'f' -> expect(FeedWire.FALSE);
      case 'n' -> expect(FeedWire.NULL);
      default -> number();
    }
  }

  /** An object ({@code close} is '}': members are name, colon, value) or an array ({@code close} is ']'). */
  private void container(int depth, byte close) {
    if (depth > MAX_DEPTH) {
      throw NOT_CANONICAL;
    }
    at++;
    whitespace();
    if (take(close)) {
      return;
    }
    do {
      whitespace();
      if (close == '}') {
        if (byteAt(at) != '"') {
          throw NOT_CANONICAL;
        }
        skipString();
        whitespace();
        expect((byte) ':');
        whitespace();
      }
      value(depth);
      whitespace();
    } while (take((byte) ','));
    expect(close);
  }

  /** A string value: JSON's escapes, no control characters, well-formed UTF-8. */
  private void skipString() {
    at++;
    while (true) {
      byte c = byteAt(at++);
      if (c == '"') {
        return;
      } else if (c == '\\') {
        escape();
      } else if (c < 0) {
        utf8(c);
      } else if (c < 0x20) {
        throw NOT_CANONICAL;
      }
    }
  }

  private void escape() {
    byte e = byteAt(at++);
    switch (e) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> { }
      case 'u' -> {
        for (int i = 0; i < 4; i++) {
          if (Character.digit(byteAt(at++), 16) < 0) {
            throw NOT_CANONICAL;
          }
        }
      }
      default -> throw NOT_CANONICAL;
    }
  }

  /** The rest of a multi-byte character whose first byte is {@code lead}: RFC 3629's well-formed sequences only. */
  private void utf8(byte lead) {
    int l = lead & 0xFF;
    int min = 0x80;
    int max = 0xBF;
    int continuations;
    if (l >= 0xC2 && l <= 0xDF) {
      continuations = 1;
    } else if (l >= 0xE0 && l <= 0xEF) {
      continuations = 2;
      min = l == 0xE0 ? 0xA0 : 0x80; // no overlong forms
      max = l == 0xED ? 0x9F : 0xBF; // no surrogates
    } else if (l >= 0xF0 && l <= 0xF4) {
      continuations = 3;
      min = l == 0xF0 ? 0x90 : 0x80;
      max = l == 0xF4 ? 0x8F : 0xBF; // nothing above U+10FFFF
    } else {
      throw NOT_CANONICAL;
    }
    for (int i = 0; i < continuations; i++) {
      int c = byteAt(at++) & 0xFF;
      if (c < min || c > max) {
        throw NOT_CANONICAL;
      }
      min = 0x80;
      max = 0xBF;
    }
  }

  /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
  private void number() {
    int start = at;
    take((byte) '-');
    if (!take((byte) '0')) {
      if (!isDigit(byteAt(at))) {
        throw NOT_CANONICAL;
      }
      skipDigits();
    }
    if (take((byte) '.')) {
      requireDigits();
    }
    if (take((byte) 'e') || take((byte) 'E')) {
      if (!take((byte) '+')) {
        take((byte) '-');
      }
      requireDigits();
    }
    if (at - start > MAX_NUMBER_LENGTH) {
      throw NOT_CANONICAL;
    }
  }

  private void requireDigits() {
    if (!isDigit(byteAt(at))) {
      throw NOT_CANONICAL;
    }
    skipDigits();
  }

  private void skipDigits() {
    while (at < b.length && isDigit(b[at])) {
      at++;
    }
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  private void whitespace() {
    while (at < b.length && (b[at] == ' ' || b[at] == '\n' || b[at] == '\r' || b[at] == '\t')) {
      at++;
    }
  }
}
