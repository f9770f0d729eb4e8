package io.annals.hub.server.store.sqlite;

import io.annals.hub.server.ledger.CompactRange;
import io.annals.hub.server.ledger.Ledger;
import io.annals.hub.server.ledger.LedgerLeaf;
import io.annals.hub.server.ledger.ScrubMark;
import io.annals.hub.server.store.EpochMicros;
import io.annals.hub.server.store.Position;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded ledger: its own SQLite file, {@code ledger.db}, beside {@code events.db}. A file of
 * its own, not tables in {@code events.db}: SQLite has one writer per file, and the ledger's
 * appends then never wait for, nor delay, the group committer's transactions (docs/decisions.md,
 * "Ledger"). WAL and synchronous FULL as the events file; one writer connection behind a lock,
 * reads from a small pool of read-only connections.
 */
public final class SqliteLedger implements Ledger {

  public static final String FILE_NAME = "ledger.db";
  private static final int VERSION = 2;
  private static final int READERS = 2;
  private static final String LEAF_COLUMNS = "idx, event_id, received_at, leaf_hash, salts";

  private final Path file;
  private final Duration busyTimeout;
  private final ReentrantLock lock = new ReentrantLock();
  private final Connection writer; // guarded by lock
  private final ReaderPool readers;

  private SqliteLedger(Path file, Duration busyTimeout) throws SQLException {
    this.file = file;
    this.busyTimeout = busyTimeout;
    // WAL and synchronous FULL, as every connection of events.db; a plain writer (no big cache).
    SqliteSettings settings = new SqliteSettings(file, busyTimeout, READERS, java.time.Clock.systemUTC(), false);
    this.writer = settings.openCheckpointer();
    try {
      migrate();
    } catch (SQLException | RuntimeException e) {
      writer.close();
      throw e;
    }
    this.readers = new ReaderPool(settings::openReader, READERS, busyTimeout, (what, e) -> SqliteErrors.translate(file, what, e));
  }

  /** Opens (creating if needed) {@code ledger.db} in {@code dataDir}. */
  public static SqliteLedger open(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      return new SqliteLedger(file, SqliteEventStore.DEFAULT_BUSY_TIMEOUT);
    } catch (SQLException e) {
      throw SqliteErrors.translate(file, "opening " + file, e);
    }
  }

  private void migrate() throws SQLException {
    try (Statement s = writer.createStatement()) {
      int version;
      try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
        version = rs.next() ? rs.getInt(1) : 0;
      }
      if (version > VERSION) {
        throw new IllegalStateException(file + " has ledger schema version " + version + "; this hub understands up to " + VERSION);
      }
      if (version == 0) {
        s.execute("BEGIN IMMEDIATE");
        s.execute("CREATE TABLE ledger_leaves (idx INTEGER NOT NULL PRIMARY KEY, event_id TEXT NOT NULL UNIQUE,"
            + " received_at INTEGER NOT NULL, leaf_hash BLOB NOT NULL, salts TEXT NOT NULL)");
        s.execute("CREATE TABLE ledger_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,"
            + " PRIMARY KEY (level, idx)) WITHOUT ROWID");
        s.execute("PRAGMA user_version = 1");
        s.execute("COMMIT");
      }
      if (version < 2) {
        // Version 2: the scrub's mark, one row (ScrubMark), so that a restart resumes its pass.
        s.execute("BEGIN IMMEDIATE");
        s.execute("CREATE TABLE ledger_scrub (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 0), pass_size INTEGER NOT NULL,"
            + " next INTEGER NOT NULL, edge BLOB NOT NULL, after_received_at INTEGER NOT NULL, after_id TEXT NOT NULL)");
        s.execute("PRAGMA user_version = 2");
        s.execute("COMMIT");
      }
    }
  }

  @Override
  public long size() {
    return readers.withConnection("read of the ledger's size", c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_leaves")) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @Override
  public boolean append(long from, List<LedgerLeaf> leaves, List<CompactRange.Node> nodes) {
    String what = "append of " + leaves.size() + " ledger leaves at " + from;
    lockWriter(what);
    try (Statement tx = writer.createStatement()) {
      tx.execute("BEGIN IMMEDIATE");
      try {
        long size;
        try (ResultSet rs = tx.executeQuery("SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_leaves")) {
          rs.next();
          size = rs.getLong(1);
        }
        if (size != from) {
          tx.execute("ROLLBACK");
          return false;
        }
        try (PreparedStatement insert = writer.prepareStatement("INSERT INTO ledger_leaves (" + LEAF_COLUMNS + ") VALUES (?, ?, ?, ?, ?)")) {
          for (LedgerLeaf leaf : leaves) {
            insert.setLong(1, leaf.index());
            insert.setString(2, leaf.eventId());
            insert.setLong(3, EpochMicros.of(leaf.receivedAt()));
            insert.setBytes(4, leaf.leafHash());
            insert.setString(5, leaf.saltsJson());
            insert.addBatch();
          }
          insert.executeBatch();
        }
        try (PreparedStatement insert = writer.prepareStatement("INSERT INTO ledger_nodes (level, idx, hash) VALUES (?, ?, ?)")) {
          for (CompactRange.Node n : nodes) {
            if (n.level() == 0) {
              continue; // leaf hashes live in ledger_leaves
            }
            insert.setInt(1, n.level());
            insert.setLong(2, n.index());
            insert.setBytes(3, n.hash());
            insert.addBatch();
          }
          insert.executeBatch();
        }
        tx.execute("COMMIT");
        return true;
      } catch (SQLException | RuntimeException e) {
        try {
          tx.execute("ROLLBACK");
        } catch (SQLException rollbackFailed) {
          e.addSuppressed(rollbackFailed);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw SqliteErrors.translate(file, what, e);
    } finally {
      lock.unlock();
    }
  }

  /** One process owns an SQLite file: its one appender needs no lease. */
  @Override
  public boolean tryLease(String holder, java.time.Instant now, Duration ttl) {
    return true;
  }

  @Override
  public byte[] node(int level, long index) {
    String sql = level == 0 ? "SELECT leaf_hash FROM ledger_leaves WHERE idx = ?" : "SELECT hash FROM ledger_nodes WHERE level = ? AND idx = ?";
    return readers.withConnection("read of ledger node " + level + "/" + index, c -> {
      try (PreparedStatement s = c.prepareStatement(sql)) {
        if (level == 0) {
          s.setLong(1, index);
        } else {
          s.setInt(1, level);
          s.setLong(2, index);
        }
        try (ResultSet rs = s.executeQuery()) {
          if (!rs.next()) {
            throw new IllegalStateException("the ledger has no hash of subtree " + level + "/" + index + " in " + file);
          }
          return rs.getBytes(1);
        }
      }
    });
  }

  @Override
  public Optional<LedgerLeaf> leaf(long index) {
    List<LedgerLeaf> found = select("read of ledger leaf " + index, "WHERE idx = ?", index, 1);
    return found.stream().findFirst();
  }

  @Override
  public Optional<LedgerLeaf> leafOf(String eventId) {
    List<LedgerLeaf> found = select("read of the ledger leaf of " + eventId, "WHERE event_id = ?", eventId, 1);
    return found.stream().findFirst();
  }

  @Override
  public List<LedgerLeaf> leaves(long from, int limit) {
    return select("read of ledger leaves from " + from, "WHERE idx >= ? ORDER BY idx", from, limit);
  }

  private List<LedgerLeaf> select(String what, String where, Object key, int limit) {
    return readers.withConnection(what, c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT " + LEAF_COLUMNS + " FROM ledger_leaves " + where + " LIMIT ?")) {
        s.setObject(1, key);
        s.setInt(2, limit);
        List<LedgerLeaf> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            // Text by getBytes, as the feed's rows are read (SqliteQueries.text: getString makes a direct buffer
            // through JNI per call): an export reads every leaf, a page beside each feed page (issue 26).
            out.add(new LedgerLeaf(rs.getLong(1), SqliteQueries.text(rs, 2), EpochMicros.toInstant(rs.getLong(3)), rs.getBytes(4),
                SqliteQueries.text(rs, 5)));
          }
        }
        return out;
      }
    });
  }

  @Override
  public Optional<ScrubMark> scrubMark() {
    return readers.withConnection("read of the ledger scrub's mark", c -> {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pass_size, next, edge, after_received_at, after_id FROM ledger_scrub WHERE id = 0")) {
        return rs.next() ? Optional.of(new ScrubMark(rs.getLong(1), rs.getLong(2), rs.getBytes(3),
            new Position(EpochMicros.toInstant(rs.getLong(4)), rs.getString(5)))) : Optional.empty();
      }
    });
  }

  @Override
  public void saveScrubMark(Optional<ScrubMark> mark) {
    String what = "save of the ledger scrub's mark";
    lockWriter(what);
    try {
      if (mark.isEmpty()) {
        try (Statement s = writer.createStatement()) {
          s.executeUpdate("DELETE FROM ledger_scrub");
        }
        return;
      }
      ScrubMark m = mark.get();
      try (PreparedStatement s = writer.prepareStatement("INSERT OR REPLACE INTO ledger_scrub"
          + " (id, pass_size, next, edge, after_received_at, after_id) VALUES (0, ?, ?, ?, ?, ?)")) {
        s.setLong(1, m.passSize());
        s.setLong(2, m.next());
        s.setBytes(3, m.edge());
        s.setLong(4, EpochMicros.of(m.after().receivedAt()));
        s.setString(5, m.after().id());
        s.executeUpdate();
      }
    } catch (SQLException e) {
      throw SqliteErrors.translate(file, what, e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * One UPDATE with {@code secure_delete} on, so the old salts' bytes are overwritten with zeros in
   * the page, then a TRUNCATE checkpoint, so no copy stays in {@code ledger.db-wal} either.
   */
  @Override
  public boolean replaceSalts(String eventId, String saltsJson) {
    String what = "replacement of the ledger salts of " + eventId;
    lockWriter(what);
    try (Statement s = writer.createStatement()) {
      s.execute("PRAGMA secure_delete = ON");
      int changed;
      try (PreparedStatement update = writer.prepareStatement("UPDATE ledger_leaves SET salts = ? WHERE event_id = ?")) {
        update.setString(1, saltsJson);
        update.setString(2, eventId);
        changed = update.executeUpdate();
      }
      SqliteErasures.truncateLog(writer, file);
      return changed == 1;
    } catch (SQLException e) {
      throw SqliteErrors.translate(file, what, e);
    } finally {
      lock.unlock();
    }
  }

  private void lockWriter(String what) {
    try {
      if (!lock.tryLock(busyTimeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)) {
        throw new io.annals.hub.server.store.StoreUnavailableException(what + " failed: the ledger writer stayed busy for " + busyTimeout, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.annals.hub.server.store.StoreUnavailableException(what + " interrupted", e);
    }
  }

  @Override
  public void close() {
    readers.close();
    lock.lock();
    try {
      writer.close();
    } catch (SQLException ignored) {
      // closing: nothing more to do with it
    } finally {
      lock.unlock();
    }
  }
}
