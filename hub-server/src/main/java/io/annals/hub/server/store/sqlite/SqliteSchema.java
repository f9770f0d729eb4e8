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
 */
final class SqliteSchema {

  static final int VERSION = 1;

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

  private SqliteSchema() {}

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
    if (version == 0) {
      for (String ddl : VERSION_1) {
        statement.execute(ddl);
      }
      statement.execute("PRAGMA user_version = " + VERSION);
    }
  }

  private static int userVersion(Statement statement) throws SQLException {
    try (ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }
}
