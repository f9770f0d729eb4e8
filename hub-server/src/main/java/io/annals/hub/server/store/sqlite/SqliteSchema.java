package io.annals.hub.server.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The schema of {@code events.db}, versioned with {@code PRAGMA user_version} so that a later hub
 * can migrate a file written by this one, and this one refuses a file it does not understand.
 *
 * <p>Times are INTEGER epoch microseconds (UTC), so that SQL order is time order. One index per
 * query shape of the port, each ending in the keyset columns so that a page is an index range
 * read in order, never a sort of everything that matches. The table keeps its rowid: payloads can
 * be large, and SQLite advises WITHOUT ROWID only for small rows.
 *
 * <p>Version 2 keys the two indexes whose keys arrive in random order by a week first: the
 * aggregate index by the week of {@code created_at} ({@code created_week}), the correlation index
 * by the week of {@code received_at} ({@code received_week}, and only events that have a
 * correlation id). Under version 1 each append wrote into random leaves of indexes that span the
 * whole history: with ten million events they were about 1.7 GB, and they were what made appends
 * slower as history grew (README, Benchmarks). New events are received now and created in the
 * last days, so their entries land in the last weeks of each index, whose leaves stay in the page
 * cache. Reads by aggregate or correlation id seek once per week that holds events ({@code
 * created_weeks}, {@code received_weeks}), which each append keeps up to date in its own
 * transaction. (A trigger did that first, but made SQLite keep a statement journal for every
 * insert: 50 KiB written per event instead of 14.)
 */
final class SqliteSchema {

  static final int VERSION = 7;
  /** Microseconds in a week: the width of one bucket of the aggregate and correlation indexes. */
  static final long WEEK_MICROS = 604_800_000_000L;

  private static final List<String> VERSION_1 = List.of(
      """
      CREATE TABLE events (
        id             TEXT    NOT NULL PRIMARY KEY,
        service        TEXT    NOT NULL,
        type           TEXT    NOT NULL,
        created_at     INTEGER NOT NULL,
        aggregate_id   TEXT    NOT NULL,
        correlation_id TEXT,
        received_at    INTEGER NOT NULL,
        payload        TEXT    NOT NULL
      )""",
      "CREATE INDEX events_by_received ON events (received_at, id)",
      "CREATE INDEX events_by_type ON events (type, received_at, id)",
      "CREATE INDEX events_by_service ON events (service, received_at, id)",
      "CREATE INDEX events_by_correlation ON events (correlation_id, received_at, id)",
      "CREATE INDEX events_by_aggregate ON events (aggregate_id, created_at, received_at, id)",
      """
      CREATE TABLE hub_instances (
        instance_id TEXT    NOT NULL PRIMARY KEY,
        watermark   INTEGER NOT NULL,
        heartbeat   INTEGER NOT NULL
      )""");

  /**
   * From version 1. The weeks are virtual columns: computed when read, so adding them rewrites no
   * row, and SQLite's planner seeks on {@code column IN (subquery)} where, on the same expression
   * written out, it walked the whole index and checked each entry.
   */
  private static final List<String> VERSION_2 = List.of(
      "ALTER TABLE events ADD COLUMN created_week INTEGER GENERATED ALWAYS AS (created_at / " + WEEK_MICROS + ") VIRTUAL",
      "ALTER TABLE events ADD COLUMN received_week INTEGER GENERATED ALWAYS AS (received_at / " + WEEK_MICROS + ") VIRTUAL",
      "DROP INDEX events_by_aggregate",
      "DROP INDEX events_by_correlation",
      "CREATE INDEX events_by_week_aggregate ON events (created_week, aggregate_id, created_at, received_at, id)",
      "CREATE INDEX events_by_week_correlation ON events (received_week, correlation_id, received_at, id)"
          + " WHERE correlation_id IS NOT NULL",
      "CREATE TABLE created_weeks (week INTEGER NOT NULL PRIMARY KEY)",
      "CREATE TABLE received_weeks (week INTEGER NOT NULL PRIMARY KEY)",
      "INSERT INTO created_weeks (week) SELECT DISTINCT created_week FROM events",
      "INSERT INTO received_weeks (week) SELECT DISTINCT received_week FROM events");

  /**
   * From version 2: the highest heartbeat any instance ever published ({@code
   * EventStore#clockHighMark}), which outlives the instance's row in {@code hub_instances}, so that
   * a hub restarted while the wall clock is behind never stamps below a stable point handed out.
   */
  private static final List<String> VERSION_3 = List.of(
      "CREATE TABLE hub_clock (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), high_mark INTEGER NOT NULL)");

  /**
   * Version 4: the erasure log (SqliteErasures). {@code pointers} and {@code event_ids} are
   * JSON arrays ({@code pointers} NULL: the whole payload); {@code erasure_events} finds the
   * erasures of an event at ingestion.
   */
  private static final List<String> VERSION_4 = List.of(
      """
      CREATE TABLE IF NOT EXISTS erasures (
        erasure_id   TEXT    NOT NULL PRIMARY KEY,
        requested_at INTEGER NOT NULL,
        requested_by TEXT    NOT NULL,
        reason       TEXT    NOT NULL,
        pointers     TEXT,
        event_ids    TEXT    NOT NULL
      )""",
      "CREATE INDEX IF NOT EXISTS erasures_by_time ON erasures (requested_at, erasure_id)",
      "CREATE TABLE IF NOT EXISTS erasure_events (event_id TEXT NOT NULL, erasure_id TEXT NOT NULL, PRIMARY KEY (event_id, erasure_id)) WITHOUT ROWID");

  /**
   * Version 5 (schemas, quarantine and the catalog): the
   * payload schemas per type, the quarantine, and the catalog, which every append updates in its
   * own transaction ({@link SqliteSchemas}). A file with events gets its catalog counted here, once.
   */
  private static final List<String> VERSION_5 = List.of(
      """
      CREATE TABLE schemas (
        service       TEXT    NOT NULL,
        type          TEXT    NOT NULL,
        version       INTEGER NOT NULL,
        mode          TEXT    NOT NULL,
        schema        TEXT    NOT NULL,
        registered_at INTEGER NOT NULL,
        checked       INTEGER NOT NULL,
        PRIMARY KEY (service, type, version)
      ) WITHOUT ROWID""",
      """
      CREATE TABLE quarantine (
        id             TEXT    NOT NULL PRIMARY KEY,
        service        TEXT    NOT NULL,
        type           TEXT    NOT NULL,
        created_at     INTEGER NOT NULL,
        aggregate_id   TEXT    NOT NULL,
        correlation_id TEXT,
        payload        TEXT    NOT NULL,
        quarantined_at INTEGER NOT NULL,
        schema_version INTEGER NOT NULL,
        errors         TEXT    NOT NULL,
        dropped_reason TEXT,
        dropped_at     INTEGER
      )""",
      "CREATE INDEX quarantine_held ON quarantine (service, type, id) WHERE dropped_reason IS NULL",
      """
      CREATE TABLE catalog (
        service        TEXT    NOT NULL,
        type           TEXT    NOT NULL,
        count          INTEGER NOT NULL,
        first_received INTEGER NOT NULL,
        last_received  INTEGER NOT NULL,
        PRIMARY KEY (service, type)
      ) WITHOUT ROWID""",
      """
      CREATE TABLE catalog_minutes (
        minute  INTEGER NOT NULL,
        service TEXT    NOT NULL,
        type    TEXT    NOT NULL,
        count   INTEGER NOT NULL,
        PRIMARY KEY (minute, service, type)
      ) WITHOUT ROWID""",
      "INSERT INTO catalog (service, type, count, first_received, last_received)"
          + " SELECT service, type, count(*), min(received_at), max(received_at) FROM events GROUP BY service, type",
      "INSERT INTO catalog_minutes (minute, service, type, count)"
          + " SELECT received_at / 60000000, service, type, count(*) FROM events"
          + " WHERE received_at >= (SELECT max(received_at) FROM events) - 7200000000 GROUP BY 1, 2, 3");

  /**
   * Version 6 (CloudEvents): {@code meta.extensions} as
   * a JSON object of strings sorted by name, NULL for none. Adding a nullable column rewrites no row.
   */
  private static final List<String> VERSION_6 = List.of("ALTER TABLE events ADD COLUMN extensions TEXT");

  /**
   * Version 7: the quarantine keeps {@code meta.extensions} too (as {@code events.extensions}:
   * JSON, NULL for none), so that a released CloudEvent is stored with its extensions and commits
   * to them in its leaf. Entries held before it have none to keep: under version 6 they were never
   * written.
   */
  private static final List<String> VERSION_7 = List.of("ALTER TABLE quarantine ADD COLUMN extensions TEXT");

  /** The week of an instant in epoch microseconds, as the columns {@code created_week} and {@code received_week} compute it. */
  static long week(long epochMicros) {
    return epochMicros / WEEK_MICROS; // Java and SQLite both truncate toward zero
  }

  private SqliteSchema() {}

  /**
   * A step to schema version {@code to}: its statements, skipped when {@code alreadyThere} finds
   * the file has what they add. Version 2 reads every row once on a file of version 1, to build its
   * index (about a minute for ten million events), inside the migration's transaction: a failure
   * leaves version 1. Versions 6 and 7 add columns, checked rather than assumed: ADD COLUMN has no
   * IF NOT EXISTS, and a file may already have them (written by this version, then marked older by
   * a tool or by hand).
   */
  private record Step(int to, List<String> ddl, Check alreadyThere) {}

  /** A question to the file being migrated. */
  @FunctionalInterface
  private interface Check {
    boolean test(Statement statement) throws SQLException;
  }

  private static final Check NEVER = statement -> false;

  private static final List<Step> STEPS = List.of(
      new Step(1, VERSION_1, NEVER),
      new Step(2, VERSION_2, NEVER),
      new Step(3, VERSION_3, NEVER),
      new Step(4, VERSION_4, NEVER),
      new Step(5, VERSION_5, NEVER),
      new Step(6, VERSION_6, statement -> hasColumn(statement, "events", "extensions")),
      new Step(7, VERSION_7, statement -> hasColumn(statement, "quarantine", "extensions")));

  /** Creates the schema in a new file, or checks the version of an existing one; runs in one transaction. */
  static void migrate(Connection connection, String file) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("BEGIN IMMEDIATE");
      migrate(statement, file);
      statement.execute("COMMIT");
    } catch (SQLException | RuntimeException e) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("ROLLBACK");
      } catch (SQLException rollbackFailed) {
        e.addSuppressed(rollbackFailed);
      }
      throw e;
    }
  }

  private static void migrate(Statement statement, String file) throws SQLException {
    int version = userVersion(statement);
    if (version > VERSION) {
      throw new IllegalStateException(file + " has schema version " + version
          + "; this hub understands versions up to " + VERSION + " (was it written by a newer hub?)");
    }
    for (Step step : STEPS) {
      if (version < step.to() && !step.alreadyThere().test(statement)) {
        for (String ddl : step.ddl()) {
          statement.execute(ddl);
        }
      }
    }
    if (version < VERSION) {
      statement.execute("PRAGMA user_version = " + VERSION);
    }
  }

  private static boolean hasColumn(Statement statement, String table, String column) throws SQLException {
    try (ResultSet rs = statement.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (rs.next()) {
        if (rs.getString("name").equals(column)) {
          return true;
        }
      }
      return false;
    }
  }

  private static int userVersion(Statement statement) throws SQLException {
    try (ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }
}
