package io.annals.hub.server.store.sqlite;

import io.annals.hub.server.event.EventContent;
import io.annals.hub.server.event.Outcome;
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
import io.annals.hub.server.schema.SchemaStores;
import io.annals.hub.server.store.Erasures;
import io.annals.hub.server.store.StoreUnavailableException;
import io.annals.hub.server.store.sqlite.SqliteQueries.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The embedded store: one SQLite file, {@code events.db}, in a data directory. An append returns
 * only after its transaction is committed with {@code synchronous=FULL} in WAL mode, i.e. fsynced:
 * the events survive {@code kill -9} and power loss once the call returns.
 *
 * <p>Thread-safe. Appends and watermark writes go through one writer connection, one transaction
 * per call (a caller that passes many events gets one fsync for all: the group commit); waiting for
 * it, and for a lock held by another process, is bounded by the busy timeout, after which the call
 * throws {@link StoreUnavailableException}. Reads use a small pool of read-only connections and do
 * not wait for writers. Build with {@link #open} or {@link #builder}.
 */
public final class SqliteEventStore implements StoreAdapter {

  /** Defaults of the {@link Builder}. */
  public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_READER_CONNECTIONS = 4;
  /**
   * The page cache of the writer connection on a file past 1 GiB, in KiB (SQLite's {@code PRAGMA cache_size = -N}; {@link WriterCache});
   * allocated only as pages are cached. With two million events stored, plain JDBC appends ran at
   * about 0.75 of their empty-store rate with SQLite's 2 MB default and about 0.85 with 64 MiB
   * (README, Benchmarks): the random-key indexes (aggregate, correlation) outgrow a small cache.
   */
  public static final int WRITER_CACHE_KIB = 64 * 1024;

  /** The writer's page cache on a file of {@code fileBytes}, in KiB: smaller below 1 GiB ({@link WriterCache}). */
  public static int writerCacheKib(long fileBytes) {
    return WriterCache.DEFAULT.kibFor(fileBytes);
  }
  /** The file the store keeps in its data directory. */
  public static final String FILE_NAME = "events.db";

  private static final String WATERMARK_UPSERT =
      "INSERT INTO hub_instances (instance_id, watermark, heartbeat) VALUES (?, ?, ?)"
          + " ON CONFLICT (instance_id) DO UPDATE SET watermark = excluded.watermark, heartbeat = excluded.heartbeat"
          // Publications of one instance may reach the writer out of order (a commit's own and the
          // periodic one): the later heartbeat wins, so the row never moves back.
          + " WHERE excluded.heartbeat > hub_instances.heartbeat";

  private static final String HIGH_MARK_RAISE =
      "INSERT INTO hub_clock (id, high_mark) VALUES (1, ?)"
          + " ON CONFLICT (id) DO UPDATE SET high_mark = max(high_mark, excluded.high_mark)";

  private final SqliteSettings settings;
  private final SqliteWriter writer;
  private final ReaderPool readers;
  private final StoreCondition condition;
  private final SqliteSchemas schemas;

  private SqliteEventStore(SqliteSettings settings) {
    this.settings = settings;
    Path file = settings.file();
    this.condition = new StoreCondition("the embedded store " + file, () -> SqliteErrors.usableBytes(file.getParent()));
    SqliteErrors.Translator errors = (what, e) -> condition.record(SqliteErrors.translate(file, what, e));
    try {
      this.writer = new SqliteWriter(settings, errors);
    } catch (SQLException e) {
      throw errors.translate("opening " + file, e);
    }
    this.readers = new ReaderPool(settings::openReader, settings.readerConnections(), settings.busyTimeout(), errors);
    this.schemas = new SqliteSchemas(writer, readers);
  }

  /** Opens (creating if needed) {@code events.db} in {@code dataDir} with the default settings. */
  public static SqliteEventStore open(Path dataDir) {
    return builder(dataDir).open();
  }

  /** A builder for a store in {@code dataDir}, to set the busy timeout, reader connections or clock. */
  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** Schemas, quarantine, catalog and type history of this store (ports of their own, same file). */
  public SqliteSchemas schemas() {
    return schemas;
  }

  @Override
  public List<AppendResult> append(List<StoredEvent> events) {
    return append(events, () -> null);
  }

  @Override
  public List<AppendResult> append(List<StoredEvent> events, java.util.function.Supplier<InstanceWatermark> publication) {
    Objects.requireNonNull(publication, "publication");
    List<StoredEvent> batch = events.stream().map(EpochMicros::truncate).toList();
    if (batch.isEmpty()) {
      return List.of();
    }
    List<AppendResult> appended = writer.write("append of " + batch.size() + " event(s)", statements -> {
      List<AppendResult> results = new ArrayList<>(batch.size());
      PreparedStatement insert = statements.prepared(SqliteQueries.INSERT);
      Set<Long> createdWeeks = new HashSet<>();
      Set<Long> receivedWeeks = new HashSet<>();
      List<StoredEvent> created = new ArrayList<>(batch.size());
      for (StoredEvent event : batch) {
        SqliteQueries.bindInsert(insert, event);
        if (insert.executeUpdate() == 1) {
          results.add(new AppendResult(Outcome.CREATED, event));
          created.add(event);
          createdWeeks.add(SqliteSchema.week(EpochMicros.of(event.event().createdAt())));
          receivedWeeks.add(SqliteSchema.week(EpochMicros.of(event.receivedAt())));
        } else {
          // Inside the transaction, so this also sees an equal id inserted earlier in this batch.
          StoredEvent stored = findIn(statements.prepared(SqliteQueries.FIND), event.id())
              .orElseThrow(() -> new IllegalStateException("insert of " + event.id() + " was ignored but no row holds that id"));
          boolean same = EventContent.sameContent(stored.event(), event.event());
          results.add(new AppendResult(same ? Outcome.DUPLICATE : Outcome.CONFLICT, stored));
        }
      }
      // Reads by aggregate or correlation visit only the weeks listed (SqliteSchema): a batch has one or two.
      addWeeks(statements.prepared(SqliteQueries.ADD_CREATED_WEEK), createdWeeks);
      addWeeks(statements.prepared(SqliteQueries.ADD_RECEIVED_WEEK), receivedWeeks);
      // The catalog counts in this same transaction, so that it equals the stored counts after any crash.
      SqliteSchemas.count(statements, created);
      // Asked for only now, holding the writer: its watermark then already counts this append as ended.
      InstanceWatermark watermark = publication.get();
      if (watermark != null) {
        publish(statements, watermark);
      }
      return results;
    });
    condition.appended();
    return appended;
  }

  private static void addWeeks(PreparedStatement addWeek, Set<Long> weeks) throws SQLException {
    for (long week : weeks) {
      addWeek.setLong(1, week);
      addWeek.executeUpdate();
    }
  }

  @Override
  public Optional<StoredEvent> find(String id) {
    Objects.requireNonNull(id, "id");
    return readers.withConnection("find of event " + id, connection -> {
      try (PreparedStatement find = connection.prepareStatement(SqliteQueries.FIND)) {
        return findIn(find, id);
      }
    });
  }

  @Override
  public List<StoredEvent> query(EventFilter filter, Position after, int limit) {
    Objects.requireNonNull(filter, "filter");
    return select("query of events", limit, SqliteQueries.query(filter, after, limit));
  }

  @Override
  public List<StoredEvent> aggregateHistory(String aggregateId, Instant asOf, AggregatePosition after, int limit) {
    Objects.requireNonNull(aggregateId, "aggregateId");
    return select("history of aggregate " + aggregateId, limit,
        SqliteQueries.aggregateHistory(aggregateId, asOf, after, limit));
  }

  @Override
  public List<StoredEvent> feed(Set<String> types, Position after, Instant stableBefore, int limit) {
    Objects.requireNonNull(types, "types");
    Objects.requireNonNull(stableBefore, "stableBefore");
    return select("feed read", limit, SqliteQueries.feed(types, after, stableBefore, limit));
  }

  @Override
  public long countFeed(Set<String> types, Position after, Instant stableBefore) {
    Objects.requireNonNull(types, "types");
    Objects.requireNonNull(stableBefore, "stableBefore");
    Sql sql = SqliteQueries.countFeed(types, after, stableBefore);
    return readers.withConnection("count of the feed", connection -> {
      try (PreparedStatement statement = sql.prepare(connection); ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @Override
  public void publishWatermark(InstanceWatermark watermark) {
    Objects.requireNonNull(watermark.instanceId(), "instanceId");
    writer.write("publish of the watermark of instance " + watermark.instanceId(), statements -> publish(statements, watermark));
  }

  private static int publish(SqliteWriter.Statements statements, InstanceWatermark watermark) throws SQLException {
    long mark = EpochMicros.of(Objects.requireNonNull(watermark.watermark(), "watermark"));
    long heartbeat = EpochMicros.of(Objects.requireNonNull(watermark.heartbeat(), "heartbeat"));
    PreparedStatement upsert = statements.prepared(WATERMARK_UPSERT);
    upsert.setString(1, watermark.instanceId());
    upsert.setLong(2, mark);
    upsert.setLong(3, heartbeat);
    upsert.executeUpdate();
    PreparedStatement raise = statements.prepared(HIGH_MARK_RAISE);
    raise.setLong(1, heartbeat);
    return raise.executeUpdate();
  }

  @Override
  public List<InstanceWatermark> watermarks() {
    return readers.withConnection("read of instance watermarks", connection -> {
      List<InstanceWatermark> marks = new ArrayList<>();
      try (Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery(
              "SELECT instance_id, watermark, heartbeat FROM hub_instances ORDER BY instance_id")) {
        while (rs.next()) {
          marks.add(new InstanceWatermark(
              rs.getString(1), EpochMicros.toInstant(rs.getLong(2)), EpochMicros.toInstant(rs.getLong(3))));
        }
      }
      return marks;
    });
  }

  @Override
  public void retireInstance(String instanceId) {
    Objects.requireNonNull(instanceId, "instanceId");
    writer.write("retirement of instance " + instanceId, statements -> {
      PreparedStatement delete = statements.prepared("DELETE FROM hub_instances WHERE instance_id = ?");
      delete.setString(1, instanceId);
      return delete.executeUpdate();
    });
  }

  /**
   * The local clock at microsecond precision. It steps back when the system clock does: the hub's
   * ReceivedAtClock keeps {@code received_at} monotonic and moving, and must see the step for that.
   */
  @Override
  public Instant clock() {
    return EpochMicros.truncate(settings.clock().instant());
  }

  /** The newest received_at (from its index) and the published high mark, whichever is later. */
  @Override
  public Instant clockHighMark() {
    return readers.withConnection("read of the clock's high mark", connection -> {
      try (Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery(
              "SELECT (SELECT max(received_at) FROM events), (SELECT max(high_mark) FROM hub_clock)")) {
        rs.next();
        long newest = rs.getLong(1);
        boolean noEvents = rs.wasNull();
        long published = rs.getLong(2);
        boolean noMark = rs.wasNull();
        if (noEvents && noMark) {
          return null;
        }
        return EpochMicros.toInstant(noEvents ? published : noMark ? newest : Math.max(newest, published));
      }
    });
  }

  /**
   * Reads from the file; throws StoreUnavailableException when it cannot, StoreCorruptException
   * once any call found the file damaged, StoreFullException while writes fail for lack of space.
   */
  @Override
  public void ping() {
    condition.check();
    readers.withConnection("ping of " + settings.file(), connection -> {
      try (Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("SELECT count(*) FROM hub_instances")) {
        return rs.next();
      }
    });
  }

  /** The erasure port on this store's file, sharing its writer (docs/erasure.md). */
  @Override
  public Erasures erasures() {
    return new SqliteErasures(writer, readers, settings.file());
  }

  @Override
  public SchemaStores schemaStores() {
    return new SchemaStores(schemas, schemas, schemas, schemas);
  }

  /** The ledger's own file, {@code ledger.db}, beside {@code events.db} (docs/ledger.md). */
  @Override
  public SqliteLedger openLedger() {
    return SqliteLedger.open(settings.file().getParent());
  }

  @Override
  public void close() {
    readers.close();
    writer.close();
  }

  /** Checkpoints the background thread has run since the store opened (for tests). */
  long backgroundCheckpoints() {
    return writer.checkpoints();
  }

  /** Times the background thread flushed the file to disk (for tests). */
  long backgroundSyncs() {
    return writer.syncs();
  }

  /** The statement's query plan lines ({@code EXPLAIN QUERY PLAN}), for the index tests. */
  List<String> explain(Sql sql) {
    Sql explain = new Sql("EXPLAIN QUERY PLAN " + sql.text(), sql.params());
    return readers.withConnection("explain", connection -> {
      List<String> plan = new ArrayList<>();
      try (PreparedStatement statement = explain.prepare(connection); ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          plan.add(rs.getString("detail"));
        }
      }
      return plan;
    });
  }

  private List<StoredEvent> select(String what, int limit, Sql sql) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, was " + limit);
    }
    if (limit == 0) {
      return List.of();
    }
    return readers.withConnection(what, connection -> {
      List<StoredEvent> events = new ArrayList<>(Math.min(limit, 1000));
      try (PreparedStatement statement = sql.prepare(connection); ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          events.add(SqliteQueries.read(rs));
        }
      }
      return events;
    });
  }

  private static Optional<StoredEvent> findIn(PreparedStatement find, String id) throws SQLException {
    find.setString(1, id);
    try (ResultSet rs = find.executeQuery()) {
      return rs.next() ? Optional.of(SqliteQueries.read(rs)) : Optional.empty();
    }
  }

  /** Settings of a {@link SqliteEventStore}; {@link #open()} validates them and opens the store. */
  public static final class Builder {
    private final Path dataDir;
    private Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;
    private int readerConnections = DEFAULT_READER_CONNECTIONS;
    private Clock clock = Clock.systemUTC();
    private boolean startupCheck = true;

    private Builder(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    }

    /** How long a write waits for the writer (this or another process) before the store counts as unavailable. */
    public Builder busyTimeout(Duration busyTimeout) {
      this.busyTimeout = Objects.requireNonNull(busyTimeout, "busyTimeout");
      return this;
    }

    /** How many reads may run at once; further reads wait up to the busy timeout. */
    public Builder readerConnections(int readerConnections) {
      this.readerConnections = readerConnections;
      return this;
    }

    /** The clock behind {@link SqliteEventStore#clock()}; the system UTC clock unless a test says otherwise. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Whether opening runs {@code PRAGMA quick_check} over the whole file first (the default): a
     * damaged file is then refused before the hub listens, at the cost of reading it once.
     */
    public Builder startupCheck(boolean startupCheck) {
      this.startupCheck = startupCheck;
      return this;
    }

    /**
     * Creates the data directory if missing and opens (or creates) {@code events.db} in it. Throws
     * IllegalArgumentException for a bad setting, StoreUnavailableException when the file cannot be
     * opened or is locked, IllegalStateException when it is not a hub store this version understands.
     */
    public SqliteEventStore open() {
      if (busyTimeout.isNegative() || busyTimeout.isZero() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("busyTimeout must be between 1 ms and " + Integer.MAX_VALUE + " ms, was " + busyTimeout);
      }
      if (readerConnections < 1) {
        throw new IllegalArgumentException("readerConnections must be >= 1, was " + readerConnections);
      }
      try {
        Files.createDirectories(dataDir);
      } catch (IOException e) {
        throw new StoreUnavailableException("cannot create the data directory " + dataDir.toAbsolutePath() + ": " + e, e);
      }
      Path file = dataDir.resolve(FILE_NAME).toAbsolutePath();
      return new SqliteEventStore(new SqliteSettings(file, busyTimeout, readerConnections, clock, startupCheck));
    }
  }
}
