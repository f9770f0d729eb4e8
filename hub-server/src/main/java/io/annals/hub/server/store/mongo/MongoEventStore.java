package io.annals.hub.server.store.mongo;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.ConnectionString;
import com.mongodb.ReadConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.AggregatePosition;
import io.annals.hub.server.store.AppendResult;
import io.annals.hub.server.store.EpochMicros;
import io.annals.hub.server.store.EventFilter;
import io.annals.hub.server.store.EventLog;
import io.annals.hub.server.store.FeedSource;
import io.annals.hub.server.store.InstanceRegistry;
import io.annals.hub.server.store.InstanceWatermark;
import io.annals.hub.server.store.Position;
import io.annals.hub.server.store.StoreClock;
import io.annals.hub.server.store.StoreCondition;
import io.annals.hub.server.store.StoreHealth;
import io.annals.hub.server.store.StoreAdapter;
import io.annals.hub.server.store.Erasures;
import io.annals.hub.server.schema.SchemaStores;
import io.annals.hub.server.store.StoreUnavailableException;
import io.annals.hub.server.store.mongo.MongoQueries.Find;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The production store: MongoDB, collection {@code events} with {@code _id} = event id. Writes use
 * write concern majority with journal, so an append returns only once its events are on disk on a
 * majority of the replica set; reads go to the primary with read concern majority, so nothing a
 * failover could roll back is ever shown (in the feed or anywhere else).
 *
 * <p>Thread-safe; several hub instances may share one database. Every operation is bounded by the
 * configured timeouts and throws {@link StoreUnavailableException} when MongoDB does not answer.
 * Build with {@link #connect} or {@link #builder}.
 */
public final class MongoEventStore implements StoreAdapter {

  /** Defaults of the {@link Builder}: a stopped MongoDB is reported within seconds, not minutes. */
  public static final Duration DEFAULT_SERVER_SELECTION_TIMEOUT = Duration.ofSeconds(3);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_CLOCK_REFRESH = Duration.ofSeconds(5);

  static final String EVENTS = "events";
  static final String INSTANCES = "hub_instances";
  /** One document, {@code {_id: "high_mark", high_mark: micros}}: see {@link #clockHighMark()}. */
  static final String CLOCK = "hub_clock";
  private static final String HIGH_MARK = "high_mark";

  private final MongoClient client;
  private final MongoDatabase database;
  private final MongoCollection<Document> events;
  private final MongoCollection<Document> instances;
  private final MongoAppender appender;
  private final ServerClock clock;
  private final StoreCondition condition;
  private final MongoSchemas schemas;

  MongoEventStore(MongoSettings settings) {
    this.condition = new StoreCondition("MongoDB database " + settings.database(), () -> -1);
    this.client = MongoClients.create(settings.clientSettings());
    try {
      this.database = client.getDatabase(settings.database());
      this.events = database.getCollection(EVENTS).withReadConcern(ReadConcern.MAJORITY);
      this.instances = database.getCollection(INSTANCES).withReadConcern(ReadConcern.MAJORITY);
      this.appender = new MongoAppender(events);
      run("creation of the indexes of " + EVENTS, () -> events.createIndexes(MongoQueries.INDEXES));
      this.schemas = new MongoSchemas(database, events);
      MongoDatabase admin = client.getDatabase("admin");
      this.clock = call("reading MongoDB's clock", () -> new ServerClock(
          settings.clock(), () -> admin.runCommand(new Document("hello", 1)), settings.clockRefresh()));
      // A crash between an insert and its count left the catalog short: recount since the checkpoint.
      schemas.reconcile(clock.now());
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** Connects with the default settings; throws StoreUnavailableException if MongoDB does not answer. */
  public static MongoEventStore connect(String connectionString, String database) {
    return builder(connectionString, database).connect();
  }

  /** A builder to set timeouts, the clock refresh or (for tests) the local clock. */
  public static Builder builder(String connectionString, String database) {
    return new Builder(connectionString, database);
  }

  /** The database, for the ports that keep their collections beside the events' (e.g. {@link MongoLedger}). */
  public MongoDatabase database() {
    return database;
  }

  /** Schemas, quarantine, catalog and type history of this store (ports of their own, same database). */
  public MongoSchemas schemas() {
    return schemas;
  }

  @Override
  public SchemaStores schemaStores() {
    return new SchemaStores(schemas, schemas, schemas, schemas);
  }

  /** The erasure log, collections beside the events' (docs/erasure.md). */
  @Override
  public Erasures erasures() {
    return new MongoErasures(database);
  }

  /** The ledger's collections beside the events', fenced by lease tokens (docs/ledger.md). */
  @Override
  public MongoLedger openLedger() {
    return new MongoLedger(database);
  }

  @Override
  public List<AppendResult> append(List<StoredEvent> events) {
    List<StoredEvent> batch = events.stream().map(EpochMicros::truncate).toList();
    try {
      if (batch.isEmpty()) {
        return List.of();
      }
      List<AppendResult> results = appender.append(batch);
      // After the insert, not in a transaction: reconcile() repairs a crash in between.
      schemas.count(results.stream().filter(r -> r.outcome() == io.annals.hub.server.event.Outcome.CREATED)
          .map(AppendResult::stored).toList());
      return results;
    } catch (RuntimeException e) {
      throw condition.record(e);
    }
  }

  @Override
  public Optional<StoredEvent> find(String id) {
    Objects.requireNonNull(id, "id");
    return call("find of event " + id,
        () -> Optional.ofNullable(events.find(eq(EventDocuments.ID, id)).first()).map(EventDocuments::fromDocument));
  }

  @Override
  public List<StoredEvent> query(EventFilter filter, Position after, int limit) {
    Objects.requireNonNull(filter, "filter");
    return select("query of events", MongoQueries.query(filter, after, limit));
  }

  @Override
  public List<StoredEvent> aggregateHistory(String aggregateId, Instant asOf, AggregatePosition after, int limit) {
    Objects.requireNonNull(aggregateId, "aggregateId");
    return select("history of aggregate " + aggregateId, MongoQueries.aggregateHistory(aggregateId, asOf, after, limit));
  }

  @Override
  public List<StoredEvent> feed(Set<String> types, Position after, Instant stableBefore, int limit) {
    Objects.requireNonNull(types, "types");
    Objects.requireNonNull(stableBefore, "stableBefore");
    return select("feed read", MongoQueries.feed(types, after, stableBefore, limit));
  }

  @Override
  public long countFeed(Set<String> types, Position after, Instant stableBefore) {
    Objects.requireNonNull(types, "types");
    Objects.requireNonNull(stableBefore, "stableBefore");
    Bson filter = MongoQueries.countFeed(types, after, stableBefore);
    return call("count of the feed", () -> events.countDocuments(filter));
  }

  @Override
  public void publishWatermark(InstanceWatermark watermark) {
    String instanceId = Objects.requireNonNull(watermark.instanceId(), "instanceId");
    Document doc = new Document("_id", instanceId)
        .append("watermark", EpochMicros.of(Objects.requireNonNull(watermark.watermark(), "watermark")))
        .append("heartbeat", EpochMicros.of(Objects.requireNonNull(watermark.heartbeat(), "heartbeat")));
    long heartbeat = doc.getLong("heartbeat");
    run("publish of the watermark of instance " + instanceId, () -> {
      // The high mark first: the publication counts only once both are written.
      database.getCollection(CLOCK).updateOne(eq("_id", HIGH_MARK), Updates.max(HIGH_MARK, heartbeat),
          new UpdateOptions().upsert(true));
      instances.replaceOne(eq("_id", instanceId), doc, new ReplaceOptions().upsert(true));
    });
  }

  /** The newest received_at (from its index) and the published high mark, whichever is later. */
  @Override
  public Instant clockHighMark() {
    return call("read of the clock's high mark", () -> {
      Document newest = events.find().sort(Sorts.descending(EventDocuments.RECEIVED_AT))
          .projection(Projections.include(EventDocuments.RECEIVED_AT)).limit(1).first();
      Document mark = database.getCollection(CLOCK).withReadConcern(ReadConcern.MAJORITY)
          .find(eq("_id", HIGH_MARK)).first();
      Long high = null;
      if (newest != null) {
        high = newest.getLong(EventDocuments.RECEIVED_AT);
      }
      if (mark != null && (high == null || mark.getLong(HIGH_MARK) > high)) {
        high = mark.getLong(HIGH_MARK);
      }
      return high == null ? null : EpochMicros.toInstant(high);
    });
  }

  @Override
  public List<InstanceWatermark> watermarks() {
    return call("read of instance watermarks", () -> {
      List<InstanceWatermark> marks = new ArrayList<>();
      for (Document doc : instances.find().sort(new Document("_id", 1))) {
        marks.add(new InstanceWatermark(doc.getString("_id"),
            EpochMicros.toInstant(doc.getLong("watermark")), EpochMicros.toInstant(doc.getLong("heartbeat"))));
      }
      return marks;
    });
  }

  @Override
  public void retireInstance(String instanceId) {
    Objects.requireNonNull(instanceId, "instanceId");
    run("retirement of instance " + instanceId, () -> instances.deleteOne(eq("_id", instanceId)));
  }

  /** MongoDB's clock (see {@link ServerClock}); no round trip. */
  @Override
  public Instant clock() {
    return clock.now();
  }

  /** Pings the primary; throws StoreUnavailableException when it does not answer in time. */
  @Override
  public void ping() {
    condition.check();
    run("ping of MongoDB", () -> database.runCommand(new Document("ping", 1)));
  }

  @Override
  public void close() {
    clock.close();
    client.close();
  }

  /** True when {@link #clock()} follows MongoDB's clock, false when it fell back to the local one. */
  boolean clockFollowsServer() {
    return clock.followsServer();
  }

  /** {@link MongoErrors#call}, noting damage in this store's {@link StoreCondition}, so that readiness says so too. */
  private <T> T call(String what, Supplier<T> operation) {
    try {
      return MongoErrors.call(what, operation);
    } catch (RuntimeException e) {
      throw condition.record(e);
    }
  }

  /** {@link #call} for an operation without a result. */
  private void run(String what, Runnable operation) {
    call(what, () -> {
      operation.run();
      return null;
    });
  }

  /** The query planner's answer for a find, for the index tests. */
  Document explain(Find find) {
    var registry = events.getCodecRegistry();
    Document command = new Document("find", EVENTS)
        .append("filter", find.filter().toBsonDocument(BsonDocument.class, registry))
        .append("sort", find.sort().toBsonDocument(BsonDocument.class, registry))
        .append("limit", find.limit());
    return call("explain", () -> database.runCommand(new Document("explain", command).append("verbosity", "queryPlanner")));
  }

  /** The query planner's answer for counting the documents a filter matches, for the index tests. */
  Document explainCount(Bson filter) {
    var registry = events.getCodecRegistry();
    Document command = new Document("count", EVENTS)
        .append("query", filter.toBsonDocument(BsonDocument.class, registry));
    return call("explain", () -> database.runCommand(new Document("explain", command).append("verbosity", "queryPlanner")));
  }

  private List<StoredEvent> select(String what, Find find) {
    if (find.limit() < 0) {
      throw new IllegalArgumentException("limit must be >= 0, was " + find.limit());
    }
    if (find.limit() == 0) {
      return List.of(); // MongoDB reads limit 0 as "no limit"
    }
    return call(what, () -> {
      List<StoredEvent> found = new ArrayList<>(Math.min(find.limit(), 1000));
      events.find(find.filter()).sort(find.sort()).limit(find.limit())
          .forEach(doc -> found.add(EventDocuments.fromDocument(doc)));
      return found;
    });
  }

  /** Settings of a {@link MongoEventStore}; {@link #connect()} validates them and connects. */
  public static final class Builder {
    private final String connectionString;
    private final String database;
    private Duration serverSelectionTimeout = DEFAULT_SERVER_SELECTION_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration socketTimeout = DEFAULT_SOCKET_TIMEOUT;
    private Duration clockRefresh = DEFAULT_CLOCK_REFRESH;
    private Clock clock = Clock.systemUTC();

    private Builder(String connectionString, String database) {
      this.connectionString = Objects.requireNonNull(connectionString, "connectionString");
      this.database = Objects.requireNonNull(database, "database");
    }

    /** How long an operation waits for a usable server (primary) before the store counts as unavailable. */
    public Builder serverSelectionTimeout(Duration timeout) {
      this.serverSelectionTimeout = Objects.requireNonNull(timeout, "serverSelectionTimeout");
      return this;
    }

    /** How long opening a connection may take. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout, "connectTimeout");
      return this;
    }

    /** How long one answer may take to arrive (includes waiting for majority + journal). */
    public Builder socketTimeout(Duration timeout) {
      this.socketTimeout = Objects.requireNonNull(timeout, "socketTimeout");
      return this;
    }

    /** How often MongoDB's clock is measured again in the background. */
    public Builder clockRefresh(Duration every) {
      this.clockRefresh = Objects.requireNonNull(every, "clockRefresh");
      return this;
    }

    /** The local clock the server's clock is estimated against; the system UTC clock unless a test says otherwise. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Connects, creates the indexes if missing and measures MongoDB's clock. Throws
     * IllegalArgumentException for a bad setting (the message never repeats the connection string,
     * which may hold a password), StoreUnavailableException when MongoDB does not answer in time.
     */
    public MongoEventStore connect() {
      positive("serverSelectionTimeout", serverSelectionTimeout);
      positive("connectTimeout", connectTimeout);
      positive("socketTimeout", socketTimeout);
      positive("clockRefresh", clockRefresh);
      if (database.isBlank()) {
        throw new IllegalArgumentException("database name required, was blank");
      }
      ConnectionString parsed;
      try {
        parsed = new ConnectionString(connectionString);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a MongoDB connection string (mongodb://host:port/...): " + e.getMessage(), e);
      }
      return new MongoEventStore(new MongoSettings(
          parsed, database, serverSelectionTimeout, connectTimeout, socketTimeout, clockRefresh, clock));
    }

    /**
     * The driver takes whole milliseconds and reads 0 as "no limit", so a duration under 1 ms
     * (500 µs, 1 ns) would not be a short timeout but none at all.
     */
    private static void positive(String name, Duration value) {
      if (value.compareTo(Duration.ofMillis(1)) < 0 || value.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(name + " must be between 1 ms and " + Integer.MAX_VALUE + " ms, was " + value);
      }
    }
  }
}
