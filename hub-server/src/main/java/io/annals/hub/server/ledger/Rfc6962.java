package io.annals.hub.server.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing and proof verification with SHA-256.
 *
 * <p>Leaf hash {@code SHA-256(0x00 ‖ data)}, node hash {@code SHA-256(0x01 ‖ left ‖ right)}, the
 * empty tree's root {@code SHA-256()}. The two verifiers follow RFC 9162 §2.1.3.2 and §2.1.4.2
 * step by step (docs/ledger.md); they answer false, never throw, for any proof that does not
 * verify, including malformed ones.
 */
public final class Rfc6962 {

  public static final int HASH_BYTES = 32;
  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Rfc6962::newSha256);

  private Rfc6962() {}

  public static byte[] leafHash(byte[] data) {
    MessageDigest sha = sha256();
    sha.update(LEAF_PREFIX);
    return sha.digest(data);
  }

  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest sha = sha256();
    sha.update(NODE_PREFIX);
    sha.update(left);
    return sha.digest(right);
  }

  public static byte[] emptyRoot() {
    return sha256().digest();
  }

  /** The largest power of two strictly below {@code n} ({@code n >= 2}): the RFC's split point k. */
  static long split(long n) {
    return Long.highestOneBit(n - 1);
  }

  /** RFC 9162 §2.1.3.2: does {@code path} prove leaf {@code index} with {@code leafHash} in the tree of {@code size} with {@code root}? */
  public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> path, byte[] root) {
    if (index < 0 || index >= size || !wellFormed(leafHash) || !wellFormed(root) || !allWellFormed(path)) {
      return false;
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : path) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && Arrays.equals(r, root);
  }

  /**
   * RFC 9162 §2.1.4.2: does {@code proof} show that the tree of {@code firstSize} with
   * {@code firstRoot} is a prefix of the tree of {@code secondSize} with {@code secondRoot}? Equal
   * sizes need an empty proof and equal roots; a first size of 0 proves nothing and is refused.
   */
  public static boolean verifyConsistency(long firstSize, long secondSize, byte[] firstRoot, byte[] secondRoot, List<byte[]> proof) {
    if (firstSize <= 0 || secondSize < firstSize || firstRoot == null || proof == null) {
      return false;
    }
    if (firstSize == secondSize) {
      return proof.isEmpty() && Arrays.equals(firstRoot, secondRoot);
    }
    if (proof.isEmpty() || !wellFormed(firstRoot) || !wellFormed(secondRoot) || !allWellFormed(proof)) {
      return false;
    }
    int start = 0;
    // Step 2: if first is an exact power of two, first_hash is prepended to the path.
    byte[] fr;
    byte[] sr;
    if (Long.bitCount(firstSize) == 1) {
      fr = firstRoot;
      sr = firstRoot;
    } else {
      fr = proof.get(0);
      sr = proof.get(0);
      start = 1;
    }
    long fn = firstSize - 1;
    long sn = secondSize - 1;
    // Step 4: shift right while LSB(fn) is set.
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    for (int i = start; i < proof.size(); i++) {
      byte[] c = proof.get(i);
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && Arrays.equals(fr, firstRoot) && Arrays.equals(sr, secondRoot);
  }

  private static boolean wellFormed(byte[] hash) {
    return hash != null && hash.length == HASH_BYTES;
  }

  private static boolean allWellFormed(List<byte[]> hashes) {
    if (hashes == null) {
      return false;
    }
    for (byte[] h : hashes) {
      if (!wellFormed(h)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The calling thread's SHA-256 digest, reset: finish with it ({@code digest()}) before asking for
   * it again. One per thread rather than one per hash: {@code MessageDigest.getInstance} looks the
   * provider up and builds the digest by reflection on every call, and the ledger appender hashes
   * several times per event (issue 29).
   */
  static MessageDigest sha256() {
    MessageDigest sha = SHA256.get();
    sha.reset(); // in case a use before ended without digest() (an exception between updates)
    return sha;
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
