package io.annals.hub.server.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import org.sqlite.SQLiteConfig;

/**
 * The validated settings of a {@link SqliteEventStore}, and how its connections are opened.
 *
 * @param startupCheck whether the writer runs {@code PRAGMA quick_check} before anything else ({@link SqliteIntegrity})
 */
record SqliteSettings(Path file, Duration busyTimeout, int readerConnections, Clock clock, boolean startupCheck) {

  /** Every connection: WAL (readers never block the writer), FULL sync (a commit is on disk), bounded waits. */
  private SQLiteConfig config() {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout((int) busyTimeout.toMillis());
    // Nothing here asks for generated keys; with them on, sqlite-jdbc matches every statement
    // against a regex and, after each INSERT, prepares and runs "SELECT last_insert_rowid()".
    config.setGetGeneratedKeys(false);
    return config;
  }

  /**
   * The writer stays in auto-commit mode: the store issues BEGIN IMMEDIATE / COMMIT itself. Its
   * page cache is {@code cacheKib} ({@link WriterCache}): larger than SQLite's 2 MB default, since
   * every append touches a random page of the aggregate and correlation indexes, and once those
   * outgrow the cache each such page is read back from the file.
   */
  Connection openWriter(int cacheKib) throws SQLException {
    SQLiteConfig config = config();
    config.setCacheSize(-cacheKib);
    Connection connection = config.createConnection(url());
    try (Statement statement = connection.createStatement()) {
      // The Checkpointer copies the log into the file; the writer's own checkpoint is a backstop.
      statement.execute("PRAGMA wal_autocheckpoint = " + Checkpointer.WRITER_FRAMES);
      // Freed bytes (a payload an erasure rewrote, cells moved when a page splits) are overwritten
      // with zeros, so no erased value lingers in free space (docs/erasure.md).
      statement.execute("PRAGMA secure_delete = ON");
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return connection;
  }

  /** The Checkpointer's connection: FULL sync, so that each checkpoint ends with the file on disk. */
  Connection openCheckpointer() throws SQLException {
    return config().createConnection(url());
  }

  /** A reader cannot write even by mistake. */
  Connection openReader() throws SQLException {
    Connection connection = config().createConnection(url());
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA query_only = ON");
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return connection;
  }

  private String url() {
    return "jdbc:sqlite:" + file;
  }
}
