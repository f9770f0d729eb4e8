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
   * At most this often while the log is short: each checkpoint that copies pages ends with an
   * fsync of the database file, and a page rewritten by many commits between two checkpoints is
   * copied and written back once. Checkpointing every 20 ms throughout, this thread took 21-23 µs
   * of CPU per single event (64 clients, ~2,600 events/s), most of it in the kernel writing pages
   * back; with this cadence 13-16 (issue 29, docs/decisions.md).
   */
  static final Duration INTERVAL = Duration.ofMillis(200);
  /**
   * At most this often once the log holds {@link #NEAR_FULL_FRAMES} or more: the commit that takes
   * it to {@link #WRITER_FRAMES} checkpoints in place, and it should then find nearly everything
   * copied and flushed already. Under single-event load 20 ms left the writer's own checkpoint less
   * to copy than 100 ms did (measured before this thread flushed the file too: p99 latency 67
   * against 95-111 ms at 3,700 events/s); appends with 10 M events stored ran alike (README,
   * Benchmarks).
   */
  static final Duration NEAR_FULL_INTERVAL = Duration.ofMillis(20);
  /** Three quarters of {@link #WRITER_FRAMES}: from here on, checkpoints come every {@link #NEAR_FULL_INTERVAL}. */
  static final int NEAR_FULL_FRAMES = WRITER_FRAMES / 4 * 3;

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
        Duration pause = NEAR_FULL_INTERVAL;
        try {
          if (connection == null) {
            connection = settings.openCheckpointer();
          }
          pause = interval(checkpoint(connection));
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
        Thread.sleep(pause.toMillis());
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

  /** The pause before the next checkpoint, for a log of {@code frames} frames. */
  static Duration interval(int frames) {
    return frames >= NEAR_FULL_FRAMES ? NEAR_FULL_INTERVAL : INTERVAL;
  }

  /** Runs one checkpoint and answers the frames in the log (0 when SQLite did not say). */
  private int checkpoint(Connection connection) throws SQLException, IOException {
    boolean copied;
    int frames;
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      // (busy, frames in the log, frames copied so far); busy = another checkpoint was running
      boolean row = rs.next();
      copied = row && rs.getInt(1) == 0 && rs.getInt(3) > 0;
      frames = row ? Math.max(0, rs.getInt(2)) : 0;
    }
    if (copied) {
      file.getFD().sync();
    }
    synchronized (lock) {
      checkpoints++;
      syncs += copied ? 1 : 0;
    }
    return frames;
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
