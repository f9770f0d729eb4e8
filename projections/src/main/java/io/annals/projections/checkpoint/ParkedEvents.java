package io.annals.projections.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.client.ReceivedEvent;
import io.annals.hub.wire.FeedWire;
import io.annals.hub.wire.WireTime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Events a projection gave up on under the park policy, in {@code projection_parked}, kept with
 * the whole event and the error so that an operator can see, fix and replay them.
 */
public final class ParkedEvents {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One parked event as status shows it. */
  public record Parked(String eventId, String eventType, String error, int attempts, Instant parkedAt) {}

  /** Parks {@code event} for {@code generation} of {@code projection} (again, if parked before). */
  public void park(Connection connection, String projection, int generation, ReceivedEvent event,
      String error, int attempts, Instant now) throws SQLException {
    try (PreparedStatement upsert = connection.prepareStatement(
        "INSERT INTO projection_parked (projection, generation, event_id, event_type, received_at, "
            + "event_json, error, attempts, parked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (projection, generation, event_id) DO UPDATE SET error = excluded.error, "
            + "attempts = excluded.attempts, parked_at = excluded.parked_at")) {
      upsert.setString(1, projection);
      upsert.setInt(2, generation);
      upsert.setString(3, event.id());
      upsert.setString(4, event.type());
      upsert.setString(5, WireTime.format(event.receivedAt()));
      upsert.setString(6, toJson(event));
      upsert.setString(7, CheckpointStore.truncate(error));
      upsert.setInt(8, attempts);
      upsert.setLong(9, now.toEpochMilli());
      upsert.executeUpdate();
    }
  }

  public long count(Connection connection, String projection, int generation) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT COUNT(*) FROM projection_parked WHERE projection = ? AND generation = ?")) {
      select.setString(1, projection);
      select.setInt(2, generation);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  /** The most recently parked events of a generation, newest first, at most {@code limit}. */
  public List<Parked> latest(Connection connection, String projection, int generation, int limit)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT event_id, event_type, error, attempts, parked_at FROM projection_parked "
            + "WHERE projection = ? AND generation = ? ORDER BY parked_at DESC, event_id LIMIT ?")) {
      select.setString(1, projection);
      select.setInt(2, generation);
      select.setInt(3, limit);
      try (ResultSet row = select.executeQuery()) {
        List<Parked> parked = new ArrayList<>();
        while (row.next()) {
          parked.add(new Parked(row.getString("event_id"), row.getString("event_type"), row.getString("error"),
              row.getInt("attempts"), Instant.ofEpochMilli(row.getLong("parked_at"))));
        }
        return parked;
      }
    }
  }

  /** Forgets the parked events of generations other than {@code generation} (after a rebuild swap). */
  public void keepOnly(Connection connection, String projection, int generation) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(
        "DELETE FROM projection_parked WHERE projection = ? AND generation <> ?")) {
      delete.setString(1, projection);
      delete.setInt(2, generation);
      delete.executeUpdate();
    }
  }

  /** The event as the hub's envelope, so that it can be replayed or inspected as it was. */
  static String toJson(ReceivedEvent event) {
    ObjectNode root = JSON.createObjectNode();
    root.put(FeedWire.ID, event.id());
    ObjectNode meta = root.putObject(FeedWire.META);
    meta.put(FeedWire.SERVICE, event.service());
    meta.put(FeedWire.TYPE, event.type());
    meta.put(FeedWire.CREATED_AT, WireTime.format(event.createdAt()));
    meta.put(FeedWire.AGGREGATE_ID, event.aggregateId());
    if (event.correlationId() != null) {
      meta.put(FeedWire.CORRELATION_ID, event.correlationId());
    }
    meta.put(FeedWire.RECEIVED_AT, WireTime.format(event.receivedAt()));
    root.set(FeedWire.PAYLOAD, event.payload() == null ? JSON.createObjectNode() : event.payload());
    return root.toString();
  }
}
