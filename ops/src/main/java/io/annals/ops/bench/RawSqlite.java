package io.annals.ops.bench;

import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The SQLite baseline through plain JDBC: one connection with the pragmas of the hub's writer (WAL,
 * {@code synchronous=FULL}, its page cache), each
 * batch one {@code BEGIN IMMEDIATE} ... {@code COMMIT} of the same {@code INSERT ... ON CONFLICT
 * DO NOTHING} the hub runs, and the same note of the batch's weeks ({@code created_weeks},
 * {@code received_weeks}). The file's schema is created by the hub's own migration before
 * anything is timed ({@link #open}), so the tables and indexes cannot drift from the hub's.
 */
final class RawSqlite implements RawStore {

  private static final String COLUMNS = "id, service, type, created_at, aggregate_id, correlation_id, received_at, payload";
  private static final String INSERT = "INSERT INTO events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
      + " ON CONFLICT (id) DO NOTHING";
  /** The hub's store notes the weeks that hold events in each append (its aggregate and correlation indexes are keyed by week); so does this. */
  private static final String ADD_CREATED_WEEK = "INSERT OR IGNORE INTO created_weeks (week) VALUES (?)";
  private static final String ADD_RECEIVED_WEEK = "INSERT OR IGNORE INTO received_weeks (week) VALUES (?)";
  private static final long WEEK_MICROS = TimeUnit.DAYS.toMicros(7);
  private static final long HISTORY_MICROS = TimeUnit.DAYS.toMicros(365);
  /** The history load's page cache: the indexes of ten million events fit (about 2.5 GiB of the 6 GiB file). */
  private static final int LOAD_CACHE_KIB = 3 * 1024 * 1024;

  private final Connection connection;
  private final Path file;

  private RawSqlite(Connection connection, Path file) {
    this.connection = connection;
    this.file = file;
  }

  /** Opens (creating with the hub's schema if needed) {@code events.db} in {@code dataDir}. */
  static RawSqlite open(Path dataDir) {
    SqliteEventStore.open(dataDir).close();
    Path file = dataDir.resolve(SqliteEventStore.FILE_NAME);
    try {
      // No generated keys, as the hub's connections: else sqlite-jdbc runs a query after each insert.
      org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
      config.setGetGeneratedKeys(false);
      Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
      try (Statement s = connection.createStatement()) {
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA synchronous = FULL");
        s.execute("PRAGMA busy_timeout = 30000");
        // The page cache the hub's writer connection has on a file of this size.
        s.execute("PRAGMA cache_size = -" + SqliteEventStore.writerCacheKib(Files.size(file)));
      }
      return new RawSqlite(connection, file);
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Duration insert(List<BenchEvent> events, int perTransaction) {
    long start = System.nanoTime();
    try (Statement tx = connection.createStatement(); PreparedStatement insert = connection.prepareStatement(INSERT);
        Weeks weeks = new Weeks()) {
      for (int from = 0; from < events.size(); from += perTransaction) {
        tx.execute("BEGIN IMMEDIATE");
        long receivedAt = nowMicros();
        for (BenchEvent event : events.subList(from, Math.min(events.size(), from + perTransaction))) {
          bind(insert, event, receivedAt);
          insert.executeUpdate();
          weeks.add(event, receivedAt);
        }
        weeks.write();
        tx.execute("COMMIT");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("raw insert into " + file + " failed: " + e.getMessage(), e);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Override
  public Samples insertEach(List<BenchEvent> events) {
    Samples samples = new Samples();
    try (Statement tx = connection.createStatement(); PreparedStatement insert = connection.prepareStatement(INSERT);
        Weeks weeks = new Weeks()) {
      for (BenchEvent event : events) {
        long start = System.nanoTime();
        tx.execute("BEGIN IMMEDIATE");
        long receivedAt = nowMicros();
        bind(insert, event, receivedAt);
        insert.executeUpdate();
        weeks.add(event, receivedAt);
        weeks.write();
        tx.execute("COMMIT");
        samples.record((System.nanoTime() - start) / 1000);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("raw insert into " + file + " failed: " + e.getMessage(), e);
    }
    return samples;
  }

  @Override
  public Scan scan(Set<String> types, int pageSize) {
    String typeFilter = types.isEmpty() ? "" : types.size() == 1 ? "type = ? AND "
        : "type IN (" + "?, ".repeat(types.size() - 1) + "?) AND ";
    String sql = "SELECT " + COLUMNS + " FROM events WHERE " + typeFilter
        + "(received_at, id) > (?, ?) ORDER BY received_at, id LIMIT ?";
    long start = System.nanoTime();
    long read = 0;
    long afterReceived = Long.MIN_VALUE;
    String afterId = "";
    try (PreparedStatement page = connection.prepareStatement(sql)) {
      while (true) {
        int p = 1;
        for (String type : types) {
          page.setString(p++, type);
        }
        page.setLong(p++, afterReceived);
        page.setString(p++, afterId);
        page.setInt(p, pageSize);
        int rows = 0;
        try (ResultSet rs = page.executeQuery()) {
          while (rs.next()) {
            Row row = new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                rs.getString(6), rs.getLong(7), rs.getString(8));
            afterReceived = row.receivedAt();
            afterId = row.id();
            rows++;
          }
        }
        read += rows;
        if (rows < pageSize) {
          break;
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("raw scan of " + file + " failed: " + e.getMessage(), e);
    }
    return new Scan(read, Duration.ofNanos(System.nanoTime() - start));
  }

  /** What a consumer holds of a row: every column, decoded. */
  private record Row(String id, String service, String type, long createdAt, String aggregateId, String correlationId,
      long receivedAt, String payload) {}

  /**
   * Bulk load, with the indexes kept and filled row by row as the hub fills them: rows in
   * {@code received_at} order, so the random-key indexes (aggregate, correlation) end up with the
   * leaf pages of a store grown by appends, about 90% full. Building them afterwards by sorting
   * (CREATE INDEX) loaded ten million in 164 s against 213-225 s, but packs every leaf full, so the first event posted into each
   * leaf then split it: about 0.05 of the {@code ingest-at-scale} ratio went to that artifact. No
   * log and no fsync during the load, one transaction, and a page cache large enough for the
   * indexes; the file is flushed once at the end.
   */
  @Override
  public void loadHistory(EventGenerator generator, long count) {
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA journal_mode = OFF");
      s.execute("PRAGMA synchronous = OFF");
      s.execute("PRAGMA cache_size = -" + LOAD_CACHE_KIB);
      long first = nowMicros() - HISTORY_MICROS;
      double step = HISTORY_MICROS / (double) Math.max(1, count);
      s.execute("BEGIN");
      try (PreparedStatement insert = connection.prepareStatement(INSERT); Weeks weeks = new Weeks()) {
        for (long done = 0; done < count; done++) {
          long receivedAt = first + (long) (done * step);
          BenchEvent event = generator.receivedAt(receivedAt);
          bind(insert, event, receivedAt);
          insert.executeUpdate();
          weeks.add(event, receivedAt);
        }
        weeks.write();
      }
      s.execute("COMMIT");
      // Flushed here, not during the first fsync of the hub measured on it. Outside a transaction
      // of the rollback modes SQLite holds no lock on the file, which closing this descriptor
      // would otherwise drop.
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      s.execute("PRAGMA synchronous = FULL");
      s.execute("PRAGMA journal_mode = WAL");
      s.execute("PRAGMA cache_size = -" + SqliteEventStore.writerCacheKib(Files.size(file)));
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("loading history into " + file + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public long count() {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("count of " + file + " failed: " + e.getMessage(), e);
    }
  }

  /** The weeks of a transaction's events, written as the hub's store writes them at the end of each append. */
  private final class Weeks implements AutoCloseable {
    private final PreparedStatement created;
    private final PreparedStatement received;
    private final Set<Long> createdWeeks = new HashSet<>();
    private final Set<Long> receivedWeeks = new HashSet<>();

    Weeks() throws SQLException {
      created = connection.prepareStatement(ADD_CREATED_WEEK);
      received = connection.prepareStatement(ADD_RECEIVED_WEEK);
    }

    void add(BenchEvent event, long receivedAt) {
      createdWeeks.add(event.createdAtMicros() / WEEK_MICROS);
      receivedWeeks.add(receivedAt / WEEK_MICROS);
    }

    void write() throws SQLException {
      write(created, createdWeeks);
      write(received, receivedWeeks);
    }

    private void write(PreparedStatement statement, Set<Long> weeks) throws SQLException {
      for (long week : weeks) {
        statement.setLong(1, week);
        statement.executeUpdate();
      }
      weeks.clear();
    }

    @Override
    public void close() throws SQLException {
      try (created; received) {
        // closes both
      }
    }
  }

  private static void bind(PreparedStatement insert, BenchEvent event, long receivedAt) throws SQLException {
    insert.setString(1, event.id());
    insert.setString(2, event.service());
    insert.setString(3, event.type());
    insert.setLong(4, event.createdAtMicros());
    insert.setString(5, event.aggregateId());
    if (event.correlationId() == null) {
      insert.setNull(6, Types.VARCHAR);
    } else {
      insert.setString(6, event.correlationId());
    }
    insert.setLong(7, receivedAt);
    insert.setString(8, event.payloadJson());
  }

  private static long nowMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // nothing left to do
    }
  }
}
