package io.annals.hub.server.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies committed pages from the write-ahead log into {@code events.db} on a thread and connection
 * of its own. Left to SQLite, the commit that takes the log past 1000 pages does that copy and its
 * fsync itself, inside the writer's transaction: about one commit in a hundred then waited several
 * milliseconds longer, and every single event queued behind it did too (the p99 of single-event
 * latency, README, Benchmarks). Here commits only wake this thread; a PASSIVE checkpoint never
 * blocks the writer or readers.
 *
 * <p>A PASSIVE checkpoint cannot rewind the log while the writer keeps appending to it; SQLite
 * rewinds it when a transaction starts after everything was copied, which happens whenever the
 * hub pauses. Under load without pause the log would keep growing, so past {@link #RESTART_FRAMES}
 * this thread asks for a RESTART checkpoint, which waits for the running transaction and lets the
 * next one start the log from the beginning. The writer keeps SQLite's own checkpoint as a backstop
 * at a larger size ({@link #WRITER_BACKSTOP_FRAMES}), should this thread fall behind or fail.
 */
final class Checkpointer implements AutoCloseable {

  /** Log frames (pages, 4 KiB) after which a RESTART checkpoint bounds the log: 16 MiB. */
  static final int RESTART_FRAMES = 4096;
  /** The writer's own {@code wal_autocheckpoint}: only reached if this thread falls behind. */
  static final int WRITER_BACKSTOP_FRAMES = 4 * RESTART_FRAMES;
  /** At most this often: each checkpoint that copies pages ends with an fsync of the database file. */
  private static final Duration INTERVAL = Duration.ofMillis(100);

  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

  private final SqliteSettings settings;
  private final Thread thread;
  private final Object lock = new Object();
  private boolean committed; // guarded by lock
  private boolean closed; // guarded by lock
  private long checkpoints; // guarded by lock

  Checkpointer(SqliteSettings settings) {
    this.settings = settings;
    this.thread = new Thread(this::run, "annals-sqlite-checkpointer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Called after each commit: there are pages to copy. */
  void committed() {
    synchronized (lock) {
      committed = true;
      lock.notifyAll();
    }
  }

  /** How many checkpoints this thread ran (for tests). */
  long checkpoints() {
    synchronized (lock) {
      return checkpoints;
    }
  }

  private void run() {
    Connection connection = null;
    try {
      while (awaitCommit()) {
        try {
          if (connection == null) {
            connection = settings.openCheckpointer();
          }
          checkpoint(connection);
        } catch (SQLException e) {
          // The writer's backstop checkpoint still bounds the log; try again with a fresh connection.
          LOG.warn("background checkpoint of {} failed, will retry: {}", settings.file(), e.getMessage());
          close(connection);
          connection = null;
        }
        Thread.sleep(INTERVAL.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      close(connection);
    }
  }

  private boolean awaitCommit() throws InterruptedException {
    synchronized (lock) {
      while (!committed && !closed) {
        lock.wait();
      }
      committed = false;
      return !closed;
    }
  }

  private void checkpoint(Connection connection) throws SQLException {
    int logFrames = checkpoint(connection, "PASSIVE");
    if (logFrames >= RESTART_FRAMES) {
      checkpoint(connection, "RESTART");
    }
    synchronized (lock) {
      checkpoints++;
    }
  }

  /** Runs one checkpoint; returns the frames in the log. */
  private static int checkpoint(Connection connection, String mode) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
      return rs.next() ? rs.getInt(2) : 0;
    }
  }

  private static void close(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // A connection that cannot close holds nothing this store needs.
      }
    }
  }

  /** Stops the thread, waiting for a running checkpoint to finish. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    thread.interrupt();
    try {
      thread.join(settings.busyTimeout().toMillis() + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
