package io.annals.projections.checkpoint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;

/**
 * Checkpoints in {@code projection_checkpoint}, one row per projection and slot. Every method runs
 * inside the caller's transaction, so a checkpoint commits together with the read-model changes
 * of its batch. Writes compare {@code revision} and answer false when another writer moved it.
 */
public final class CheckpointStore {

  private static final String COLUMNS =
      "projection, slot, generation, schema_version, feed_cursor, revision, handled, state, "
          + "stopped_event_id, stopped_error, stopped_at, updated_at, newest_received_at, newest_applied_at";
  private static final int MAX_ERROR_LENGTH = 4000;

  public Optional<Checkpoint> find(Connection connection, String projection, Slot slot) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT " + COLUMNS + " FROM projection_checkpoint WHERE projection = ? AND slot = ?")) {
      select.setString(1, projection);
      select.setString(2, slot.column());
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(read(row)) : Optional.empty();
      }
    }
  }

  /** Creates the checkpoint of a new generation: nothing applied, cursor at the start of the feed. */
  public Checkpoint create(Connection connection, String projection, Slot slot, int generation,
      int schemaVersion, Instant now) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO projection_checkpoint (" + COLUMNS + ") VALUES (?, ?, ?, ?, NULL, 0, 0, 'running', NULL, NULL, NULL, ?, NULL, NULL)")) {
      insert.setString(1, projection);
      insert.setString(2, slot.column());
      insert.setInt(3, generation);
      insert.setInt(4, schemaVersion);
      insert.setLong(5, now.toEpochMilli());
      insert.executeUpdate();
    }
    return new Checkpoint(projection, slot, generation, schemaVersion, null, 0, 0, false, null, null, null, now, null, null);
  }

  /**
   * Records, in the batch's transaction, that the newest event of the batch just applied to
   * {@code current}'s slot was received at {@code received} and applied at {@code applied}: the
   * freshness {@code status} shows. Fenced by the batch's own checkpoint write earlier in the same
   * transaction, so it needs no revision check of its own.
   */
  public void recordApplied(Connection connection, Checkpoint current, Instant received, Instant applied)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE projection_checkpoint SET newest_received_at = ?, newest_applied_at = ? "
            + "WHERE projection = ? AND slot = ? AND generation = ?")) {
      update.setLong(1, micros(received));
      update.setLong(2, micros(applied));
      update.setString(3, current.projection());
      update.setString(4, current.slot().column());
      update.setInt(5, current.generation());
      update.executeUpdate();
    }
  }

  /**
   * Moves the cursor of {@code current} to {@code next} after a batch of {@code events}, if no
   * other writer changed the checkpoint since {@code current} was read.
   */
  public boolean advance(Connection connection, Checkpoint current, String next, int events, Instant now)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE projection_checkpoint SET feed_cursor = ?, handled = handled + ?, revision = revision + 1, "
            + "updated_at = ? WHERE projection = ? AND slot = ? AND revision = ? AND generation = ?")) {
      update.setString(1, next);
      update.setLong(2, events);
      update.setLong(3, now.toEpochMilli());
      update.setString(4, current.projection());
      update.setString(5, current.slot().column());
      update.setLong(6, current.revision());
      update.setInt(7, current.generation());
      return update.executeUpdate() == 1;
    }
  }

  /** Records that the slot stopped at {@code eventId} with {@code error}, fenced like {@link #advance}. */
  public boolean markStopped(Connection connection, Checkpoint current, String eventId, String error, Instant now)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE projection_checkpoint SET state = 'stopped', stopped_event_id = ?, stopped_error = ?, "
            + "stopped_at = ?, revision = revision + 1, updated_at = ? "
            + "WHERE projection = ? AND slot = ? AND revision = ?")) {
      update.setString(1, eventId);
      update.setString(2, truncate(error));
      update.setLong(3, now.toEpochMilli());
      update.setLong(4, now.toEpochMilli());
      update.setString(5, current.projection());
      update.setString(6, current.slot().column());
      update.setLong(7, current.revision());
      return update.executeUpdate() == 1;
    }
  }

  /** Clears a stop so that the next run tries the failing event again; false when not stopped. */
  public boolean resume(Connection connection, String projection, Slot slot, Instant now) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE projection_checkpoint SET state = 'running', stopped_event_id = NULL, stopped_error = NULL, "
            + "stopped_at = NULL, revision = revision + 1, updated_at = ? "
            + "WHERE projection = ? AND slot = ? AND state = 'stopped'")) {
      update.setLong(1, now.toEpochMilli());
      update.setString(2, projection);
      update.setString(3, slot.column());
      return update.executeUpdate() == 1;
    }
  }

  /**
   * Makes {@code rebuild} the live checkpoint (its generation, cursor and counts) and removes the
   * rebuild row; the live row's revision moves on, which fences any worker still writing the old
   * generation.
   */
  public void promote(Connection connection, Checkpoint rebuild, Instant now) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE projection_checkpoint SET generation = ?, schema_version = ?, feed_cursor = ?, handled = ?, "
            + "state = ?, stopped_event_id = ?, stopped_error = ?, stopped_at = ?, revision = revision + 1, "
            + "updated_at = ?, newest_received_at = ?, newest_applied_at = ? WHERE projection = ? AND slot = ?")) {
      update.setInt(1, rebuild.generation());
      update.setInt(2, rebuild.schemaVersion());
      update.setString(3, rebuild.cursor());
      update.setLong(4, rebuild.handled());
      update.setString(5, rebuild.stopped() ? "stopped" : "running");
      update.setString(6, rebuild.stoppedEventId());
      update.setString(7, rebuild.stoppedError());
      if (rebuild.stoppedAt() == null) {
        update.setNull(8, Types.BIGINT);
      } else {
        update.setLong(8, rebuild.stoppedAt().toEpochMilli());
      }
      update.setLong(9, now.toEpochMilli());
      setMicros(update, 10, rebuild.newestReceivedAt());
      setMicros(update, 11, rebuild.newestAppliedAt());
      update.setString(12, rebuild.projection());
      update.setString(13, Slot.LIVE.column());
      if (update.executeUpdate() != 1) {
        // Rebuilt before it ever ran live: the rebuild becomes the first live checkpoint.
        create(connection, rebuild.projection(), Slot.LIVE, rebuild.generation(), rebuild.schemaVersion(), now);
        try (PreparedStatement copy = connection.prepareStatement(
            "UPDATE projection_checkpoint SET feed_cursor = ?, handled = ?, revision = 1, newest_received_at = ?, "
                + "newest_applied_at = ? WHERE projection = ? AND slot = ?")) {
          copy.setString(1, rebuild.cursor());
          copy.setLong(2, rebuild.handled());
          setMicros(copy, 3, rebuild.newestReceivedAt());
          setMicros(copy, 4, rebuild.newestAppliedAt());
          copy.setString(5, rebuild.projection());
          copy.setString(6, Slot.LIVE.column());
          copy.executeUpdate();
        }
      }
    }
    delete(connection, rebuild.projection(), Slot.REBUILD);
  }

  public void delete(Connection connection, String projection, Slot slot) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(
        "DELETE FROM projection_checkpoint WHERE projection = ? AND slot = ?")) {
      delete.setString(1, projection);
      delete.setString(2, slot.column());
      delete.executeUpdate();
    }
  }

  private static Checkpoint read(ResultSet row) throws SQLException {
    long stoppedAt = row.getLong("stopped_at");
    Instant stoppedAtInstant = row.wasNull() ? null : Instant.ofEpochMilli(stoppedAt);
    return new Checkpoint(
        row.getString("projection"),
        Slot.ofColumn(row.getString("slot")),
        row.getInt("generation"),
        row.getInt("schema_version"),
        row.getString("feed_cursor"),
        row.getLong("revision"),
        row.getLong("handled"),
        "stopped".equals(row.getString("state")),
        row.getString("stopped_event_id"),
        row.getString("stopped_error"),
        stoppedAtInstant,
        Instant.ofEpochMilli(row.getLong("updated_at")),
        instant(row, "newest_received_at"),
        instant(row, "newest_applied_at"));
  }

  // Microseconds since the epoch: received_at has microseconds, and a millisecond column would round it.
  private static long micros(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }

  private static void setMicros(PreparedStatement statement, int index, Instant instant) throws SQLException {
    if (instant == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, micros(instant));
    }
  }

  private static Instant instant(ResultSet row, String column) throws SQLException {
    long micros = row.getLong(column);
    return row.wasNull() ? null : Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
  }

  static String truncate(String text) {
    if (text == null) {
      return "";
    }
    return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH) + "…";
  }
}
