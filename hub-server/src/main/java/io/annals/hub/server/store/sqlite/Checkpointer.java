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
 * <p>A PASSIVE checkpoint cannot rewind the log while the writer keeps appending to it: SQLite
 * rewinds it when a write starts after everything was copied, which happens whenever the hub
 * pauses. Under load without pause the log grows until it reaches the writer's own checkpoint
 * threshold ({@link #WRITER_FRAMES}); that commit then checkpoints in place and the next write
 * rewinds the log. Under single-event load that commit took 60-100 ms, every ~0.7 s: the p99 of
 * single-event latency now (README, Benchmarks); why it has that much left to copy is open. (A RESTART checkpoint asked for from here, or by the
 * writer between transactions, waited in SQLite's busy handler, sleeping in steps of up to 100 ms
 * while every write waited: single events waited 90-300 ms, several times a second.) Should this
 * thread fall behind or fail, the writer's own checkpoint still bounds the log.
 */
final class Checkpointer implements AutoCloseable {

  /**
   * The writer's own {@code wal_autocheckpoint}, in log frames (pages, 4 KiB): 64 MiB. Commits of a
   * few single events each rewrite the same index pages, so the log grows by tens of MB per second
   * under such load; the commit that reaches this size checkpoints in place (60-100 ms measured). A
   * 1000-page threshold kept commits short but cost a third of the single-event rate.
   */
  static final int WRITER_FRAMES = 16_384;
  /**
   * At most this often: each checkpoint that copies pages ends with an fsync of the database file.
   * Under single-event load 20 ms left the writer's own checkpoint less to copy than 100 ms (p99
   * latency 67 against 95-111 ms at 3,700 events/s); appends with 10 M events stored ran alike
   * (0.57 and 0.60 of an empty store; README, Benchmarks).
   */
  private static final Duration INTERVAL = Duration.ofMillis(20);

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
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      rs.next();
    }
    synchronized (lock) {
      checkpoints++;
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
