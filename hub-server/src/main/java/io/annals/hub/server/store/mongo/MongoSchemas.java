package io.annals.hub.server.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.or;
import static io.annals.hub.server.store.mongo.MongoErrors.call;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.ReadConcern;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.schema.Catalog;
import io.annals.hub.server.schema.CatalogEntry;
import io.annals.hub.server.schema.ErrorsJson;
import io.annals.hub.server.schema.Quarantine;
import io.annals.hub.server.schema.QuarantinedEvent;
import io.annals.hub.server.schema.SchemaMode;
import io.annals.hub.server.schema.SchemaRegistry;
import io.annals.hub.server.schema.SchemaVersion;
import io.annals.hub.server.schema.TypeHistory;
import io.annals.hub.server.store.EpochMicros;
import io.annals.hub.server.store.Position;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Schemas, quarantine, catalog and type history in collections beside {@code events}. The catalog
 * is counted with {@code $inc} upserts right after each insert ({@link #count}); MongoDB has no
 * transaction here (and the in-JVM test double none at all), so a crash between the two leaves
 * the counts short by that batch. {@link #reconcile} repairs that when the store opens: it
 * recounts the events received since the last checkpoint (an index range, not the history) and
 * sets the catalog to checkpoint + recount (docs/schemas.md).
 */
public final class MongoSchemas implements SchemaRegistry, Quarantine, Catalog, TypeHistory {

  static final long MINUTE_MICROS = 60_000_000L;
  /** Events received this recently are recounted at every open rather than checkpointed: well over any write in flight. */
  static final long CHECKPOINT_MARGIN_MICROS = 60_000_000L;
  private static final String CHECKPOINT = "checkpoint";

  private final MongoCollection<Document> events;
  private final MongoCollection<Document> schemas;
  private final MongoCollection<Document> quarantine;
  private final MongoCollection<Document> catalog;
  private final MongoCollection<Document> minutes;
  private final MongoCollection<Document> checkpoints;

  MongoSchemas(MongoDatabase database, MongoCollection<Document> events) {
    this.events = events;
    this.schemas = database.getCollection("schemas").withReadConcern(ReadConcern.MAJORITY);
    this.quarantine = database.getCollection("quarantine").withReadConcern(ReadConcern.MAJORITY);
    this.catalog = database.getCollection("catalog").withReadConcern(ReadConcern.MAJORITY);
    this.minutes = database.getCollection("catalog_minutes").withReadConcern(ReadConcern.MAJORITY);
    this.checkpoints = database.getCollection("catalog_checkpoint").withReadConcern(ReadConcern.MAJORITY);
  }

  private static String key(String service, String type) {
    return service + "\n" + type;
  }

  /** Counts the events an append created: one upsert per type and per minute among them, one round trip. */
  void count(List<StoredEvent> created) {
    if (created.isEmpty()) {
      return;
    }
    Map<String, long[]> perType = new LinkedHashMap<>();
    Map<String, long[]> perMinute = new LinkedHashMap<>();
    Map<String, StoredEvent> sample = new LinkedHashMap<>();
    for (StoredEvent e : created) {
      long at = EpochMicros.of(e.receivedAt());
      String key = key(e.event().service(), e.event().type());
      long[] t = perType.computeIfAbsent(key, k -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
      t[0]++;
      t[1] = Math.min(t[1], at);
      t[2] = Math.max(t[2], at);
      sample.putIfAbsent(key, e);
      perMinute.computeIfAbsent(key + "\n" + Math.floorDiv(at, MINUTE_MICROS), k -> new long[1])[0]++;
    }
    List<WriteModel<Document>> updates = new ArrayList<>();
    perType.forEach((key, t) -> updates.add(new UpdateOneModel<>(eq("_id", key), Updates.combine(
        Updates.setOnInsert("service", sample.get(key).event().service()),
        Updates.setOnInsert("type", sample.get(key).event().type()),
        Updates.inc("count", t[0]), Updates.min("first", t[1]), Updates.max("last", t[2])), new UpdateOptions().upsert(true))));
    List<WriteModel<Document>> minuteUpdates = new ArrayList<>();
    perMinute.forEach((key, n) -> {
      String[] parts = key.split("\n", -1);
      minuteUpdates.add(new UpdateOneModel<>(eq("_id", key), Updates.combine(
          Updates.setOnInsert("service", parts[0]), Updates.setOnInsert("type", parts[1]),
          Updates.setOnInsert("minute", Long.parseLong(parts[2])), Updates.inc("count", n[0])), new UpdateOptions().upsert(true)));
    });
    call("count of " + created.size() + " event(s) in the catalog", () -> {
      catalog.bulkWrite(updates, new BulkWriteOptions().ordered(false));
      return minutes.bulkWrite(minuteUpdates, new BulkWriteOptions().ordered(false));
    });
  }

  /**
   * Makes the catalog equal the stored events again after a crash between an insert and its
   * count: counts the events received from the checkpoint to {@code now - margin} and moves the
   * checkpoint there, counts the events after it, and sets each entry to the sum. Cost: the events
   * received since the previous open, read from the {@code received_at} index, and one count of
   * that index below the checkpoint, which must equal the checkpoint's total (else, after events
   * were appended with an old {@code received_at}, everything is recounted once).
   */
  void reconcile(Instant now) {
    call("reconciliation of the catalog", () -> {
      long until = EpochMicros.of(now) - CHECKPOINT_MARGIN_MICROS;
      Document checkpoint = checkpoints.find(eq("_id", CHECKPOINT)).first();
      long from = checkpoint == null ? Long.MIN_VALUE : checkpoint.getLong("until");
      Map<String, long[]> base = new TreeMap<>();
      if (checkpoint != null) {
        for (Document d : checkpoint.getList("entries", Document.class)) {
          base.put(d.getString("key"), new long[] {d.getLong("count"), d.getLong("first"), d.getLong("last")});
        }
        // Events appended since with a received_at below the checkpoint (a migration of old history)
        // would be missed: one count from the received_at index tells, and then everything is recounted.
        long below = events.countDocuments(lt(EventDocuments.RECEIVED_AT, from));
        if (below != base.values().stream().mapToLong(v -> v[0]).sum()) {
          base.clear();
          from = Long.MIN_VALUE;
        }
      }
      if (until > from) {
        add(base, groups(and(gte(EventDocuments.RECEIVED_AT, from), lt(EventDocuments.RECEIVED_AT, until))));
        List<Document> entries = new ArrayList<>();
        base.forEach((k, v) -> entries.add(new Document("key", k).append("count", v[0]).append("first", v[1]).append("last", v[2])));
        checkpoints.replaceOne(eq("_id", CHECKPOINT), new Document("_id", CHECKPOINT).append("until", until).append("entries", entries),
            new ReplaceOptions().upsert(true));
      } else {
        until = from;
      }
      Map<String, long[]> total = new TreeMap<>();
      base.forEach((k, v) -> total.put(k, v.clone()));
      add(total, groups(gte(EventDocuments.RECEIVED_AT, until)));
      for (Map.Entry<String, long[]> e : total.entrySet()) {
        String[] parts = e.getKey().split("\n", -1);
        long[] v = e.getValue();
        catalog.replaceOne(eq("_id", e.getKey()), new Document("_id", e.getKey()).append("service", parts[0])
            .append("type", parts[1]).append("count", v[0]).append("first", v[1]).append("last", v[2]), new ReplaceOptions().upsert(true));
      }
      return null;
    });
  }

  private Map<String, long[]> groups(Bson match) {
    Map<String, long[]> found = new TreeMap<>();
    events.aggregate(List.of(Aggregates.match(match), Aggregates.group(
        new Document("service", "$" + EventDocuments.SERVICE).append("type", "$" + EventDocuments.TYPE),
        Accumulators.sum("count", 1), Accumulators.min("first", "$" + EventDocuments.RECEIVED_AT),
        Accumulators.max("last", "$" + EventDocuments.RECEIVED_AT)))).forEach(d -> {
          Document id = d.get("_id", Document.class);
          found.put(key(id.getString("service"), id.getString("type")), new long[] {
              ((Number) d.get("count")).longValue(), ((Number) d.get("first")).longValue(), ((Number) d.get("last")).longValue()});
        });
    return found;
  }

  private static void add(Map<String, long[]> into, Map<String, long[]> more) {
    more.forEach((k, v) -> into.merge(k, v, (a, b) -> new long[] {a[0] + b[0], Math.min(a[1], b[1]), Math.max(a[2], b[2])}));
  }

  // ---- SchemaRegistry

  @Override
  public boolean register(SchemaVersion v) {
    Optional<SchemaVersion> latest = latest(v.service(), v.type());
    if (v.version() != latest.map(SchemaVersion::version).orElse(0) + 1) {
      return false;
    }
    Document doc = new Document("_id", key(v.service(), v.type()) + "\n" + v.version())
        .append("service", v.service()).append("type", v.type()).append("version", v.version())
        .append("mode", v.mode().wireName()).append("schema", v.schemaJson())
        .append("registered_at", EpochMicros.of(EpochMicros.truncate(v.registeredAt()))).append("checked", v.checked());
    try {
      // The _id holds the version: of two registrations of the same number, one insert wins.
      MongoErrors.run("registration of a schema for " + v.service() + "/" + v.type(), () -> schemas.insertOne(doc));
      return true;
    } catch (RuntimeException e) {
      if (e.getCause() instanceof MongoWriteException w && ErrorCategory.fromErrorCode(w.getCode()) == ErrorCategory.DUPLICATE_KEY
          || e instanceof MongoWriteException w2 && ErrorCategory.fromErrorCode(w2.getCode()) == ErrorCategory.DUPLICATE_KEY) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public List<SchemaVersion> versions(String service, String type) {
    return schemaList(and(eq("service", service), eq("type", type)), -1);
  }

  @Override
  public Optional<SchemaVersion> latest(String service, String type) {
    return schemaList(and(eq("service", service), eq("type", type)), 1).stream().findFirst();
  }

  @Override
  public List<SchemaVersion> latestOfEach() {
    Map<String, SchemaVersion> latest = new TreeMap<>();
    for (SchemaVersion v : schemaList(new Document(), 0)) {
      latest.merge(key(v.service(), v.type()), v, (a, b) -> a.version() >= b.version() ? a : b);
    }
    return List.copyOf(latest.values());
  }

  /** {@code newest}: 1 for the newest only, -1 for all oldest first, 0 for all in any order. */
  private List<SchemaVersion> schemaList(Bson filter, int newest) {
    return call("read of schemas", () -> {
      List<SchemaVersion> found = new ArrayList<>();
      var find = schemas.find(filter).sort(newest == 1 ? Sorts.descending("version") : Sorts.ascending("version"));
      if (newest == 1) {
        find = find.limit(1);
      }
      find.forEach(d -> found.add(new SchemaVersion(d.getString("service"), d.getString("type"), d.getInteger("version"),
          SchemaMode.fromWireName(d.getString("mode")).orElseThrow(), d.getString("schema"),
          EpochMicros.toInstant(d.getLong("registered_at")), d.getLong("checked"))));
      return found;
    });
  }

  // ---- Quarantine

  @Override
  public void hold(List<QuarantinedEvent> held) {
    if (held.isEmpty()) {
      return;
    }
    List<Document> docs = new ArrayList<>();
    for (QuarantinedEvent q : held) {
      Event e = q.event();
      Document doc = new Document("_id", e.id()).append("service", e.service()).append("type", e.type())
          .append("created_at", EpochMicros.of(EpochMicros.truncate(e.createdAt()))).append("aggregate_id", e.aggregateId());
      if (e.correlationId() != null) {
        doc.append("correlation_id", e.correlationId());
      }
      doc.append("payload", e.payloadJson()).append("quarantined_at", EpochMicros.of(EpochMicros.truncate(q.quarantinedAt())))
          .append("schema_version", q.schemaVersion()).append("errors", ErrorsJson.write(q.errors()));
      if (!e.extensions().isEmpty()) {
        doc.append(EventDocuments.EXTENSIONS, new Document(e.extensions())); // absent for none, as in events
      }
      if (q.dropped()) {
        doc.append("dropped_reason", q.droppedReason()).append("dropped_at", EpochMicros.of(EpochMicros.truncate(q.droppedAt())));
      }
      docs.add(doc);
    }
    call("quarantine of " + held.size() + " event(s)", () -> {
      try {
        quarantine.insertMany(docs, new InsertManyOptions().ordered(false));
      } catch (MongoBulkWriteException e) {
        if (e.getWriteConcernError() != null) {
          throw e;
        }
        for (BulkWriteError error : e.getWriteErrors()) {
          if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
            throw e; // a duplicate id is a retried submission, kept once
          }
        }
      }
      return null;
    });
  }

  @Override
  public List<QuarantinedEvent> held(String service, String type, String afterId, int limit) {
    List<Bson> and = new ArrayList<>(List.of(exists("dropped_reason", false)));
    if (service != null) {
      and.add(eq("service", service));
    }
    if (type != null) {
      and.add(eq("type", type));
    }
    if (afterId != null) {
      and.add(gt("_id", afterId));
    }
    return quarantined(and(and), limit);
  }

  @Override
  public List<QuarantinedEvent> find(List<String> ids) {
    return ids.isEmpty() ? List.of() : quarantined(and(exists("dropped_reason", false), in("_id", ids)), 0);
  }

  @Override
  public List<QuarantinedEvent> entries(String afterId, int limit) {
    return quarantined(afterId == null ? new Document() : gt("_id", afterId), limit);
  }

  private List<QuarantinedEvent> quarantined(Bson filter, int limit) {
    return call("read of the quarantine", () -> {
      List<QuarantinedEvent> found = new ArrayList<>();
      var find = quarantine.find(filter).sort(Sorts.ascending("_id"));
      if (limit > 0) {
        find = find.limit(limit);
      }
      find.forEach(d -> {
        Event event = new Event(d.getString("_id"), d.getString("service"), d.getString("type"),
            EpochMicros.toInstant(d.getLong("created_at")), d.getString("aggregate_id"), d.getString("correlation_id"),
            d.getString("payload"), EventDocuments.extensions(d.get(EventDocuments.EXTENSIONS, Document.class)));
        Long droppedAt = d.getLong("dropped_at");
        found.add(new QuarantinedEvent(event, EpochMicros.toInstant(d.getLong("quarantined_at")), d.getInteger("schema_version"),
            ErrorsJson.read(d.getString("errors")), d.getString("dropped_reason"), droppedAt == null ? null : EpochMicros.toInstant(droppedAt)));
      });
      return found;
    });
  }

  @Override
  public int release(List<String> ids) {
    return call("release of quarantined events",
        () -> (int) quarantine.deleteMany(and(in("_id", ids), exists("dropped_reason", false))).getDeletedCount());
  }

  @Override
  public int drop(List<String> ids, String reason, Instant at) {
    return call("drop of quarantined events", () -> (int) quarantine.updateMany(and(in("_id", ids), exists("dropped_reason", false)),
        Updates.combine(Updates.set("dropped_reason", reason), Updates.set("dropped_at", EpochMicros.of(EpochMicros.truncate(at)))))
        .getModifiedCount());
  }

  @Override
  public long heldCount() {
    return call("count of the quarantine", () -> quarantine.countDocuments(exists("dropped_reason", false)));
  }

  // ---- Catalog

  @Override
  public List<CatalogEntry> entries(Instant now) {
    long fromMinute = Math.floorDiv(EpochMicros.ofSaturated(now), MINUTE_MICROS) - 59;
    return call("read of the catalog", () -> {
      // Older buckets are of no use any more; deleting them here keeps the write path to upserts.
      minutes.deleteMany(lt("minute", fromMinute - 60));
      Map<String, Long> lastHour = new TreeMap<>();
      minutes.find(gte("minute", fromMinute)).forEach(d -> lastHour.merge(key(d.getString("service"), d.getString("type")),
          ((Number) d.get("count")).longValue(), Long::sum));
      List<CatalogEntry> found = new ArrayList<>();
      catalog.find().sort(Sorts.ascending("service", "type")).forEach(d -> found.add(new CatalogEntry(d.getString("service"),
          d.getString("type"), ((Number) d.get("count")).longValue(), EpochMicros.toInstant(((Number) d.get("first")).longValue()),
          EpochMicros.toInstant(((Number) d.get("last")).longValue()), lastHour.getOrDefault(d.getString("_id"), 0L))));
      return found;
    });
  }

  // ---- TypeHistory

  @Override
  public List<StoredEvent> newestFirst(String service, String type, Position before, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    List<Bson> and = new ArrayList<>(List.of(eq(EventDocuments.TYPE, type), eq(EventDocuments.SERVICE, service)));
    if (before != null) {
      long at = EpochMicros.ofSaturated(before.receivedAt());
      and.add(or(lt(EventDocuments.RECEIVED_AT, at), and(eq(EventDocuments.RECEIVED_AT, at), lt(EventDocuments.ID, before.id()))));
    }
    return call("history of " + service + "/" + type, () -> {
      List<StoredEvent> found = new ArrayList<>(Math.min(limit, 1000));
      events.find(and(and)).sort(Sorts.descending(EventDocuments.TYPE, EventDocuments.RECEIVED_AT, EventDocuments.ID)).limit(limit)
          .forEach(d -> found.add(EventDocuments.fromDocument(d)));
      return found;
    });
  }
}
