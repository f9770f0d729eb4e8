package io.annals.hub.wire;

/**
 * A position in a page's bytes, for the readers that match the canonical layout in place (the
 * SDK's feed reader, the export's page cutter): the byte steps they share, each of which gives up
 * with {@link NotCanonical} at a byte that does not fit, so that the reader can hand the page to
 * a tokenizer. Not thread-safe: one scanner per page.
 */
public abstract class CanonicalScanner {

  /** Thrown to give up; carries nothing, so one instance serves every reader. */
  protected static final NotCanonical NOT_CANONICAL = new NotCanonical();

  /** The page. */
  protected final byte[] b;
  /** Where the scan is in {@link #b}. */
  protected int at;

  protected CanonicalScanner(byte[] page) {
    this.b = page;
  }

  /** The byte at {@code i}; past the end, the page is truncated. */
  protected final byte byteAt(int i) {
    if (i >= b.length) {
      throw NOT_CANONICAL;
    }
    return b[i];
  }

  protected final boolean take(byte c) {
    if (at < b.length && b[at] == c) {
      at++;
      return true;
    }
    return false;
  }

  protected final void expect(byte c) {
    if (!take(c)) {
      throw NOT_CANONICAL;
    }
  }

  protected final boolean take(ByteRun expected) {
    if (expected.matches(b, at)) {
      at += expected.length();
      return true;
    }
    return false;
  }

  protected final void expect(ByteRun expected) {
    if (!take(expected)) {
      throw NOT_CANONICAL;
    }
  }

  /** The page is not in the canonical layout: read it with a tokenizer. */
  public static final class NotCanonical extends RuntimeException {
    private NotCanonical() {
      super("not in the hub's canonical page layout", null, false, false);
    }
  }
}
