package io.annals.hub.server.store.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.ReadConcern;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.annals.hub.server.store.EpochMicros;
import io.annals.hub.server.store.ErasureRecord;
import io.annals.hub.server.store.Erasures;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The erasure port on MongoDB: collection {@code erasures} ({@code _id} = erasure id, a multikey
 * index on {@code event_ids} for ingestion's look-up) beside {@code events}, whose documents an
 * erasure rewrites in place ({@code $set} of {@code payload}): MongoDB keeps no older version of a
 * document it updated. Write concern majority with journal, as every write of the hub.
 */
public final class MongoErasures implements Erasures {

  static final String COLLECTION = "erasures";

  private final MongoCollection<Document> erasures;
  private final MongoCollection<Document> events;

  public MongoErasures(MongoDatabase database) {
    MongoDatabase db = database.withWriteConcern(WriteConcern.MAJORITY.withJournal(true)).withReadConcern(ReadConcern.MAJORITY);
    this.erasures = db.getCollection(COLLECTION);
    this.events = db.getCollection(MongoEventStore.EVENTS);
    MongoErrors.run("creation of the indexes of " + COLLECTION, () -> erasures.createIndexes(List.of(
        new IndexModel(Indexes.ascending("event_ids")),
        new IndexModel(Indexes.ascending("requested_at", "_id")))));
  }

  @Override
  public Recorded record(ErasureRecord erasure) {
    Document doc = new Document("_id", erasure.erasureId())
        .append("requested_at", EpochMicros.of(erasure.requestedAt()))
        .append("requested_by", erasure.requestedBy())
        .append("reason", erasure.reason())
        .append("pointers", erasure.pointers())
        .append("event_ids", erasure.eventIds());
    try {
      MongoErrors.run("record of erasure " + erasure.erasureId(), () -> erasures.insertOne(doc));
      return new Recorded(erasure, true);
    } catch (RuntimeException e) {
      if (e.getCause() instanceof MongoWriteException w && w.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
        return new Recorded(find(erasure.erasureId()).orElseThrow(() -> e), false);
      }
      throw e;
    }
  }

  @Override
  public Optional<ErasureRecord> find(String erasureId) {
    return select("read of erasure " + erasureId, Filters.eq("_id", erasureId), 1).stream().findFirst();
  }

  @Override
  public List<ErasureRecord> list(ErasureRecord.Position after, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    Bson filter = after == null ? new Document() : Filters.or(
        Filters.gt("requested_at", EpochMicros.of(after.requestedAt())),
        Filters.and(Filters.eq("requested_at", EpochMicros.of(after.requestedAt())), Filters.gt("_id", after.erasureId())));
    return select("list of erasures", filter, limit);
  }

  @Override
  public List<ErasureRecord> naming(Collection<String> eventIds) {
    if (eventIds.isEmpty()) {
      return List.of();
    }
    return select("read of the erasures of " + eventIds.size() + " event(s)", Filters.in("event_ids", eventIds), 0);
  }

  @Override
  public int rewritePayloads(Map<String, String> payloads) {
    if (payloads.isEmpty()) {
      return 0;
    }
    List<WriteModel<Document>> updates = new ArrayList<>(payloads.size());
    payloads.forEach((id, payload) -> updates.add(
        new UpdateOneModel<>(Filters.eq(EventDocuments.ID, id), Updates.set(EventDocuments.PAYLOAD, payload))));
    return MongoErrors.call("rewrite of " + payloads.size() + " erased payload(s)", () -> events.bulkWrite(updates).getMatchedCount());
  }

  private List<ErasureRecord> select(String what, Bson filter, int limit) {
    return MongoErrors.call(what, () -> {
      List<ErasureRecord> out = new ArrayList<>();
      for (Document d : erasures.find(filter).sort(Sorts.ascending("requested_at", "_id")).limit(limit)) {
        out.add(read(d));
      }
      return out;
    });
  }

  private static ErasureRecord read(Document d) {
    return new ErasureRecord(d.getString("_id"), EpochMicros.toInstant(((Number) d.get("requested_at")).longValue()),
        d.getString("requested_by"), d.getString("reason"), d.getList("pointers", String.class),
        d.getList("event_ids", String.class));
  }
}
