package io.annals.hub.server.ledger;

import io.annals.hub.server.store.Position;
import java.util.Objects;

/**
 * Where the scrub's pass stands, kept in the ledger's store so that a restarted hub resumes the
 * pass rather than starting over (a pass over 10 M leaves at 1000 a second takes hours).
 *
 * @param passSize the tree size the pass checks up to
 * @param next the next leaf to check (0 &lt; next &lt; passSize)
 * @param edge the pass's own recomputed compact range over leaves {@code 0..next-1}
 *     ({@link CompactRange#edge()}), so that the resumed pass trusts no stored subtree hash
 * @param after the feed position of the last event checked
 */
public record ScrubMark(long passSize, long next, byte[] edge, Position after) {

  public ScrubMark {
    Objects.requireNonNull(edge, "edge");
    Objects.requireNonNull(after, "after");
    if (next < 1 || next >= passSize) {
      throw new IllegalArgumentException("a scrub mark needs 0 < next < passSize, was next " + next + " of " + passSize);
    }
    if (edge.length != Long.bitCount(next) * 32) {
      throw new IllegalArgumentException("the edge of " + next + " leaves has " + Long.bitCount(next) + " hashes, not "
          + edge.length / 32.0);
    }
  }
}
