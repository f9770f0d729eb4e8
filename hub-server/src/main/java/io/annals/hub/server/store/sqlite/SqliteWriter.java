package io.annals.hub.server.store.sqlite;

import io.annals.hub.server.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one writer connection and the lock that serialises its transactions. SQLite admits one
 * writer at a time anyway; queueing in Java instead of in SQLite's busy handler keeps waiters fair,
 * and bounding the wait keeps a stuck file from hanging request threads.
 */
final class SqliteWriter implements AutoCloseable {

  /** Work done in the writer's transaction. */
  interface Work<T> {
    T apply(Statements statements) throws SQLException;
  }

  /**
   * The writer connection's prepared statements, prepared once per connection and kept: preparing
   * the insert and its lookup took 5-8% of the writer thread's CPU when every transaction did it
   * (profile of {@code ingest-at-scale}). A caller binds and runs a statement, and never closes it.
   */
  interface Statements {
    PreparedStatement prepared(String sql) throws SQLException;
  }

  private final SqliteSettings settings;
  private final SqliteErrors.Translator errors;
  private final ReentrantLock lock = new ReentrantLock();
  private final Checkpointer checkpointer;
  private final WriterCache cache;
  private Connection connection; // guarded by lock; null until needed again after a failure
  private int cacheKib; // guarded by lock; the page cache of connection
  private int commitsSinceSizeCheck; // guarded by lock
  private final Map<String, PreparedStatement> prepared = new HashMap<>(); // guarded by lock; of connection
  private boolean closed; // guarded by lock

  SqliteWriter(SqliteSettings settings, SqliteErrors.Translator errors) throws SQLException {
    this(settings, errors, WriterCache.DEFAULT);
  }

  SqliteWriter(SqliteSettings settings, SqliteErrors.Translator errors, WriterCache cache) throws SQLException {
    this.settings = settings;
    this.errors = errors;
    this.cache = cache;
    open();
    try {
      // Before anything writes to it: a damaged file is refused, not migrated (SqliteIntegrity).
      if (settings.startupCheck()) {
        SqliteIntegrity.quickCheck(connection, settings.file());
      }
      SqliteSchema.migrate(connection, settings.file().toString());
    } catch (SQLException | RuntimeException e) {
      discardConnection();
      throw e;
    }
    try {
      this.checkpointer = new Checkpointer(settings);
    } catch (RuntimeException e) {
      discardConnection();
      throw e;
    }
  }

  /** Runs {@code work} in one IMMEDIATE transaction and commits it: with synchronous=FULL, the fsync. */
  <T> T write(String what, Work<T> work) {
    acquire(what);
    try {
      if (closed) {
        // Unavailable, not a bug: see ReaderPool.
        throw new StoreUnavailableException(what + " failed: the SQLite store is closed", null);
      }
      return transaction(work);
    } catch (SQLException e) {
      // After a failed statement, COMMIT or ROLLBACK the connection's state is in doubt; a fresh
      // connection (opened by the next write) is the known-good state.
      discardConnection();
      throw errors.translate(what, e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs {@code work} on the writer connection outside any transaction, with the writer's lock
   * held (a checkpoint that truncates the log cannot run inside a transaction).
   */
  <T> T outsideTransaction(String what, java.util.function.Function<Connection, T> work) {
    acquire(what);
    try {
      if (closed) {
        throw new StoreUnavailableException(what + " failed: the SQLite store is closed", null);
      }
      if (connection == null) {
        open();
      }
      return work.apply(connection);
    } catch (SQLException e) {
      discardConnection();
      throw errors.translate(what, e);
    } finally {
      lock.unlock();
    }
  }

  private void open() throws SQLException {
    cacheKib = cache.kibFor(fileBytes());
    connection = settings.openWriter(cacheKib);
    commitsSinceSizeCheck = 0;
  }

  /** The file's size now; 0 before it exists or when it cannot be read (the small cache then). */
  private long fileBytes() {
    try {
      return java.nio.file.Files.size(settings.file());
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  /** Every {@link WriterCache#checkEvery} commits, grows the cache once the file has outgrown the small one. */
  private void resizeCacheIfGrown() {
    if (cacheKib == cache.largeKib() || ++commitsSinceSizeCheck < cache.checkEvery()) {
      return;
    }
    commitsSinceSizeCheck = 0;
    int wanted = cache.kibFor(fileBytes());
    if (wanted != cacheKib) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA cache_size = -" + wanted);
        cacheKib = wanted;
      } catch (SQLException e) {
        // Runs after COMMIT: a cache size is only speed, and must not turn a stored append into an
        // error. The next look tries again; a broken connection fails the next write instead.
      }
    }
  }

  /** The writer connection's page cache now, in KiB (for tests). */
  int cacheKib() {
    lock.lock();
    try {
      return cacheKib;
    } finally {
      lock.unlock();
    }
  }

  private <T> T transaction(Work<T> work) throws SQLException {
    if (connection == null) {
      open();
    }
    try (Statement tx = connection.createStatement()) {
      tx.execute("BEGIN IMMEDIATE");
      try {
        T result = work.apply(this::prepared);
        tx.execute("COMMIT");
        checkpointer.committed();
        resizeCacheIfGrown();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          tx.execute("ROLLBACK");
        } catch (SQLException rollbackFailed) {
          e.addSuppressed(rollbackFailed);
        }
        throw e;
      }
    }
  }

  private PreparedStatement prepared(String sql) throws SQLException {
    PreparedStatement statement = prepared.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      prepared.put(sql, statement);
    }
    return statement;
  }

  private void acquire(String what) {
    try {
      if (!lock.tryLock(settings.busyTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
        throw new StoreUnavailableException(
            what + " failed: the SQLite writer stayed busy for " + settings.busyTimeout(), null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException(what + " interrupted while waiting for the SQLite writer", e);
    }
  }

  private void discardConnection() {
    // Closing the connection finalizes its statements too.
    prepared.clear();
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // Nothing more to do with a connection that cannot even close.
      }
      connection = null;
    }
  }

  /** Background checkpoints run so far (for tests). */
  long checkpoints() {
    return checkpointer.checkpoints();
  }

  /** Background flushes of the file so far (for tests). */
  long syncs() {
    return checkpointer.syncs();
  }

  /**
   * Waits for a running transaction to finish, closes the connection, then the checkpointer (which
   * must close its descriptor of the file last, see {@link Checkpointer}).
   */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      discardConnection();
    } finally {
      lock.unlock();
    }
    checkpointer.close();
  }
}
