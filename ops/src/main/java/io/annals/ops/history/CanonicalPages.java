package io.annals.ops.history;

import io.annals.hub.server.store.Position;
import io.annals.hub.wire.ByteRun;
import io.annals.hub.wire.CanonicalScanner;
import io.annals.hub.wire.FeedWire;
import io.annals.hub.wire.LeavesWire;
import io.annals.hub.wire.WireTime;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Cuts a feed page or a page of leaves laid out exactly as the hub writes them ({@link FeedWire}'s
 * and {@link LeavesWire}'s canonical layouts) by matching those bytes in place, as the SDK's
 * reader does: Jackson's tokenizer took most of the export's read-ahead CPU, and its compilation
 * much of the JIT's in a short export (issue 26).
 *
 * <p>It never decides a doubtful case: at the first byte that does not fit (an escape or a
 * non-ASCII byte in an id or a member of the layout, {@code meta.extensions}, another member
 * order, whitespace, a payload that is not an object or array, brackets that do not pair up, a
 * truncated page) it gives up and {@link PageEvents} tokenizes the page, which then accepts or
 * refuses it as before; {@code CanonicalPagesTest} holds the two to the same elements. A
 * payload's or the salts' inside is skipped by its strings and brackets, not checked against
 * JSON's grammar: it is the hub's stored text, which the hub checked when the event came in, and
 * {@code verify export} parses every line again.
 */
final class CanonicalPages extends CanonicalScanner {

  /** Payloads nested deeper than this go to the tokenizer. */
  static final int MAX_DEPTH = 64;

  private CanonicalPages(byte[] page) {
    super(page);
  }

  /** The events of a feed page, or null when it is not in the canonical layout. */
  static PageEvents.Page feed(byte[] page) {
    try {
      return new CanonicalPages(page).feedPage();
    } catch (NotCanonical e) {
      return null;
    }
  }

  /** The leaves of a page of leaves, or null when it is not in the canonical layout. */
  static PageEvents.Page leaves(byte[] page) {
    try {
      return new CanonicalPages(page).leavesPage();
    } catch (NotCanonical e) {
      return null;
    }
  }

  private PageEvents.Page feedPage() {
    List<PageEvents.Element> events = elements(FeedWire.PAGE_START, this::envelope);
    expect(FeedWire.PAGE_NEXT);
    String next = take(FeedWire.NULL) ? null : string();
    if (take(FeedWire.PAGE_STABLE_UNTIL)) {
      time();
    }
    end();
    return new PageEvents.Page(events, next);
  }

  /** {@code start}, then the page's array of elements, each read by {@code element}, to its closing bracket (not read). */
  private List<PageEvents.Element> elements(ByteRun start, Supplier<PageEvents.Element> element) {
    expect(start);
    List<PageEvents.Element> elements = new ArrayList<>();
    if (byteAt(at) != ']') {
      do {
        elements.add(element.get());
      } while (take((byte) ','));
    }
    return elements;
  }

  private PageEvents.Element envelope() {
    int start = at;
    expect(FeedWire.ENVELOPE_ID);
    String id = string();
    expect(FeedWire.ENVELOPE_SERVICE);
    skipString();
    expect(FeedWire.ENVELOPE_TYPE);
    skipString();
    expect(FeedWire.ENVELOPE_CREATED_AT);
    time();
    expect(FeedWire.ENVELOPE_AGGREGATE_ID);
    skipString();
    if (take(FeedWire.ENVELOPE_CORRELATION_ID)) {
      skipString();
    }
    expect(FeedWire.ENVELOPE_RECEIVED_AT);
    Instant receivedAt = time();
    expect(FeedWire.ENVELOPE_PAYLOAD);
    container();
    expect((byte) '}');
    return new PageEvents.Element(b, start, at, id, new Position(receivedAt, id));
  }

  private PageEvents.Page leavesPage() {
    List<PageEvents.Element> leaves = elements(LeavesWire.PAGE_START, this::leaf);
    expect(LeavesWire.PAGE_NEXT);
    String next = take(FeedWire.NULL) ? null : digits();
    end();
    return new PageEvents.Page(leaves, next);
  }

  private PageEvents.Element leaf() {
    int start = at;
    expect(LeavesWire.LEAF_INDEX);
    digits();
    expect(LeavesWire.LEAF_ID);
    String id = string();
    expect(LeavesWire.LEAF_RECEIVED_AT);
    Instant receivedAt = time();
    expect(LeavesWire.LEAF_HASH);
    skipString();
    expect(LeavesWire.LEAF_PAYLOAD_SALTS);
    container();
    expect((byte) '}');
    return new PageEvents.Element(b, start, at, id, new Position(receivedAt, id));
  }

  private void end() {
    expect((byte) '}');
    if (at != b.length) {
      throw NOT_CANONICAL;
    }
  }

  /** A quoted string of printable ASCII without escapes, as text. */
  private String string() {
    int from = at + 1;
    skipString();
    return new String(b, from, at - 1 - from, StandardCharsets.ISO_8859_1);
  }

  /** A quoted string of printable ASCII without escapes. */
  private void skipString() {
    expect((byte) '"');
    byte c;
    while ((c = byteAt(at)) != '"') {
      if (c < 0x20 || c == '\\') { // a negative byte is not ASCII
        throw NOT_CANONICAL;
      }
      at++;
    }
    at++;
  }

  /** A quoted time in {@link WireTime}'s form. */
  private Instant time() {
    if (byteAt(at) != '"' || byteAt(at + WireTime.LENGTH + 1) != '"') {
      throw NOT_CANONICAL;
    }
    Instant t = WireTime.read(b, at + 1);
    if (t == null) {
      throw NOT_CANONICAL;
    }
    at += WireTime.LENGTH + 2;
    return t;
  }

  /** A whole number: digits, no sign, no leading zero but a lone 0. */
  private String digits() {
    int from = at;
    while (at < b.length && b[at] >= '0' && b[at] <= '9') {
      at++;
    }
    if (at == from || (b[from] == '0' && at - from > 1)) {
      throw NOT_CANONICAL;
    }
    return new String(b, from, at - from, StandardCharsets.ISO_8859_1);
  }

  /**
   * An object or an array, to its closing bracket: strings (any escape, any byte but control
   * characters) are passed over whole, and each closing bracket must pair with its opening one.
   */
  private void container() {
    if (byteAt(at) != '{' && byteAt(at) != '[') {
      throw NOT_CANONICAL; // a payload that is a string, number or literal: the tokenizer's case
    }
    long objects = 0; // bit d: the container at depth d is an object
    int depth = 0;
    do {
      byte c = byteAt(at++);
      switch (c) {
        case '"' -> passString();
        case '{', '[' -> {
          if (depth == MAX_DEPTH) {
            throw NOT_CANONICAL;
          }
          objects = c == '{' ? objects | 1L << depth : objects & ~(1L << depth);
          depth++;
        }
        case '}', ']' -> {
          if (depth == 0 || ((objects >>> (depth - 1) & 1) == 1) != (c == '}')) {
            throw NOT_CANONICAL;
          }
          depth--;
        }
        default -> { }
      }
    } while (depth > 0);
  }

  /** The rest of a string whose opening quote is read: escapes passed over, control characters refused. */
  private void passString() {
    while (true) {
      byte c = byteAt(at++);
      if (c == '"') {
        return;
      }
      if (c == '\\') {
        byteAt(at++);
      } else if (c >= 0 && c < 0x20) {
        throw NOT_CANONICAL;
      }
    }
  }
}
