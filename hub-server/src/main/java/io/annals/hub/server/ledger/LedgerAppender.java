package io.annals.hub.server.ledger;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.FeedSource;
import io.annals.hub.server.store.Position;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Appends stored events to the ledger in feed order, only below the feed's stable point: the
 * feed promises that nothing can later appear below it, so a leaf's index never changes. Reads
 * the feed through {@link FeedSource#feed} from the position of the last leaf, so after a restart
 * (or a crash: a batch is one all-or-nothing ledger append) it continues exactly where the stored
 * tree ends, with no missing or repeated leaf.
 *
 * <p>Thread-safe (one append at a time). On any failure, or when another appender got there first,
 * it forgets its state and reloads it from the ledger before the next batch.
 */
public final class LedgerAppender {

  private final FeedSource store;
  private final Ledger ledger;
  private final Supplier<Instant> stablePoint;
  private final SecureRandom random;
  private final int batchSize;
  private CompactRange edge; // guarded by this; null = reload from the ledger
  private Position last; // guarded by this; the feed position of the last leaf, null before the first
  private volatile Instant completeBelow; // every event received before it has its leaf; null until known

  public LedgerAppender(FeedSource store, Ledger ledger, Supplier<Instant> stablePoint, SecureRandom random, int batchSize) {
    this.store = Objects.requireNonNull(store, "store");
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.stablePoint = Objects.requireNonNull(stablePoint, "stablePoint");
    this.random = Objects.requireNonNull(random, "random");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
    }
    this.batchSize = batchSize;
  }

  /** Appends the next batch of events below the stable point; answers how many leaves it added. */
  public synchronized int appendBatch() {
    boolean ok = false;
    try {
      if (edge == null) {
        load();
      }
      Instant stable = stablePoint.get();
      List<StoredEvent> events = store.feed(Set.of(), last, stable, batchSize);
      if (events.isEmpty()) {
        completeBelow = stable;
        ok = true;
        return 0;
      }
      long from = edge.size();
      List<LedgerLeaf> leaves = new ArrayList<>(events.size());
      List<CompactRange.Node> nodes = new ArrayList<>();
      List<List<PayloadMember>> payloads = new ArrayList<>(events.size());
      int salts = 0;
      for (StoredEvent e : events) {
        List<PayloadMember> members = LeafEncoding.members(e.event().payloadJson()); // parsed once for salts and hash
        payloads.add(members);
        salts += PayloadSalts.needed(members);
      }
      // The whole batch's salts in one draw: each nextBytes call costs the same whatever its length.
      byte[] randomBytes = new byte[salts * LeafEncoding.SALT_BYTES];
      random.nextBytes(randomBytes);
      ByteBuffer saltSource = ByteBuffer.wrap(randomBytes);
      for (int i = 0; i < events.size(); i++) {
        StoredEvent e = events.get(i);
        PayloadSalts fresh = PayloadSalts.fresh(payloads.get(i), saltSource);
        byte[] hash = LeafEncoding.leafHash(e, payloads.get(i), fresh.byMember());
        leaves.add(new LedgerLeaf(edge.size(), e.id(), e.receivedAt(), hash, fresh.toJson()));
        nodes.addAll(edge.append(hash));
      }
      if (!ledger.append(from, leaves, nodes)) {
        return 0; // another appender moved the tree: reload (ok stays false)
      }
      StoredEvent tail = events.get(events.size() - 1);
      last = new Position(tail.receivedAt(), tail.id());
      // A short batch took everything below the stable point; a full one only up to its last leaf.
      completeBelow = events.size() < batchSize ? stable : tail.receivedAt();
      ok = true;
      return leaves.size();
    } finally {
      if (!ok) {
        edge = null;
        last = null;
      }
    }
  }

  /**
   * A time before which every stored event has its leaf (as of the last batch appended or found
   * empty); empty before the first. The ledger's lag is the stable point's distance from it.
   */
  public java.util.Optional<Instant> completeBelow() {
    return java.util.Optional.ofNullable(completeBelow);
  }

  /** Appends batches until the tree has caught up with the stable point; answers the leaves added. */
  public long catchUp() {
    long added = 0;
    int n;
    do {
      n = appendBatch();
      added += n;
    } while (n == batchSize);
    return added;
  }

  private void load() {
    long size = ledger.size();
    CompactRange loaded = CompactRange.of(size, ledger);
    Position position = null;
    if (size > 0) {
      LedgerLeaf tail = ledger.leaf(size - 1)
          .orElseThrow(() -> new IllegalStateException("the ledger has " + size + " leaves but no leaf " + (size - 1)));
      position = new Position(tail.receivedAt(), tail.eventId());
    }
    edge = loaded;
    last = position;
  }
}
