package io.annals.hub.server.store.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.hub.server.store.EpochMicros;
import io.annals.hub.server.store.ErasureRecord;
import io.annals.hub.server.store.Erasures;
import io.annals.hub.server.store.StoreUnavailableException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The erasure port on {@code events.db} (tables {@code erasures}, {@code erasure_events}, schema
 * version 4), through the store's one writer and its readers.
 *
 * <p>How an erased value leaves the file (docs/erasure.md): the writer connection runs with
 * {@code secure_delete} on, so the UPDATE that replaces a payload overwrites the old bytes in its
 * page (and any overflow page it frees) with zeros; the new page goes to the write-ahead log,
 * which still holds older copies of the page, so a {@code wal_checkpoint(TRUNCATE)} then copies the
 * log into the file and cuts the log to zero bytes. No VACUUM is needed: nothing is left in free
 * pages when every write since the file's creation ran with {@code secure_delete}.
 */
final class SqliteErasures implements Erasures {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final String COLUMNS = "erasure_id, requested_at, requested_by, reason, pointers, event_ids";

  private static final int TRUNCATE_ATTEMPTS = 500;

  private final SqliteWriter writer;
  private final ReaderPool readers;
  private final Path file;

  SqliteErasures(SqliteWriter writer, ReaderPool readers, Path file) {
    this.writer = writer;
    this.readers = readers;
    this.file = file;
  }

  @Override
  public Recorded record(ErasureRecord erasure) {
    return writer.write("record of erasure " + erasure.erasureId(), statements -> {
      PreparedStatement insert = statements.prepared("INSERT OR IGNORE INTO erasures (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)");
      insert.setString(1, erasure.erasureId());
      insert.setLong(2, EpochMicros.of(erasure.requestedAt()));
      insert.setString(3, erasure.requestedBy());
      insert.setString(4, erasure.reason());
      insert.setString(5, erasure.pointers() == null ? null : json(erasure.pointers()));
      insert.setString(6, json(erasure.eventIds()));
      if (insert.executeUpdate() == 1) {
        PreparedStatement link = statements.prepared("INSERT OR IGNORE INTO erasure_events (event_id, erasure_id) VALUES (?, ?)");
        for (String id : erasure.eventIds()) {
          link.setString(1, id);
          link.setString(2, erasure.erasureId());
          link.executeUpdate();
        }
        return new Recorded(erasure, true);
      }
      PreparedStatement find = statements.prepared("SELECT " + COLUMNS + " FROM erasures WHERE erasure_id = ?");
      find.setString(1, erasure.erasureId());
      try (ResultSet rs = find.executeQuery()) {
        rs.next();
        return new Recorded(read(rs), false);
      }
    });
  }

  @Override
  public Optional<ErasureRecord> find(String erasureId) {
    return select("read of erasure " + erasureId, "SELECT " + COLUMNS + " FROM erasures WHERE erasure_id = ?", List.of(erasureId))
        .stream().findFirst();
  }

  @Override
  public List<ErasureRecord> list(ErasureRecord.Position after, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    if (after == null) {
      return select("list of erasures", "SELECT " + COLUMNS + " FROM erasures ORDER BY requested_at, erasure_id LIMIT ?", List.of(limit));
    }
    return select("list of erasures", "SELECT " + COLUMNS + " FROM erasures WHERE (requested_at, erasure_id) > (?, ?)"
        + " ORDER BY requested_at, erasure_id LIMIT ?", List.of(EpochMicros.of(after.requestedAt()), after.erasureId(), limit));
  }

  @Override
  public List<ErasureRecord> naming(Collection<String> eventIds) {
    if (eventIds.isEmpty()) {
      return List.of();
    }
    String marks = String.join(",", java.util.Collections.nCopies(eventIds.size(), "?"));
    return select("read of the erasures of " + eventIds.size() + " event(s)", "SELECT " + COLUMNS + " FROM erasures WHERE erasure_id IN"
        + " (SELECT erasure_id FROM erasure_events WHERE event_id IN (" + marks + ")) ORDER BY requested_at, erasure_id",
        List.copyOf(eventIds));
  }

  @Override
  public int rewritePayloads(Map<String, String> payloads) {
    if (payloads.isEmpty()) {
      return 0;
    }
    int rewritten = writer.write("rewrite of " + payloads.size() + " erased payload(s)", statements -> {
      PreparedStatement update = statements.prepared("UPDATE events SET payload = ? WHERE id = ?");
      int n = 0;
      for (Map.Entry<String, String> e : payloads.entrySet()) {
        update.setString(1, e.getValue());
        update.setString(2, e.getKey());
        n += update.executeUpdate();
      }
      return n;
    });
    writer.outsideTransaction("checkpoint after an erasure", connection -> {
      try {
        truncateLog(connection, file);
        return null;
      } catch (SQLException e) {
        throw new StoreUnavailableException("the checkpoint after an erasure of " + file + " failed: " + e.getMessage(), e);
      }
    });
    return rewritten;
  }

  /**
   * Copies the whole write-ahead log into the file and truncates the log to zero bytes, waiting
   * (busy timeout) for readers of older snapshots; throws when a reader kept it from completing,
   * since an erased value may then still be in the log.
   */
  static void truncateLog(Connection connection, Path file) throws SQLException {
    // A checkpoint under way on another connection (the store's Checkpointer runs one after every
    // commit) makes this one answer busy at once, without the busy handler: it is tried again,
    // every 10 ms, for about as long as the busy timeout lets a write wait.
    for (int attempt = 0; attempt < TRUNCATE_ATTEMPTS; attempt++) {
      try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
        if (rs.next() && rs.getInt(1) == 0) {
          return;
        }
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new StoreUnavailableException("the write-ahead log of " + file + " could not be emptied after an erasure"
        + " (a reader or checkpoint held it); the erasure is recorded: send it again with its erasure_id to finish", null);
  }

  private List<ErasureRecord> select(String what, String sql, List<Object> params) {
    return readers.withConnection(what, connection -> {
      List<ErasureRecord> out = new ArrayList<>();
      try (PreparedStatement s = connection.prepareStatement(sql)) {
        for (int i = 0; i < params.size(); i++) {
          s.setObject(i + 1, params.get(i));
        }
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            out.add(read(rs));
          }
        }
      }
      return out;
    });
  }

  private static ErasureRecord read(ResultSet rs) throws SQLException {
    String pointers = rs.getString(5);
    return new ErasureRecord(rs.getString(1), EpochMicros.toInstant(rs.getLong(2)), rs.getString(3), rs.getString(4),
        pointers == null ? null : strings(pointers), strings(rs.getString(6)));
  }

  private static String json(List<String> values) {
    try {
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> strings(String json) {
    try {
      return JSON.readValue(json, STRINGS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an erasure row holds no JSON array of strings: " + e.getOriginalMessage(), e);
    }
  }
}
