package io.annals.hub.server.ledger;

import io.annals.hub.server.store.Position;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The ledger's read side: signed tree heads and proofs, from whatever the ledger stores now. Thread-safe. */
public final class LedgerService {

  private final Ledger ledger;
  private final LedgerKey key;
  private final Clock clock;
  private final MerkleProofs proofs;

  public LedgerService(Ledger ledger, LedgerKey key, Clock clock) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.key = Objects.requireNonNull(key, "key");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.proofs = new MerkleProofs(ledger);
  }

  public LedgerKey key() {
    return key;
  }

  public long size() {
    return ledger.size();
  }

  /** A signed head of the tree as stored now. */
  public SignedTreeHead digest() {
    long size = ledger.size();
    Position position = null;
    if (size > 0) {
      LedgerLeaf tail = ledger.leaf(size - 1).orElseThrow(() -> new IllegalStateException("the ledger has no leaf " + (size - 1)));
      position = new Position(tail.receivedAt(), tail.eventId());
    }
    return SignedTreeHead.sign(key, size, proofs.root(size), position, clock.instant());
  }

  /**
   * The event's leaf and audit path in the tree of {@code treeSize} leaves; empty when the event has
   * no leaf yet or its leaf is not in a tree that small. {@code treeSize} must be 1..size().
   */
  public Optional<InclusionProof> inclusion(String eventId, long treeSize) {
    return ledger.leafOf(eventId).filter(leaf -> leaf.index() < treeSize)
        .map(leaf -> new InclusionProof(leaf, treeSize, proofs.inclusion(leaf.index(), treeSize)));
  }

  /** PROOF(from, D[to]) for {@code 1 <= from <= to <= size()}. */
  public List<byte[]> consistency(long from, long to) {
    return proofs.consistency(from, to);
  }

  /** The root of the tree of {@code size} leaves ({@code size <= size()}). */
  public byte[] root(long size) {
    return proofs.root(size);
  }

  /** Up to {@code limit} stored leaves from index {@code from} on, in index order (an export's salts). */
  public List<LedgerLeaf> leaves(long from, int limit) {
    return ledger.leaves(from, limit);
  }
}
