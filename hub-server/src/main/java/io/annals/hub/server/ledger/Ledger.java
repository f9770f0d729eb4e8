package io.annals.hub.server.ledger;

import java.util.List;
import java.util.Optional;

/**
 * The ledger's storage port: the leaves of the tree and the hash of every complete subtree, so
 * that an append writes O(log n) records per leaf and a root or proof reads O(log n)
 * ({@link MerkleProofs}). Level 0 of {@link #node} is the leaf hashes.
 *
 * <p>Only one appender writes at a time (one hub, or the lease holder among several); every
 * instance reads. Methods may throw {@link io.annals.hub.server.store.StoreUnavailableException}
 * (retryable) like the event store's. Implementations are thread-safe.
 */
public interface Ledger extends NodeSource, AutoCloseable {

  /** The number of leaves stored: the size of the tree. */
  long size();

  /**
   * Stores the leaves {@code from .. from + leaves.size() - 1} and the complete subtree hashes
   * (level >= 1) they complete, all or nothing. Answers false, storing nothing, when the tree's
   * size is not {@code from} (another appender got there first).
   */
  boolean append(long from, List<LedgerLeaf> leaves, List<CompactRange.Node> nodes);

  /**
   * Takes or renews the appender's lease for {@code holder} until {@code now + ttl}, unless another
   * holder's lease is still valid at {@code now}; answers whether {@code holder} holds it. Times
   * come from one clock for all instances (the store's). A store with one writer (SQLite) always
   * answers true.
   */
  boolean tryLease(String holder, java.time.Instant now, java.time.Duration ttl);

  /** The leaf at this index, if the tree has it. */
  Optional<LedgerLeaf> leaf(long index);

  /** The leaf of this event, if it has one yet. */
  Optional<LedgerLeaf> leafOf(String eventId);

  /** Up to {@code limit} leaves from index {@code from} on, in index order. */
  List<LedgerLeaf> leaves(long from, int limit);

  /**
   * Replaces the payload salts of this event's leaf (an erasure drops the salts of the members it
   * erased; their digests live on in the payload's erasure markers), removing the old salts from
   * the store for good. Answers false when the event has no leaf. The leaf hash never changes.
   */
  boolean replaceSalts(String eventId, String saltsJson);

  /** Where the scrub's pass stood when last saved; empty when no pass was under way. */
  Optional<ScrubMark> scrubMark();

  /** Saves where the scrub's pass stands (empty: no pass under way, the next starts at leaf 0). */
  void saveScrubMark(Optional<ScrubMark> mark);

  @Override
  void close();
}
