package io.annals.hub.server.store.sqlite;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies committed pages from the write-ahead log into {@code events.db}, and flushes them to disk,
 * on a thread and connection of its own. Left to SQLite, the commit that takes the log past 1000
 * pages does that copy and its fsync itself, inside the writer's transaction, and every single
 * event queued behind it waits too (the p99 of single-event latency, README, Benchmarks). Here
 * commits only wake this thread; a PASSIVE checkpoint never blocks the writer or readers.
 *
 * <p>A PASSIVE checkpoint that ends while the writer is still appending copies the pages but leaves
 * the fsync of the database file to a later checkpoint that catches up completely: under steady
 * load that is the writer's own, at {@link #WRITER_FRAMES}, and its fsync then wrote back every
 * page copied since the last one (strace: 100-120 ms in {@code fsync(events.db)} inside a commit,
 * every ~2 s at 3,600 single events/s). So this thread fsyncs the file itself after each
 * checkpoint that copied pages: the writer's checkpoint finds little left to flush.
 *
 * <p>SQLite rewinds the log when a write starts after everything was copied. Under load without
 * pause that happens after the writer's own checkpoint. (A RESTART checkpoint asked for from here,
 * or by the writer between transactions, waited in SQLite's busy handler, sleeping in steps of up
 * to 100 ms while every write waited.) Should this thread fall behind or fail, the writer's own
 * checkpoint still bounds the log.
 *
 * <p>The file is kept open from construction to {@link #close()}, which the writer calls after its
 * own connection closed: closing any descriptor of a file drops every POSIX lock this process
 * holds on it, SQLite's included.
 */
final class Checkpointer implements AutoCloseable {

  /**
   * The writer's own {@code wal_autocheckpoint}, in log frames (pages, 4 KiB): 64 MiB. Commits of a
   * few single events each rewrite the same index pages, so the log grows by tens of MB per second
   * under such load; the commit that reaches this size checkpoints in place: it finds the pages
   * copied and flushed already, and rewinds the log. A 1000-page threshold kept commits short but
   * cost a third of the single-event rate.
   */
  static final int WRITER_FRAMES = 16_384;
  /**
   * At most this often. Each checkpoint that copies pages ends with an fsync of the database file,
   * and the commits whose WAL fsync lands behind that flush wait for it: the longer the interval,
   * the more pages one flush writes back and the longer the wait. Quiet quick runs of
   * {@code latency-p99-half-load} (issue 29, session 12, README): p99 at half load 15-26 ms with
   * 200 ms, 57-58 ms with 5 s, 11.4 ms with 50 ms and 9.4-10.4 ms with 20 ms, at the same hub CPU
   * per event (112-130 µs against 119-122). The 200 ms once chosen while the log is short (session
   * 11: less checkpointer CPU, measured with a thread parked per request) cost the tail more than
   * it saved.
   */
  static final Duration INTERVAL = Duration.ofMillis(20);

  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

  private final SqliteSettings settings;
  private final RandomAccessFile file; // read-only: only ever flushed
  private final Thread thread;
  private final Object lock = new Object();
  private boolean committed; // guarded by lock
  private boolean closed; // guarded by lock
  private long checkpoints; // guarded by lock
  private long syncs; // guarded by lock
  private boolean failing; // only the checkpoint thread uses it

  Checkpointer(SqliteSettings settings) {
    this.settings = settings;
    try {
      this.file = new RandomAccessFile(settings.file().toFile(), "r");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + settings.file() + " for background checkpoints", e);
    }
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

  /** How many times this thread flushed the file to disk (for tests). */
  long syncs() {
    synchronized (lock) {
      return syncs;
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
          if (failing) {
            LOG.info("background checkpoints of {} work again", settings.file());
            failing = false;
          }
        } catch (SQLException | IOException e) {
          // The writer's backstop checkpoint still bounds the log; try again with a fresh connection.
          // Said once per state change: a full disk fails every attempt, every INTERVAL.
          if (!failing) {
            LOG.warn("background checkpoint of {} failed, will retry quietly until it works: {}", settings.file(), e.getMessage());
            failing = true;
          }
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

  /** Runs one checkpoint, and flushes the file when it copied pages. */
  private void checkpoint(Connection connection) throws SQLException, IOException {
    boolean copied;
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      // (busy, frames in the log, frames copied so far); busy = another checkpoint was running
      copied = rs.next() && rs.getInt(1) == 0 && rs.getInt(3) > 0;
    }
    if (copied) {
      file.getFD().sync();
    }
    synchronized (lock) {
      checkpoints++;
      syncs += copied ? 1 : 0;
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

  /** Stops the thread, waiting for a running checkpoint to finish, then closes the file. */
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
    } finally {
      try {
        file.close();
      } catch (IOException ignored) {
        // Only flushes used it; SQLite's own descriptors keep the data.
      }
    }
  }
}
