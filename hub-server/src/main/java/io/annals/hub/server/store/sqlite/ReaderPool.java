package io.annals.hub.server.store.sqlite;

import io.annals.hub.server.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed-size pool of read-only connections. In WAL mode readers do not block the writer nor each
 * other, so a few connections serve concurrent reads; a pool (not a connection per thread) because
 * HTTP handler threads come and go. Borrowing waits at most the busy timeout, so an exhausted pool
 * is reported as an unavailable store rather than a hang.
 */
final class ReaderPool implements AutoCloseable {

  /** Opens one new reader connection. */
  interface Opener {
    Connection open() throws SQLException;
  }

  /** Work done with a borrowed connection. */
  interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  private final Opener opener;
  private final SqliteErrors.Translator errors;
  private final int size;
  private final Duration maxWait;
  private final BlockingQueue<Connection> idle;
  private final AtomicInteger open = new AtomicInteger();
  private volatile boolean closed;

  ReaderPool(Opener opener, int size, Duration maxWait, SqliteErrors.Translator errors) {
    this.opener = opener;
    this.errors = errors;
    this.size = size;
    this.maxWait = maxWait;
    this.idle = new ArrayBlockingQueue<>(size);
  }

  <T> T withConnection(String what, Work<T> work) {
    Connection connection = borrow(what);
    boolean healthy = false;
    try {
      T result = work.apply(connection);
      healthy = true;
      return result;
    } catch (SQLException e) {
      throw errors.translate(what, e);
    } finally {
      giveBack(connection, healthy);
    }
  }

  private Connection borrow(String what) {
    if (closed) {
      // A closed store answers nothing more: to a caller (readiness, a request racing shutdown)
      // that is an unavailable store, as with the MongoDB store whose server is gone.
      throw new StoreUnavailableException(what + " failed: the SQLite store is closed", null);
    }
    Connection connection = idle.poll();
    if (connection != null) {
      return connection;
    }
    if (open.incrementAndGet() <= size) {
      try {
        return opener.open();
      } catch (SQLException e) {
        open.decrementAndGet();
        throw errors.translate(what + " (opening a reader connection)", e);
      }
    }
    open.decrementAndGet();
    try {
      connection = idle.poll(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException(what + " interrupted while waiting for a reader connection", e);
    }
    if (connection == null) {
      throw new StoreUnavailableException(
          what + " failed: all " + size + " SQLite reader connections stayed busy for " + maxWait, null);
    }
    return connection;
  }

  // A connection that failed is closed rather than reused: after an I/O error its state is unknown.
  private void giveBack(Connection connection, boolean healthy) {
    if (healthy && !closed && idle.offer(connection)) {
      return;
    }
    open.decrementAndGet();
    closeQuietly(connection);
  }

  @Override
  public void close() {
    closed = true;
    Connection connection;
    while ((connection = idle.poll()) != null) {
      open.decrementAndGet();
      closeQuietly(connection);
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Closing a broken or already closed connection has nothing left to report.
    }
  }
}
