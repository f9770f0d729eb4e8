package io.annals.projections.checkpoint;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The runtime's own tables in the read-model database: checkpoints, leases and parked events.
 * Created if missing; portable SQL for SQLite and PostgreSQL.
 */
public final class RuntimeSchema {

  private static final List<String> DDL = List.of(
      "CREATE TABLE IF NOT EXISTS projection_checkpoint ("
          + "projection VARCHAR(200) NOT NULL, slot VARCHAR(16) NOT NULL, generation INTEGER NOT NULL, "
          + "schema_version INTEGER NOT NULL, feed_cursor TEXT, revision BIGINT NOT NULL, "
          + "handled BIGINT NOT NULL, state VARCHAR(16) NOT NULL, stopped_event_id VARCHAR(100), "
          + "stopped_error TEXT, stopped_at BIGINT, updated_at BIGINT NOT NULL, "
          + "newest_received_at BIGINT, newest_applied_at BIGINT, "
          + "PRIMARY KEY (projection, slot))",
      "CREATE TABLE IF NOT EXISTS projection_lease ("
          + "lease_key VARCHAR(250) NOT NULL PRIMARY KEY, owner VARCHAR(250) NOT NULL, "
          + "acquired_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS projection_parked ("
          + "projection VARCHAR(200) NOT NULL, generation INTEGER NOT NULL, event_id VARCHAR(100) NOT NULL, "
          + "event_type VARCHAR(200) NOT NULL, received_at VARCHAR(40) NOT NULL, event_json TEXT NOT NULL, "
          + "error TEXT NOT NULL, attempts INTEGER NOT NULL, parked_at BIGINT NOT NULL, "
          + "PRIMARY KEY (projection, generation, event_id))");

  /**
   * Columns added to {@code projection_checkpoint} after its first release (all BIGINT, nullable, so
   * old rows stay valid): a database made by an older worker gets them at the next start.
   */
  private static final List<String> ADDED_CHECKPOINT_COLUMNS = List.of("newest_received_at", "newest_applied_at");

  private RuntimeSchema() {}

  /** Creates the runtime tables if they are missing, in one transaction. */
  public static void create(Connection connection) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      for (String ddl : DDL) {
        statement.execute(ddl);
      }
      for (String column : ADDED_CHECKPOINT_COLUMNS) {
        if (!hasColumn(connection, "projection_checkpoint", column)) {
          // Portable: SQLite has no ADD COLUMN IF NOT EXISTS. Two workers racing on PostgreSQL: the
          // loser fails here, and the builder's second attempt finds the column.
          statement.execute("ALTER TABLE projection_checkpoint ADD COLUMN " + column + " BIGINT");
        }
      }
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private static boolean hasColumn(Connection connection, String table, String column) throws SQLException {
    // Through the driver's metadata, which both SQLite and PostgreSQL answer without a failing statement
    // (a failed statement would abort a PostgreSQL transaction). Names are stored in lower case.
    try (java.sql.ResultSet columns = connection.getMetaData().getColumns(null, null, table, column)) {
      return columns.next();
    }
  }
}
