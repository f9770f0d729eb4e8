package io.annals.hub.server.ledger;

import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A second, deliberately separate RFC 6962 implementation that the suite checks the hub's
 * ledger code against. It shares no code with {@code io.annals.hub.server.ledger}: it hashes
 * with its own MessageDigest calls, builds MTH, PATH and PROOF over lists of leaf inputs exactly as
 * RFC 6962 §2.1 defines them, and verifies proofs by recursion on those definitions (the hub
 * verifies with the iterative RFC 9162 algorithms), so one mistake is unlikely to be made twice.
 */
public final class ReferenceRfc6962 {

  private ReferenceRfc6962() {}

  static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        d.update(p);
      }
      return d.digest();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static byte[] leaf(byte[] data) {
    return sha256(new byte[] {0}, data);
  }

  static byte[] node(byte[] l, byte[] r) {
    return sha256(new byte[] {1}, l, r);
  }

  /** k: the largest power of two smaller than n, by counting up. */
  static int k(int n) {
    int k = 1;
    while (k * 2 < n) {
      k *= 2;
    }
    return k;
  }

  /** MTH(D[n]) over leaf hashes. */
  static byte[] mth(List<byte[]> d) {
    if (d.isEmpty()) {
      return sha256();
    }
    if (d.size() == 1) {
      return d.get(0);
    }
    int k = k(d.size());
    return node(mth(d.subList(0, k)), mth(d.subList(k, d.size())));
  }

  /** PATH(m, D[n]). */
  static List<byte[]> path(int m, List<byte[]> d) {
    List<byte[]> out = new ArrayList<>();
    if (d.size() <= 1) {
      return out;
    }
    int k = k(d.size());
    if (m < k) {
      out.addAll(path(m, d.subList(0, k)));
      out.add(mth(d.subList(k, d.size())));
    } else {
      out.addAll(path(m - k, d.subList(k, d.size())));
      out.add(mth(d.subList(0, k)));
    }
    return out;
  }

  /** PROOF(m, D[n]). */
  static List<byte[]> proof(int m, List<byte[]> d) {
    return m == d.size() ? new ArrayList<>() : subproof(m, d, true);
  }

  private static List<byte[]> subproof(int m, List<byte[]> d, boolean b) {
    List<byte[]> out = new ArrayList<>();
    int n = d.size();
    if (m == n) {
      if (!b) {
        out.add(mth(d));
      }
      return out;
    }
    int k = k(n);
    if (m <= k) {
      out.addAll(subproof(m, d.subList(0, k), b));
      out.add(mth(d.subList(k, n)));
    } else {
      out.addAll(subproof(m - k, d.subList(k, n), false));
      out.add(mth(d.subList(0, k)));
    }
    return out;
  }

  /** Recomputes the root from an audit path by unwinding PATH's recursion; the last element is the top sibling. */
  public static boolean verifyInclusion(long m, long n, byte[] leafHash, List<byte[]> path, byte[] root) {
    if (m < 0 || m >= n || leafHash.length != 32 || root.length != 32) {
      return false;
    }
    Deque<byte[]> rest = new ArrayDeque<>(path);
    byte[] computed = rootFromPath(m, n, leafHash, rest);
    return computed != null && rest.isEmpty() && Arrays.equals(computed, root);
  }

  private static byte[] rootFromPath(long m, long n, byte[] leafHash, Deque<byte[]> rest) {
    if (n == 1) {
      return leafHash;
    }
    if (rest.isEmpty()) {
      return null;
    }
    byte[] sibling = rest.removeLast();
    long k = k((int) Math.min(n, Integer.MAX_VALUE));
    if (m < k) {
      byte[] left = rootFromPath(m, k, leafHash, rest);
      return left == null ? null : node(left, sibling);
    }
    byte[] right = rootFromPath(m - k, n - k, leafHash, rest);
    return right == null ? null : node(sibling, right);
  }

  /** Recomputes both roots from a consistency proof by unwinding SUBPROOF's recursion. */
  static boolean verifyConsistency(long m, long n, byte[] oldRoot, byte[] newRoot, List<byte[]> proof) {
    if (m <= 0 || n < m) {
      return false;
    }
    if (m == n) {
      return proof.isEmpty() && Arrays.equals(oldRoot, newRoot);
    }
    Deque<byte[]> rest = new ArrayDeque<>(proof);
    byte[][] roots = unwind(m, n, true, oldRoot, rest);
    return roots != null && rest.isEmpty() && Arrays.equals(roots[0], oldRoot) && Arrays.equals(roots[1], newRoot);
  }

  /** {old root within this subtree, new root of this subtree}, or null when the proof is short. */
  private static byte[][] unwind(long m, long n, boolean b, byte[] oldRoot, Deque<byte[]> rest) {
    if (m == n) {
      if (b) {
        return new byte[][] {oldRoot, oldRoot};
      }
      if (rest.isEmpty()) {
        return null;
      }
      byte[] h = rest.removeLast();
      return new byte[][] {h, h};
    }
    if (rest.isEmpty()) {
      return null;
    }
    byte[] outer = rest.removeLast();
    long k = k((int) Math.min(n, Integer.MAX_VALUE));
    if (m <= k) {
      byte[][] inner = unwind(m, k, b, oldRoot, rest);
      return inner == null ? null : new byte[][] {inner[0], node(inner[1], outer)};
    }
    byte[][] inner = unwind(m - k, n - k, false, oldRoot, rest);
    return inner == null ? null : new byte[][] {node(outer, inner[0]), node(outer, inner[1])};
  }
}
