package io.annals.hub.server.store.sqlite;

import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.Extensions;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.AggregatePosition;
import io.annals.hub.server.store.EpochMicros;
import io.annals.hub.server.store.EventFilter;
import io.annals.hub.server.store.Position;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The SQL of each read of the port, built in one place so that the index test explains exactly the
 * statements the store runs. Keyset conditions use row values, which SQLite turns into index ranges.
 */
final class SqliteQueries {

  /** A statement with its parameters, in order. */
  record Sql(String text, List<Object> params) {

    PreparedStatement prepare(java.sql.Connection connection) throws SQLException {
      PreparedStatement statement = connection.prepareStatement(text);
      for (int i = 0; i < params.size(); i++) {
        statement.setObject(i + 1, params.get(i));
      }
      return statement;
    }
  }

  static final String COLUMNS =
      "id, service, type, created_at, aggregate_id, correlation_id, received_at, payload, extensions";

  static final String FIND = "SELECT " + COLUMNS + " FROM events WHERE id = ?";

  /** Notes the weeks that hold events; each append runs these once per week among its events. */
  static final String ADD_CREATED_WEEK = "INSERT OR IGNORE INTO created_weeks (week) VALUES (?)";
  static final String ADD_RECEIVED_WEEK = "INSERT OR IGNORE INTO received_weeks (week) VALUES (?)";

  static final String INSERT = "INSERT INTO events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
      + " ON CONFLICT (id) DO NOTHING";

  // Beyond this many types one sub-select per type stops paying off (and SQLite caps compound
  // selects at 500 terms): the feed then walks the received_at index and filters.
  static final int MAX_TYPES_MERGED = 64;

  private static final String ORDER = " ORDER BY received_at, id LIMIT ?";
  /** Reads by aggregate: a seek per week that holds events ({@link #inWeeks}), on the aggregate index whatever else is asked. */
  private static final String BY_AGGREGATE = " FROM events INDEXED BY events_by_week_aggregate";
  /** Reads by correlation id (and no aggregate): likewise on the correlation index. */
  private static final String BY_CORRELATION = " FROM events INDEXED BY events_by_week_correlation";

  private SqliteQueries() {}

  static Sql query(EventFilter filter, Position after, int limit) {
    StringBuilder where = new StringBuilder();
    List<Object> params = new ArrayList<>();
    equal(where, params, "type", filter.type());
    equal(where, params, "service", filter.service());
    if (filter.aggregateId() != null) {
      inWeeks(where, params, "created", null, null);
      equal(where, params, "aggregate_id", filter.aggregateId());
    } else if (filter.correlationId() != null) {
      // Either lower bound will do: the conditions themselves follow below.
      Instant from = after != null ? after.receivedAt() : filter.receivedAfter();
      inWeeks(where, params, "received", from == null ? null : EpochMicros.ofSaturated(from),
          filter.receivedBefore() == null ? null : EpochMicros.ofSaturated(filter.receivedBefore()));
    }
    equal(where, params, "correlation_id", filter.correlationId());
    if (filter.receivedAfter() != null) {
      and(where).append("received_at > ?");
      params.add(EpochMicros.ofSaturated(filter.receivedAfter()));
    }
    if (filter.receivedBefore() != null) {
      and(where).append("received_at < ?");
      params.add(EpochMicros.ofSaturated(filter.receivedBefore()));
    }
    after(where, params, after);
    params.add(limit);
    String from = filter.aggregateId() != null ? BY_AGGREGATE : filter.correlationId() != null ? BY_CORRELATION : " FROM events";
    return new Sql("SELECT " + COLUMNS + from + where + ORDER, params);
  }

  static Sql aggregateHistory(String aggregateId, Instant asOf, AggregatePosition after, int limit) {
    StringBuilder where = new StringBuilder();
    List<Object> params = new ArrayList<>();
    inWeeks(where, params, "created", after == null ? null : EpochMicros.of(after.createdAt()),
        asOf == null ? null : EpochMicros.ofSaturated(asOf));
    equal(where, params, "aggregate_id", aggregateId);
    if (asOf != null) {
      and(where).append("created_at <= ?");
      params.add(EpochMicros.ofSaturated(asOf));
    }
    if (after != null) {
      and(where).append("(created_at, received_at, id) > (?, ?, ?)");
      params.add(EpochMicros.of(after.createdAt()));
      params.add(EpochMicros.of(after.receivedAt()));
      params.add(after.id());
    }
    params.add(limit);
    return new Sql("SELECT " + COLUMNS + BY_AGGREGATE + where + " ORDER BY created_at, received_at, id LIMIT ?", params);
  }

  /**
   * One type: a range of the type index. A few types: one such range per type, each limited, merged
   * (so a rare type never walks the whole history). Any type: a range of the received_at index.
   */
  static Sql feed(Set<String> types, Position after, Instant stableBefore, int limit) {
    if (types.isEmpty() || types.size() > MAX_TYPES_MERGED) {
      StringBuilder where = new StringBuilder();
      List<Object> params = new ArrayList<>();
      if (!types.isEmpty()) {
        and(where).append("type IN (").append("?, ".repeat(types.size() - 1)).append("?)");
        params.addAll(types);
      }
      feedRange(where, params, after, stableBefore);
      params.add(limit);
      return new Sql("SELECT " + COLUMNS + " FROM events INDEXED BY events_by_received" + where + ORDER, params);
    }
    List<String> selects = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    for (String type : types.stream().sorted().toList()) {
      StringBuilder where = new StringBuilder();
      equal(where, params, "type", type);
      feedRange(where, params, after, stableBefore);
      params.add(limit);
      selects.add("SELECT " + COLUMNS + " FROM events" + where + ORDER);
    }
    if (selects.size() == 1) {
      return new Sql(selects.get(0), params);
    }
    params.add(limit);
    return new Sql(selects.stream()
        .map(select -> "SELECT * FROM (" + select + ")")
        .collect(Collectors.joining(" UNION ALL ")) + ORDER, params);
  }

  /**
   * The count of a feed range, from the type index (one range per type: SQLite walks an IN list on
   * the leading column) or, for all types, the received_at index; both cover the query, so no row
   * of the table is read.
   */
  static Sql countFeed(Set<String> types, Position after, Instant stableBefore) {
    StringBuilder where = new StringBuilder();
    List<Object> params = new ArrayList<>();
    String index = "events_by_received";
    if (!types.isEmpty()) {
      index = "events_by_type";
      and(where).append("type IN (").append("?, ".repeat(types.size() - 1)).append("?)");
      params.addAll(types.stream().sorted().toList());
    }
    feedRange(where, params, after, stableBefore);
    return new Sql("SELECT count(*) FROM events INDEXED BY " + index + where, params);
  }

  static StoredEvent read(ResultSet rs) throws SQLException {
    Event event = new Event(
        text(rs, 1),
        text(rs, 2),
        text(rs, 3),
        EpochMicros.toInstant(rs.getLong(4)),
        text(rs, 5),
        text(rs, 6),
        text(rs, 8),
        Extensions.fromJson(text(rs, 9)));
    return new StoredEvent(event, EpochMicros.toInstant(rs.getLong(7)));
  }

  /**
   * A TEXT column as a String. sqlite-jdbc's {@code getString} hands the text to Java in a direct
   * ByteBuffer made through JNI per call, which costs more than the row's step itself; {@code
   * getBytes} copies the same UTF-8 bytes into an array: reading the feed's rows this way ran at
   * about 1.5 times the rate (README, Benchmarks).
   */
  static String text(ResultSet rs, int column) throws SQLException {
    byte[] utf8 = rs.getBytes(column);
    return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
  }

  static void bindInsert(PreparedStatement insert, StoredEvent stored) throws SQLException {
    Event e = stored.event();
    insert.setString(1, e.id());
    insert.setString(2, e.service());
    insert.setString(3, e.type());
    insert.setLong(4, EpochMicros.of(e.createdAt()));
    insert.setString(5, e.aggregateId());
    insert.setString(6, e.correlationId());
    insert.setLong(7, EpochMicros.of(stored.receivedAt()));
    insert.setString(8, e.payloadJson());
    insert.setString(9, Extensions.toJson(e.extensions())); // NULL for none, as rows from before version 6
  }

  private static void feedRange(StringBuilder where, List<Object> params, Position after, Instant stableBefore) {
    and(where).append("received_at < ?");
    params.add(EpochMicros.ofSaturated(stableBefore));
    after(where, params, after);
  }

  private static void after(StringBuilder where, List<Object> params, Position after) {
    if (after != null) {
      and(where).append("(received_at, id) > (?, ?)");
      params.add(EpochMicros.of(after.receivedAt()));
      params.add(after.id());
    }
  }

  /**
   * The weeks ({@code created} or {@code received}) that hold events, from the week of {@code
   * fromMicros} to that of {@code toMicros} (either open when null): the aggregate and correlation
   * indexes are keyed by week first (SqliteSchema), so each week is one seek.
   */
  private static void inWeeks(StringBuilder where, List<Object> params, String which, Long fromMicros, Long toMicros) {
    and(where).append(which).append("_week IN (SELECT week FROM ").append(which).append("_weeks");
    if (fromMicros != null || toMicros != null) {
      where.append(" WHERE ");
      if (fromMicros != null) {
        where.append("week >= ?");
        params.add(SqliteSchema.week(fromMicros));
      }
      if (toMicros != null) {
        where.append(fromMicros != null ? " AND " : "").append("week <= ?");
        params.add(SqliteSchema.week(toMicros));
      }
    }
    where.append(")");
  }

  private static void equal(StringBuilder where, List<Object> params, String column, String value) {
    if (value != null) {
      and(where).append(column).append(" = ?");
      params.add(value);
    }
  }

  private static StringBuilder and(StringBuilder where) {
    return where.append(where.length() == 0 ? " WHERE " : " AND ");
  }
}
