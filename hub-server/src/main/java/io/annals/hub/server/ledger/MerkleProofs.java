package io.annals.hub.server.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * Roots and proofs of the tree's first {@code size} leaves, computed from the stored hashes of
 * complete subtrees (RFC 9162 §2.1.1-2.1.4: MTH, PATH and PROOF, over index ranges instead of
 * lists of leaves).
 *
 * <p>Every range this recursion visits starts at a multiple of the largest power of two not
 * above its length, so its left part (of that power of two) is one stored complete subtree, and
 * a root reads at most one stored hash per level: O(log n) reads for a root, an inclusion proof
 * or a consistency proof.
 */
public final class MerkleProofs {

  private final NodeSource nodes;

  public MerkleProofs(NodeSource nodes) {
    this.nodes = nodes;
  }

  /** MTH(D[0:size]); the empty tree's root for 0. */
  public byte[] root(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, was " + size);
    }
    return size == 0 ? Rfc6962.emptyRoot() : range(0, size);
  }

  /** PATH(index, D[0:size]), the audit path from the leaf upwards. */
  public List<byte[]> inclusion(long index, long size) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + size);
    }
    List<byte[]> path = new ArrayList<>();
    path(index, 0, size, path);
    return path;
  }

  /** PROOF(first, D[0:second]) for {@code 0 < first <= second}; empty when they are equal. */
  public List<byte[]> consistency(long first, long second) {
    if (first <= 0 || second < first) {
      throw new IllegalArgumentException("no consistency proof from " + first + " to " + second);
    }
    List<byte[]> proof = new ArrayList<>();
    if (first < second) {
      subproof(first, 0, second, true, proof);
    }
    return proof;
  }

  /** MTH(D[start:end]) for a range that starts at a multiple of the power of two below its length. */
  private byte[] range(long start, long end) {
    long n = end - start;
    if (Long.bitCount(n) == 1) {
      int level = Long.numberOfTrailingZeros(n);
      return nodes.node(level, start >>> level);
    }
    long k = Rfc6962.split(n);
    return Rfc6962.nodeHash(range(start, start + k), range(start + k, end));
  }

  private void path(long m, long start, long end, List<byte[]> out) {
    long n = end - start;
    if (n == 1) {
      return;
    }
    long k = Rfc6962.split(n);
    if (m < start + k) {
      path(m, start, start + k, out);
      out.add(range(start + k, end));
    } else {
      path(m, start + k, end, out);
      out.add(range(start, start + k));
    }
  }

  private void subproof(long m, long start, long end, boolean whole, List<byte[]> out) {
    long n = end - start;
    if (m == n) {
      if (!whole) {
        out.add(range(start, end));
      }
      return;
    }
    long k = Rfc6962.split(n);
    if (m <= k) {
      subproof(m, start, start + k, whole, out);
      out.add(range(start + k, end));
    } else {
      subproof(m - k, start + k, end, false, out);
      out.add(range(start, start + k));
    }
  }
}
