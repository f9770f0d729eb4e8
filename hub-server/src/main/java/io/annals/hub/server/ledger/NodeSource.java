package io.annals.hub.server.ledger;

/**
 * Where the tree's stored hashes come from: the hash of each complete subtree, {@code 2^level}
 * leaves starting at leaf {@code index * 2^level}. Level 0 is the leaf hashes.
 */
@FunctionalInterface
public interface NodeSource {

  /** The stored hash of that complete subtree; it must exist (the caller asks only for subtrees inside the tree). */
  byte[] node(int level, long index);
}
