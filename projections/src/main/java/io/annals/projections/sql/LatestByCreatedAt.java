package io.annals.projections.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Last-writer-wins by {@code created_at}: an upsert that keeps, per key, the values of the event
 * created last (the event id breaks ties), whatever order the events arrive in. The feed delivers
 * events in {@code received_at} order, so a projection whose state depends on order (a status,
 * a latest value) writes through this instead of a plain upsert.
 *
 * <p>The table must have the key columns as its primary key, the value columns, and the two
 * bookkeeping columns of {@link #bookkeepingColumns()}.
 */
public final class LatestByCreatedAt {

  /** Column holding the winning event's {@code created_at} in microseconds since the epoch. */
  public static final String CREATED_AT_COLUMN = "created_at_us";
  /** Column holding the winning event's id (breaks ties between equal {@code created_at}). */
  public static final String EVENT_ID_COLUMN = "event_id";

  private final String sql;
  private final int keys;
  private final int values;

  private LatestByCreatedAt(String sql, int keys, int values) {
    this.sql = sql;
    this.keys = keys;
    this.values = values;
  }

  /** An upsert into {@code table} keyed by {@code keyColumns} that writes {@code valueColumns}. */
  public static LatestByCreatedAt into(String table, List<String> keyColumns, List<String> valueColumns) {
    if (keyColumns.isEmpty()) {
      throw new IllegalArgumentException("at least one key column is required for table " + table);
    }
    List<String> all = new ArrayList<>(keyColumns);
    all.addAll(valueColumns);
    all.add(CREATED_AT_COLUMN);
    all.add(EVENT_ID_COLUMN);
    List<String> updated = new ArrayList<>(valueColumns);
    updated.add(CREATED_AT_COLUMN);
    updated.add(EVENT_ID_COLUMN);
    String sql = "INSERT INTO " + table + " (" + String.join(", ", all) + ") VALUES ("
        + all.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")"
        + " ON CONFLICT (" + String.join(", ", keyColumns) + ") DO UPDATE SET "
        + updated.stream().map(c -> c + " = excluded." + c).collect(Collectors.joining(", "))
        + " WHERE excluded." + CREATED_AT_COLUMN + " > " + table + "." + CREATED_AT_COLUMN
        + " OR (excluded." + CREATED_AT_COLUMN + " = " + table + "." + CREATED_AT_COLUMN
        + " AND excluded." + EVENT_ID_COLUMN + " > " + table + "." + EVENT_ID_COLUMN + ")";
    return new LatestByCreatedAt(sql, keyColumns.size(), valueColumns.size());
  }

  /** DDL for the two bookkeeping columns, to put in the table's {@code CREATE TABLE}. */
  public static String bookkeepingColumns() {
    return CREATED_AT_COLUMN + " BIGINT NOT NULL, " + EVENT_ID_COLUMN + " VARCHAR(100) NOT NULL";
  }

  /** True when an event created at {@code createdAt} with {@code id} wins over the other one. */
  public static boolean newer(Instant createdAt, String id, Instant otherCreatedAt, String otherId) {
    int byTime = Long.compare(micros(createdAt), micros(otherCreatedAt));
    return byTime > 0 || (byTime == 0 && id.compareTo(otherId) > 0);
  }

  public String sql() {
    return sql;
  }

  /** Prepares the upsert on {@code connection}; close the writer with the batch. */
  public Writer prepare(Connection connection) throws SQLException {
    return new Writer(connection.prepareStatement(sql));
  }

  static long micros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }

  /** Writes rows through one prepared statement. */
  public final class Writer implements AutoCloseable {
    private final PreparedStatement statement;

    private Writer(PreparedStatement statement) {
      this.statement = statement;
    }

    /**
     * Writes the key and value columns (in declaration order) of the event created at
     * {@code createdAt} with id {@code eventId}, unless a later-created event already wrote this key.
     */
    public void write(Instant createdAt, String eventId, Object... keysThenValues) throws SQLException {
      if (keysThenValues.length != keys + values) {
        throw new IllegalArgumentException(
            "expected " + keys + " key and " + values + " value columns, got " + keysThenValues.length);
      }
      int i = 1;
      for (Object value : keysThenValues) {
        statement.setObject(i++, value);
      }
      statement.setLong(i++, micros(createdAt));
      statement.setString(i, eventId);
      statement.executeUpdate();
    }

    @Override
    public void close() throws SQLException {
      statement.close();
    }
  }
}
