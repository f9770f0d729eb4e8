package io.annals.hub.wire;

import java.nio.charset.StandardCharsets;

/**
 * A fixed run of ASCII bytes of the canonical page layout (member names with their quotes, colons
 * and braces), which the hub copies out and the SDK matches in place. Immutable: the bytes never
 * leave this class, so no side can change what the other writes or expects.
 */
public final class ByteRun {

  private final byte[] bytes;

  private ByteRun(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The run of {@code ascii}'s bytes; only ASCII, so that characters and bytes are one to one. */
  static ByteRun of(String ascii) {
    if (!StandardCharsets.US_ASCII.newEncoder().canEncode(ascii)) {
      throw new IllegalArgumentException("a byte run must be ASCII, was: " + ascii);
    }
    return new ByteRun(ascii.getBytes(StandardCharsets.US_ASCII));
  }

  /** How many bytes the run holds. */
  public int length() {
    return bytes.length;
  }

  /** Copies the run into {@code out} at {@code at}, which must have room for {@link #length()} bytes; returns the end. */
  public int copyTo(byte[] out, int at) {
    System.arraycopy(bytes, 0, out, at, bytes.length);
    return at + bytes.length;
  }

  /**
   * True when {@code in} holds exactly this run at {@code at} (false when it ends first). A plain
   * loop: the runs are short, and {@code Arrays.equals} over ranges cost more in the SDK's profile.
   */
  public boolean matches(byte[] in, int at) {
    if (at < 0 || at + bytes.length > in.length) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      if (in[at + i] != bytes[i]) {
        return false;
      }
    }
    return true;
  }

  /** The run as text, for messages and tests. */
  @Override
  public String toString() {
    return new String(bytes, StandardCharsets.US_ASCII);
  }
}
