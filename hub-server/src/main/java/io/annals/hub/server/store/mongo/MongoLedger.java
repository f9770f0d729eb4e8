package io.annals.hub.server.store.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.ReadConcern;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.annals.hub.server.ledger.CompactRange;
import io.annals.hub.server.ledger.Ledger;
import io.annals.hub.server.ledger.LedgerLeaf;
import io.annals.hub.server.ledger.ScrubMark;
import io.annals.hub.server.store.EpochMicros;
import io.annals.hub.server.store.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import com.mongodb.client.result.UpdateResult;
import org.bson.Document;
import org.bson.types.Binary;

/**
 * The ledger in the hub's MongoDB database: {@code ledger_leaves} ({@code _id} = leaf index),
 * {@code ledger_nodes} ({@code _id} = level * 2^56 + index, levels >= 1) and one
 * {@code ledger_head} document whose {@code size} is the commit point: an append writes its
 * leaves and nodes first and then moves the head from {@code from} to its end with one
 * conditional update, so a crash between leaves the tree as it was (leaves beyond the head are
 * invisible and written over by the next append). One appender at a time (the lease among
 * several hubs); every instance reads. Majority write and read concern, journaled.
 *
 * <p>Fencing: a holder that stalls past its lease (a GC pause, a frozen VM) may wake up in the
 * middle of an append while the next holder appends too. Salts are drawn at append time, so the
 * two would write different leaves at the same indexes. Each lease hand-over therefore draws a
 * higher token ({@code ledger_lease.token}) and raises {@code ledger_head.epoch} to it before
 * the new holder writes; every leaf and node document carries the token of its writer, an
 * append replaces or deletes only documents of a token not above its own and moves the head only
 * while the head's epoch is not above its own. A stale holder's append then fails without
 * touching what the new holder wrote or committed.
 */
public final class MongoLedger implements Ledger {

  private static final String HEAD_ID = "head";
  private static final long LEVEL_SHIFT = 1L << 56;

  private final MongoCollection<Document> leaves;
  private final MongoCollection<Document> nodes;
  private final MongoCollection<Document> head;
  private final MongoCollection<Document> lease;
  private final MongoCollection<Document> scrub;
  private static final String SCRUB_ID = "scrub";
  private static final String LEASE_ID = "appender";
  private static final String EPOCH = "epoch";

  /**
   * The fencing token of the lease this instance holds (0: never held, as in a single-writer use
   * without a lease); written by the appender's thread in {@link #tryLease}, read by its appends.
   */
  private volatile long token;

  public MongoLedger(MongoDatabase database) {
    MongoDatabase db = database.withWriteConcern(WriteConcern.MAJORITY.withJournal(true)).withReadConcern(ReadConcern.MAJORITY);
    this.leaves = db.getCollection("ledger_leaves");
    this.nodes = db.getCollection("ledger_nodes");
    this.head = db.getCollection("ledger_head");
    this.lease = db.getCollection("ledger_lease");
    this.scrub = db.getCollection("ledger_scrub");
    MongoErrors.run("creation of the ledger's indexes",
        () -> leaves.createIndex(Indexes.ascending("event_id"), new IndexOptions().name("ledger_by_event")));
  }

  @Override
  public long size() {
    return MongoErrors.call("read of the ledger's size", () -> {
      Document h = head.find(Filters.eq("_id", HEAD_ID)).first();
      return h == null ? 0L : h.getLong("size");
    });
  }

  @Override
  public boolean append(long from, List<LedgerLeaf> batch, List<CompactRange.Node> created) {
    long mine = token;
    Document h = MongoErrors.call("read of the ledger's head", () -> head.find(Filters.eq("_id", HEAD_ID)).first());
    if ((h == null ? 0L : h.getLong("size")) != from || epochOf(h) > mine) {
      return false;
    }
    String what = "append of " + batch.size() + " ledger leaves at " + from;
    // Leftovers of a crashed or fenced append beyond the head; never what a later holder wrote.
    MongoErrors.run(what, () -> leaves.deleteMany(Filters.and(Filters.gte("_id", from), notAbove(mine))));
    try {
      if (!batch.isEmpty()) {
        List<Document> docs = new ArrayList<>(batch.size());
        for (LedgerLeaf leaf : batch) {
          docs.add(new Document("_id", leaf.index()).append("event_id", leaf.eventId())
              .append("received_at", EpochMicros.of(leaf.receivedAt())).append("leaf_hash", new Binary(leaf.leafHash()))
              .append("salts", leaf.saltsJson()).append(EPOCH, mine));
        }
        MongoErrors.run(what, () -> leaves.insertMany(docs));
      }
      List<WriteModel<Document>> upserts = new ArrayList<>();
      for (CompactRange.Node n : created) {
        if (n.level() > 0) {
          long id = n.level() * LEVEL_SHIFT + n.index();
          upserts.add(new ReplaceOneModel<>(Filters.and(Filters.eq("_id", id), notAbove(mine)),
              new Document("_id", id).append("hash", new Binary(n.hash())).append(EPOCH, mine), new ReplaceOptions().upsert(true)));
        }
      }
      if (!upserts.isEmpty()) {
        MongoErrors.run(what, () -> nodes.bulkWrite(upserts));
      }
      long to = from + batch.size();
      // Upsert only for the first append: the insert then meets the head another appender made.
      UpdateResult moved = MongoErrors.call(what, () -> head.updateOne(
          Filters.and(Filters.eq("_id", HEAD_ID), Filters.eq("size", from), notAbove(mine)),
          Updates.combine(Updates.set("size", to), Updates.set(EPOCH, mine)),
          new UpdateOptions().upsert(from == 0)));
      return moved.getMatchedCount() == 1 || moved.getUpsertedId() != null;
    } catch (IllegalStateException e) {
      if (duplicateKey(e)) {
        return false; // a document of a later holder is in the way: this holder was fenced off
      }
      throw e;
    }
  }

  /** Documents written by this token or an earlier one (or before tokens existed). */
  private static org.bson.conversions.Bson notAbove(long mine) {
    return Filters.or(Filters.lte(EPOCH, mine), Filters.exists(EPOCH, false));
  }

  private static long epochOf(Document d) {
    return d == null || d.get(EPOCH) == null ? 0L : ((Number) d.get(EPOCH)).longValue();
  }

  /** Whether the translated driver exception is a duplicate key (from a write, a bulk write or findAndModify). */
  private static boolean duplicateKey(RuntimeException e) {
    if (e.getCause() instanceof com.mongodb.MongoBulkWriteException b) {
      return b.getWriteErrors().stream().anyMatch(x -> ErrorCategory.fromErrorCode(x.getCode()) == ErrorCategory.DUPLICATE_KEY);
    }
    return e.getCause() instanceof com.mongodb.MongoServerException server
        && ErrorCategory.fromErrorCode(server.getCode()) == ErrorCategory.DUPLICATE_KEY;
  }

  /**
   * The lease is one document, {@code ledger_lease}; taking it is one conditional upsert that
   * matches only when this holder has it or it has expired, so two instances never both succeed
   * (the loser's upsert hits the unique {@code _id}). A hand-over draws the next fencing token and
   * raises the head's epoch to it before this holder appends (see the class comment).
   */
  @Override
  public boolean tryLease(String holder, java.time.Instant now, java.time.Duration ttl) {
    long nowMicros = EpochMicros.of(now);
    long expires = nowMicros + ttl.toNanos() / 1000;
    String what = "lease of the ledger's appender";
    Document renewed = MongoErrors.call(what, () -> lease.findOneAndUpdate(
        Filters.and(Filters.eq("_id", LEASE_ID), Filters.eq("holder", holder), Filters.gte("expires_at", nowMicros)),
        Updates.set("expires_at", expires), new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)));
    Document held = renewed;
    if (held == null) {
      try {
        held = MongoErrors.call(what, () -> lease.findOneAndUpdate(
            Filters.and(Filters.eq("_id", LEASE_ID), Filters.or(Filters.eq("holder", holder), Filters.lt("expires_at", nowMicros))),
            Updates.combine(Updates.set("holder", holder), Updates.set("expires_at", expires), Updates.inc("token", 1L)),
            new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER)));
      } catch (IllegalStateException e) {
        if (duplicateKey(e)) {
          token = 0;
          return false; // another holder's lease is valid
        }
        throw e;
      }
    }
    long drawn = ((Number) held.get("token")).longValue();
    if (drawn != token) {
      raiseEpoch(drawn);
      token = drawn;
    }
    return true;
  }

  /** Raises the head's epoch to {@code drawn}, making the head (size 0) when no append made it yet. */
  private void raiseEpoch(long drawn) {
    String what = "fencing of the ledger's head";
    try {
      MongoErrors.run(what, () -> head.updateOne(Filters.eq("_id", HEAD_ID),
          Updates.combine(Updates.max(EPOCH, drawn), Updates.setOnInsert("size", 0L)), new UpdateOptions().upsert(true)));
    } catch (IllegalStateException e) {
      if (!duplicateKey(e)) {
        throw e;
      }
      // A stale holder's first append made the head meanwhile: raise it now that it exists.
      MongoErrors.run(what, () -> head.updateOne(Filters.eq("_id", HEAD_ID), Updates.max(EPOCH, drawn)));
    }
  }

  /** One document, {@code ledger_scrub}, shared by the instances: whichever saved last, its pass goes on. */
  @Override
  public Optional<ScrubMark> scrubMark() {
    Document d = MongoErrors.call("read of the ledger scrub's mark", () -> scrub.find(Filters.eq("_id", SCRUB_ID)).first());
    return d == null ? Optional.empty() : Optional.of(new ScrubMark(d.getLong("pass_size"), d.getLong("next"),
        d.get("edge", Binary.class).getData(), new Position(EpochMicros.toInstant(d.getLong("after_received_at")), d.getString("after_id"))));
  }

  @Override
  public void saveScrubMark(Optional<ScrubMark> mark) {
    String what = "save of the ledger scrub's mark";
    if (mark.isEmpty()) {
      MongoErrors.run(what, () -> scrub.deleteOne(Filters.eq("_id", SCRUB_ID)));
      return;
    }
    ScrubMark m = mark.get();
    Document d = new Document("_id", SCRUB_ID).append("pass_size", m.passSize()).append("next", m.next())
        .append("edge", new Binary(m.edge())).append("after_received_at", EpochMicros.of(m.after().receivedAt()))
        .append("after_id", m.after().id());
    MongoErrors.run(what, () -> scrub.replaceOne(Filters.eq("_id", SCRUB_ID), d, new ReplaceOptions().upsert(true)));
  }

  @Override
  public byte[] node(int level, long index) {
    Document d = MongoErrors.call("read of ledger node " + level + "/" + index, () -> level == 0
        ? leaves.find(Filters.eq("_id", index)).first()
        : nodes.find(Filters.eq("_id", level * LEVEL_SHIFT + index)).first());
    if (d == null) {
      throw new IllegalStateException("the ledger has no hash of subtree " + level + "/" + index);
    }
    return d.get(level == 0 ? "leaf_hash" : "hash", Binary.class).getData();
  }

  @Override
  public Optional<LedgerLeaf> leaf(long index) {
    if (index >= size()) {
      return Optional.empty();
    }
    return Optional.ofNullable(MongoErrors.call("read of ledger leaf " + index, () -> leaves.find(Filters.eq("_id", index)).first()))
        .map(MongoLedger::leafOf);
  }

  /** Rewrites the leaf document: MongoDB keeps no old version of a document it updated. */
  @Override
  public boolean replaceSalts(String eventId, String saltsJson) {
    return MongoErrors.call("replacement of the ledger salts of " + eventId,
        () -> leaves.updateMany(Filters.eq("event_id", eventId), Updates.set("salts", saltsJson)).getMatchedCount() > 0);
  }

  @Override
  public Optional<LedgerLeaf> leafOf(String eventId) {
    long size = size();
    return MongoErrors.call("read of the ledger leaf of " + eventId, () -> {
      List<LedgerLeaf> found = new ArrayList<>();
      for (Document d : leaves.find(Filters.eq("event_id", eventId))) {
        LedgerLeaf leaf = leafOf(d);
        if (leaf.index() < size) {
          found.add(leaf);
        }
      }
      return found.stream().findFirst();
    });
  }

  @Override
  public List<LedgerLeaf> leaves(long from, int limit) {
    long size = size();
    return MongoErrors.call("read of ledger leaves from " + from, () -> {
      List<LedgerLeaf> out = new ArrayList<>();
      for (Document d : leaves.find(Filters.and(Filters.gte("_id", from), Filters.lt("_id", size))).sort(Sorts.ascending("_id")).limit(limit)) {
        out.add(leafOf(d));
      }
      return out;
    });
  }

  private static LedgerLeaf leafOf(Document d) {
    return new LedgerLeaf(d.getLong("_id"), d.getString("event_id"), EpochMicros.toInstant(d.getLong("received_at")),
        d.get("leaf_hash", Binary.class).getData(), d.getString("salts"));
  }

  @Override
  public void close() {
    // The database's client belongs to the event store, which closes it.
  }
}
