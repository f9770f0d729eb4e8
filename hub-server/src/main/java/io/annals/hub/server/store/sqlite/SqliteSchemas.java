package io.annals.hub.server.store.sqlite;

import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.Extensions;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.schema.Catalog;
import io.annals.hub.server.schema.CatalogEntry;
import io.annals.hub.server.schema.ErrorsJson;
import io.annals.hub.server.schema.Quarantine;
import io.annals.hub.server.schema.QuarantinedEvent;
import io.annals.hub.server.schema.SchemaMode;
import io.annals.hub.server.schema.SchemaRegistry;
import io.annals.hub.server.schema.SchemaVersion;
import io.annals.hub.server.schema.TypeHistory;
import io.annals.hub.server.store.EpochMicros;
import io.annals.hub.server.store.Position;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Schemas, quarantine, catalog and type history in {@code events.db} (schema version 5; the
 * quarantine's {@code extensions} from version 7), through
 * the store's writer and readers. The catalog's counting side is {@link #count}, which the append
 * runs in its own transaction: the counts and the events commit together, so they agree after any
 * crash.
 */
public final class SqliteSchemas implements SchemaRegistry, Quarantine, Catalog, TypeHistory {

  static final long MINUTE_MICROS = 60_000_000L;
  /** Minute buckets older than this are deleted by the append that passes them: two hours kept. */
  static final long MINUTES_KEPT = 120;

  private static final String SCHEMA_COLUMNS = "service, type, version, mode, schema, registered_at, checked";
  private static final String QUARANTINE_COLUMNS = "id, service, type, created_at, aggregate_id, correlation_id, payload,"
      + " quarantined_at, schema_version, errors, dropped_reason, dropped_at, extensions";
  private static final String COUNT = "INSERT INTO catalog (service, type, count, first_received, last_received)"
      + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (service, type) DO UPDATE SET count = count + excluded.count,"
      + " first_received = min(first_received, excluded.first_received),"
      + " last_received = max(last_received, excluded.last_received)";
  private static final String COUNT_MINUTE = "INSERT INTO catalog_minutes (minute, service, type, count) VALUES (?, ?, ?, ?)"
      + " ON CONFLICT (minute, service, type) DO UPDATE SET count = count + excluded.count";
  private static final String PRUNE_MINUTES = "DELETE FROM catalog_minutes WHERE minute < ?";

  private final SqliteWriter writer;
  private final ReaderPool readers;

  SqliteSchemas(SqliteWriter writer, ReaderPool readers) {
    this.writer = writer;
    this.readers = readers;
  }

  /**
   * Counts the events an append created, in the append's transaction: one upsert per type and
   * minute among them, so the cost per event is constant whatever the history holds.
   */
  static void count(SqliteWriter.Statements statements, List<StoredEvent> created) throws SQLException {
    if (created.isEmpty()) {
      return;
    }
    Map<List<Object>, long[]> perType = new LinkedHashMap<>();
    Map<List<Object>, long[]> perMinute = new LinkedHashMap<>();
    long newestMinute = Long.MIN_VALUE;
    for (StoredEvent e : created) {
      long at = EpochMicros.of(e.receivedAt());
      long[] t = perType.computeIfAbsent(List.of(e.event().service(), e.event().type()),
          k -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
      t[0]++;
      t[1] = Math.min(t[1], at);
      t[2] = Math.max(t[2], at);
      long minute = Math.floorDiv(at, MINUTE_MICROS);
      newestMinute = Math.max(newestMinute, minute);
      perMinute.computeIfAbsent(List.of(minute, e.event().service(), e.event().type()), k -> new long[1])[0]++;
    }
    PreparedStatement count = statements.prepared(COUNT);
    for (Map.Entry<List<Object>, long[]> t : perType.entrySet()) {
      count.setString(1, (String) t.getKey().get(0));
      count.setString(2, (String) t.getKey().get(1));
      count.setLong(3, t.getValue()[0]);
      count.setLong(4, t.getValue()[1]);
      count.setLong(5, t.getValue()[2]);
      count.executeUpdate();
    }
    PreparedStatement minute = statements.prepared(COUNT_MINUTE);
    for (Map.Entry<List<Object>, long[]> m : perMinute.entrySet()) {
      minute.setLong(1, (Long) m.getKey().get(0));
      minute.setString(2, (String) m.getKey().get(1));
      minute.setString(3, (String) m.getKey().get(2));
      minute.setLong(4, m.getValue()[0]);
      minute.executeUpdate();
    }
    PreparedStatement prune = statements.prepared(PRUNE_MINUTES);
    prune.setLong(1, newestMinute - MINUTES_KEPT);
    prune.executeUpdate();
  }

  // ---- SchemaRegistry

  @Override
  public boolean register(SchemaVersion v) {
    return writer.write("registration of a schema for " + v.service() + "/" + v.type(), statements -> {
      PreparedStatement latest = statements.prepared("SELECT max(version) FROM schemas WHERE service = ? AND type = ?");
      latest.setString(1, v.service());
      latest.setString(2, v.type());
      int current;
      try (ResultSet rs = latest.executeQuery()) {
        rs.next();
        current = rs.getInt(1);
      }
      if (v.version() != current + 1) {
        return false;
      }
      PreparedStatement insert = statements.prepared("INSERT INTO schemas (" + SCHEMA_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)");
      insert.setString(1, v.service());
      insert.setString(2, v.type());
      insert.setInt(3, v.version());
      insert.setString(4, v.mode().wireName());
      insert.setString(5, v.schemaJson());
      insert.setLong(6, EpochMicros.of(EpochMicros.truncate(v.registeredAt())));
      insert.setLong(7, v.checked());
      insert.executeUpdate();
      return true;
    });
  }

  @Override
  public List<SchemaVersion> versions(String service, String type) {
    return schemas("read of the schemas of " + service + "/" + type,
        "SELECT " + SCHEMA_COLUMNS + " FROM schemas WHERE service = ? AND type = ? ORDER BY version", service, type);
  }

  @Override
  public Optional<SchemaVersion> latest(String service, String type) {
    List<SchemaVersion> found = schemas("read of the latest schema of " + service + "/" + type,
        "SELECT " + SCHEMA_COLUMNS + " FROM schemas WHERE service = ? AND type = ? ORDER BY version DESC LIMIT 1", service, type);
    return found.stream().findFirst();
  }

  @Override
  public List<SchemaVersion> latestOfEach() {
    return schemas("read of the latest schemas", "SELECT " + SCHEMA_COLUMNS
        + " FROM schemas s WHERE version = (SELECT max(version) FROM schemas WHERE service = s.service AND type = s.type)"
        + " ORDER BY service, type");
  }

  private List<SchemaVersion> schemas(String what, String sql, Object... params) {
    return readers.withConnection(what, connection -> {
      List<SchemaVersion> found = new ArrayList<>();
      try (PreparedStatement statement = prepare(connection, sql, params); ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          found.add(new SchemaVersion(rs.getString(1), rs.getString(2), rs.getInt(3),
              SchemaMode.fromWireName(rs.getString(4)).orElseThrow(), rs.getString(5),
              EpochMicros.toInstant(rs.getLong(6)), rs.getLong(7)));
        }
      }
      return found;
    });
  }

  // ---- Quarantine

  @Override
  public void hold(List<QuarantinedEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    writer.write("quarantine of " + events.size() + " event(s)", statements -> {
      PreparedStatement insert = statements.prepared("INSERT INTO quarantine (" + QUARANTINE_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING");
      for (QuarantinedEvent q : events) {
        Event e = q.event();
        insert.setString(1, e.id());
        insert.setString(2, e.service());
        insert.setString(3, e.type());
        insert.setLong(4, EpochMicros.of(EpochMicros.truncate(e.createdAt())));
        insert.setString(5, e.aggregateId());
        insert.setString(6, e.correlationId());
        insert.setString(7, e.payloadJson());
        insert.setLong(8, EpochMicros.of(EpochMicros.truncate(q.quarantinedAt())));
        insert.setInt(9, q.schemaVersion());
        insert.setString(10, ErrorsJson.write(q.errors()));
        insert.setString(11, q.droppedReason());
        if (q.dropped()) {
          insert.setLong(12, EpochMicros.of(EpochMicros.truncate(q.droppedAt())));
        } else {
          insert.setNull(12, java.sql.Types.INTEGER);
        }
        insert.setString(13, Extensions.toJson(e.extensions())); // NULL for none, as the events table
        insert.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public List<QuarantinedEvent> entries(String afterId, int limit) {
    return afterId == null
        ? quarantined("read of the quarantine", "SELECT " + QUARANTINE_COLUMNS + " FROM quarantine ORDER BY id LIMIT ?", limit)
        : quarantined("read of the quarantine", "SELECT " + QUARANTINE_COLUMNS + " FROM quarantine WHERE id > ? ORDER BY id LIMIT ?",
            afterId, limit);
  }

  @Override
  public List<QuarantinedEvent> held(String service, String type, String afterId, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + QUARANTINE_COLUMNS + " FROM quarantine WHERE dropped_reason IS NULL");
    List<Object> params = new ArrayList<>();
    if (service != null) {
      sql.append(" AND service = ?");
      params.add(service);
    }
    if (type != null) {
      sql.append(" AND type = ?");
      params.add(type);
    }
    if (afterId != null) {
      sql.append(" AND id > ?");
      params.add(afterId);
    }
    sql.append(" ORDER BY id LIMIT ?");
    params.add(limit);
    return quarantined("read of the quarantine", sql.toString(), params.toArray());
  }

  @Override
  public List<QuarantinedEvent> find(List<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return quarantined("read of quarantined events", "SELECT " + QUARANTINE_COLUMNS
        + " FROM quarantine WHERE dropped_reason IS NULL AND id IN (" + String.join(", ", Collections.nCopies(ids.size(), "?"))
        + ") ORDER BY id", ids.toArray());
  }

  @Override
  public int release(List<String> ids) {
    return writer.write("release of " + ids.size() + " quarantined event(s)", statements -> {
      PreparedStatement delete = statements.prepared("DELETE FROM quarantine WHERE id = ? AND dropped_reason IS NULL");
      int removed = 0;
      for (String id : ids) {
        delete.setString(1, id);
        removed += delete.executeUpdate();
      }
      return removed;
    });
  }

  @Override
  public int drop(List<String> ids, String reason, Instant at) {
    return writer.write("drop of " + ids.size() + " quarantined event(s)", statements -> {
      PreparedStatement update = statements.prepared(
          "UPDATE quarantine SET dropped_reason = ?, dropped_at = ? WHERE id = ? AND dropped_reason IS NULL");
      int dropped = 0;
      for (String id : ids) {
        update.setString(1, reason);
        update.setLong(2, EpochMicros.of(EpochMicros.truncate(at)));
        update.setString(3, id);
        dropped += update.executeUpdate();
      }
      return dropped;
    });
  }

  @Override
  public long heldCount() {
    return readers.withConnection("count of the quarantine", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(
          "SELECT count(*) FROM quarantine WHERE dropped_reason IS NULL"); ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private List<QuarantinedEvent> quarantined(String what, String sql, Object... params) {
    return readers.withConnection(what, connection -> {
      List<QuarantinedEvent> found = new ArrayList<>();
      try (PreparedStatement statement = prepare(connection, sql, params); ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          Event event = new Event(rs.getString(1), rs.getString(2), rs.getString(3), EpochMicros.toInstant(rs.getLong(4)),
              rs.getString(5), rs.getString(6), rs.getString(7), Extensions.fromJson(rs.getString(13)));
          long droppedMicros = rs.getLong(12);
          // wasNull right after its column: it answers for the last column read.
          java.time.Instant droppedAt = rs.wasNull() ? null : EpochMicros.toInstant(droppedMicros);
          found.add(new QuarantinedEvent(event, EpochMicros.toInstant(rs.getLong(8)), rs.getInt(9),
              ErrorsJson.read(rs.getString(10)), rs.getString(11), droppedAt));
        }
      }
      return found;
    });
  }

  // ---- Catalog

  @Override
  public List<CatalogEntry> entries(Instant now) {
    long fromMinute = Math.floorDiv(EpochMicros.ofSaturated(now), MINUTE_MICROS) - 59;
    return readers.withConnection("read of the catalog", connection -> {
      List<CatalogEntry> found = new ArrayList<>();
      try (PreparedStatement statement = prepare(connection,
          "SELECT c.service, c.type, c.count, c.first_received, c.last_received,"
              + " (SELECT coalesce(sum(m.count), 0) FROM catalog_minutes m"
              + "   WHERE m.minute >= ? AND m.service = c.service AND m.type = c.type)"
              + " FROM catalog c ORDER BY c.service, c.type", fromMinute);
          ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          found.add(new CatalogEntry(rs.getString(1), rs.getString(2), rs.getLong(3),
              EpochMicros.toInstant(rs.getLong(4)), EpochMicros.toInstant(rs.getLong(5)), rs.getLong(6)));
        }
      }
      return found;
    });
  }

  // ---- TypeHistory

  @Override
  public List<StoredEvent> newestFirst(String service, String type, Position before, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + SqliteQueries.COLUMNS
        + " FROM events INDEXED BY events_by_type WHERE type = ? AND service = ?");
    List<Object> params = new ArrayList<>(List.of(type, service));
    if (before != null) {
      sql.append(" AND (received_at, id) < (?, ?)");
      params.add(EpochMicros.ofSaturated(before.receivedAt()));
      params.add(before.id());
    }
    sql.append(" ORDER BY received_at DESC, id DESC LIMIT ?");
    params.add(limit);
    return readers.withConnection("history of " + service + "/" + type, connection -> {
      List<StoredEvent> events = new ArrayList<>(Math.min(limit, 1000));
      try (PreparedStatement statement = prepare(connection, sql.toString(), params.toArray());
          ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          events.add(SqliteQueries.read(rs));
        }
      }
      return events;
    });
  }

  private static PreparedStatement prepare(Connection connection, String sql, Object... params) throws SQLException {
    return new SqliteQueries.Sql(sql, List.of(params)).prepare(connection);
  }
}
