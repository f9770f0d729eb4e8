package io.annals.hub.server.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * The right edge of the tree: the roots of its complete subtrees, one per set bit of the size,
 * largest first. Appending a leaf merges equal-sized subtrees (as binary addition carries), and
 * every merge is a complete subtree hash to store; so an append computes and stores O(log n)
 * hashes and reads none. Not thread-safe: one appender owns it.
 */
public final class CompactRange {

  /** A complete subtree's hash, to be stored. */
  public record Node(int level, long index, byte[] hash) {}

  private long size;
  // hashes.get(i) is the root of the i-th complete subtree from the left.
  private final List<byte[]> hashes;

  private CompactRange(long size, List<byte[]> hashes) {
    this.size = size;
    this.hashes = hashes;
  }

  /** The edge of a stored tree of {@code size} leaves, read from its stored hashes (one read per set bit). */
  public static CompactRange of(long size, NodeSource nodes) {
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, was " + size);
    }
    List<byte[]> hashes = new ArrayList<>();
    long start = 0;
    for (int level = 63; level >= 0; level--) {
      long width = 1L << level;
      if ((size & width) != 0) {
        hashes.add(nodes.node(level, start >>> level));
        start += width;
      }
    }
    return new CompactRange(size, hashes);
  }

  public long size() {
    return size;
  }

  /** Its complete subtrees' hashes, largest first, concatenated: for {@link #ofEdge}. */
  public byte[] edge() {
    byte[] out = new byte[hashes.size() * 32];
    for (int i = 0; i < hashes.size(); i++) {
      System.arraycopy(hashes.get(i), 0, out, i * 32, 32);
    }
    return out;
  }

  /** The range of {@code size} leaves whose {@link #edge()} was {@code edge}. */
  public static CompactRange ofEdge(long size, byte[] edge) {
    if (size < 0 || edge.length != Long.bitCount(size) * 32) {
      throw new IllegalArgumentException("an edge of " + size + " leaves has " + Long.bitCount(size) + " hashes of 32 bytes, not "
          + edge.length + " bytes");
    }
    List<byte[]> hashes = new ArrayList<>();
    for (int i = 0; i < edge.length; i += 32) {
      hashes.add(java.util.Arrays.copyOfRange(edge, i, i + 32));
    }
    return new CompactRange(size, hashes);
  }

  /** Appends a leaf hash; answers the complete subtree hashes it creates, the leaf first. */
  public List<Node> append(byte[] leafHash) {
    List<Node> created = new ArrayList<>();
    long index = size;
    created.add(new Node(0, index, leafHash));
    byte[] carry = leafHash;
    int level = 0;
    while (((index >>> level) & 1) == 1) {
      byte[] left = hashes.remove(hashes.size() - 1);
      carry = Rfc6962.nodeHash(left, carry);
      level++;
      created.add(new Node(level, index >>> level, carry));
    }
    hashes.add(carry);
    size++;
    return created;
  }

  /** The root of the tree so far: its complete subtrees folded from the right. */
  public byte[] root() {
    if (hashes.isEmpty()) {
      return Rfc6962.emptyRoot();
    }
    byte[] r = hashes.get(hashes.size() - 1);
    for (int i = hashes.size() - 2; i >= 0; i--) {
      r = Rfc6962.nodeHash(hashes.get(i), r);
    }
    return r;
  }
}
