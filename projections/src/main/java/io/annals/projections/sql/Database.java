package io.annals.projections.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.sqlite.SQLiteConfig;

/**
 * The read-model database behind a JDBC URL: SQLite (a file, WAL) or PostgreSQL. Hands out new
 * connections; callers own and close them. SQLite connections run in WAL mode with a busy timeout
 * so that several workers and readers can share one file.
 */
public final class Database {

  private final String url;
  private final Dialect dialect;
  private final Duration busyTimeout;

  private Database(String url, Dialect dialect, Duration busyTimeout) {
    this.url = url;
    this.dialect = dialect;
    this.busyTimeout = busyTimeout;
  }

  /** The database at {@code jdbcUrl}; creates the parent directory of a SQLite file. */
  public static Database open(String jdbcUrl) {
    return open(jdbcUrl, Duration.ofSeconds(30));
  }

  public static Database open(String jdbcUrl, Duration busyTimeout) {
    Objects.requireNonNull(busyTimeout, "busyTimeout");
    Dialect dialect = Dialect.of(jdbcUrl);
    if (dialect == Dialect.SQLITE) {
      createParentDirectory(jdbcUrl);
    }
    return new Database(jdbcUrl, dialect, busyTimeout);
  }

  public Dialect dialect() {
    return dialect;
  }

  public String url() {
    return url;
  }

  /** A new connection in auto-commit mode. */
  public Connection connect() throws SQLException {
    if (dialect == Dialect.SQLITE) {
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      // NORMAL is enough: the checkpoint lives in the same file as the read model, so a power
      // loss can only roll both back together, and the feed is read again from there.
      config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
      return DriverManager.getConnection(url, config.toProperties());
    }
    return DriverManager.getConnection(url, new Properties());
  }

  private static void createParentDirectory(String jdbcUrl) {
    String path = jdbcUrl.substring("jdbc:sqlite:".length());
    if (path.startsWith("file:")) {
      path = path.substring("file:".length());
    }
    int query = path.indexOf('?');
    if (query >= 0) {
      path = path.substring(0, query);
    }
    if (path.isEmpty() || path.startsWith(":memory:") || path.contains("mode=memory")) {
      return;
    }
    Path parent = Path.of(path).toAbsolutePath().getParent();
    try {
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the directory of database " + jdbcUrl, e);
    }
  }

  @Override
  public String toString() {
    return url.replaceAll("password=[^&]*", "password=***");
  }
}
