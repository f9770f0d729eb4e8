package io.annals.hub.server.ledger;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.EventLog;
import io.annals.hub.server.store.FeedSource;
import io.annals.hub.server.store.Position;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Recomputes the ledger from the store, leaf by leaf: the i-th event of the feed must be the event
 * of leaf i, and its leaf hash, recomputed from the stored event and the leaf's salts, must be the
 * stored one; finally the root recomputed from those leaves must be the root of the stored subtree
 * hashes. Finds a changed byte, a deleted row, a row inserted in the past and two rows swapped
 * (docs/ledger.md), and names the first leaf that differs. Reads in pages; the cost is one pass.
 */
public final class LedgerAudit {

  /** The first leaf that differs, and how. */
  public record Difference(long index, String eventId, String reason) {
    @Override
    public String toString() {
      return "leaf " + index + " (event " + eventId + "): " + reason;
    }
  }

  /** What an audit found: the leaves checked, and the first difference if any. */
  public record Result(long checked, Optional<Difference> difference) {}

  private final EventLog log;
  private final FeedSource store;
  private final Ledger ledger;
  private final int pageSize;

  public LedgerAudit(EventLog log, FeedSource store, Ledger ledger, int pageSize) {
    this.log = log;
    this.store = Objects.requireNonNull(store, "store");
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be >= 1, was " + pageSize);
    }
    this.pageSize = pageSize;
  }

  /** Checks the whole tree as stored now. */
  public Result run() {
    Pass pass = start();
    Optional<Difference> found = Optional.empty();
    while (!pass.done() && found.isEmpty()) {
      found = pass.step(pageSize);
    }
    return new Result(pass.checked(), found);
  }

  /** A pass over the tree as stored when it starts, checked a few leaves at a time (the scrub's unit of work). */
  public Pass start() {
    return new Pass(ledger.size());
  }

  /**
   * The pass {@code mark} saved, continued from its next leaf; a fresh pass when the mark does not
   * fit the ledger as stored now (a tree smaller than the pass).
   */
  public Pass resume(ScrubMark mark) {
    if (mark.passSize() > ledger.size()) {
      return start();
    }
    return new Pass(mark.passSize(), CompactRange.ofEdge(mark.next(), mark.edge()), mark.after());
  }

  /** The pass saved in the ledger's store, resumed; a fresh pass when none was saved. */
  public Pass resumeSaved() {
    return ledger.scrubMark().map(this::resume).orElseGet(this::start);
  }

  /** Saves where {@code pass} stands in the ledger's store. */
  public void save(Pass pass) {
    ledger.saveScrubMark(pass.mark());
  }

  /** One pass: resumable step by step, and across restarts by {@link #mark}; not thread-safe. */
  public final class Pass {
    private final long size;
    private final CompactRange recomputed;
    private Position after;
    private long index;
    private boolean done;

    private Pass(long size) {
      this(size, CompactRange.ofEdge(0, new byte[0]), null);
    }

    private Pass(long size, CompactRange recomputed, Position after) {
      this.size = size;
      this.recomputed = recomputed;
      this.after = after;
      this.index = recomputed.size();
      this.done = size == 0;
    }

    /** Where this pass stands, to resume it later; empty when done or not yet begun. */
    public Optional<ScrubMark> mark() {
      return done || index == 0 ? Optional.empty() : Optional.of(new ScrubMark(size, index, recomputed.edge(), after));
    }

    public boolean done() {
      return done;
    }

    /** Leaves checked so far. */
    public long checked() {
      return index;
    }

    public long size() {
      return size;
    }

    /** Checks up to {@code maxLeaves} more leaves; the first difference ends the pass. */
    public Optional<Difference> step(int maxLeaves) {
      if (done) {
        return Optional.empty();
      }
      Optional<Difference> found = page((int) Math.min(Math.min(maxLeaves, pageSize), size - index));
      if (found.isPresent() || index == size) {
        done = true;
      }
      if (found.isEmpty() && index == size && !Arrays.equals(recomputed.root(), new MerkleProofs(ledger).root(size))) {
        return difference(size - 1, "?", "the leaves are intact but the stored subtree hashes give another root: the ledger's nodes were changed");
      }
      return found;
    }

    private Optional<Difference> page(int count) {
      List<LedgerLeaf> leaves = ledger.leaves(index, count);
      if (leaves.isEmpty()) {
        return difference(index, "?", "the ledger's size is " + size + " but it has no leaf " + index);
      }
      List<StoredEvent> events = store.feed(Set.of(), after, Instant.MAX, leaves.size());
      for (int i = 0; i < leaves.size(); i++) {
        LedgerLeaf leaf = leaves.get(i);
        if (leaf.index() != index) {
          return difference(index, leaf.eventId(), "the ledger has no leaf " + index + " (its next leaf is " + leaf.index() + ")");
        }
        if (i >= events.size()) {
          return difference(index, leaf.eventId(), "the store's history ends before this leaf: the event was deleted");
        }
        StoredEvent event = events.get(i);
        if (!event.id().equals(leaf.eventId())) {
          boolean stored = log.find(leaf.eventId()).isPresent();
          return difference(index, leaf.eventId(), stored
              ? "the store's history has event " + event.id() + " here: a row was inserted or moved before this leaf"
              : "the event is missing from the store (deleted); the history has " + event.id() + " here");
        }
        byte[] hash;
        try {
          hash = LeafEncoding.leafHash(event, PayloadSalts.fromJson(leaf.saltsJson()).byMember());
        } catch (IllegalArgumentException e) {
          return difference(index, leaf.eventId(), "the stored payload no longer matches its salts: " + e.getMessage());
        }
        if (!Arrays.equals(hash, leaf.leafHash())) {
          return difference(index, leaf.eventId(), "the stored event hashes to " + HexFormat.of().formatHex(hash) + ", the ledger holds "
              + HexFormat.of().formatHex(leaf.leafHash()) + ": the event was changed");
        }
        recomputed.append(hash);
        after = new Position(event.receivedAt(), event.id());
        index++;
      }
      return Optional.empty();
    }
  }

  private static Optional<Difference> difference(long index, String eventId, String reason) {
    return Optional.of(new Difference(index, eventId, reason));
  }
}
