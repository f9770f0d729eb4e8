package io.annals.projections.lease;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Leases in {@code projection_lease}: one row per lease key, taken by a conditional upsert so
 * that only one worker holds a key at a time. Every method runs inside the caller's transaction.
 *
 * <p>Expiry is compared with the caller's clock; a worker whose clock runs ahead can only take a
 * lease early, never commit under one it lost, because every batch renews its lease with
 * {@link #renew} as its first statement and that renewal fails once another owner took it.
 */
public final class LeaseStore {

  private static final String ACQUIRE =
      "INSERT INTO projection_lease (lease_key, owner, acquired_at, expires_at) VALUES (?, ?, ?, ?) "
          + "ON CONFLICT (lease_key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at, "
          + "acquired_at = CASE WHEN projection_lease.owner = excluded.owner "
          + "THEN projection_lease.acquired_at ELSE excluded.acquired_at END "
          + "WHERE projection_lease.owner = excluded.owner OR projection_lease.expires_at <= excluded.acquired_at";

  /**
   * Takes the lease, or renews it when {@code owner} holds it already, unless another worker
   * holds it and it has not expired at {@code now}. Returns the lease as it stands afterwards:
   * compare its owner with {@code owner} to know whether it was taken.
   */
  public Lease acquire(Connection connection, String key, String owner, Instant now, Duration timeout)
      throws SQLException {
    try (PreparedStatement upsert = connection.prepareStatement(ACQUIRE)) {
      upsert.setString(1, key);
      upsert.setString(2, owner);
      upsert.setLong(3, now.toEpochMilli());
      upsert.setLong(4, now.plus(timeout).toEpochMilli());
      upsert.executeUpdate();
    }
    return find(connection, key).orElseThrow(
        () -> new IllegalStateException("lease " + key + " vanished right after it was written"));
  }

  /**
   * Extends the lease to {@code expiresAt} if {@code owner} still holds it. This is the fence of
   * every batch: when it answers false, another worker has taken over and the batch must roll back.
   */
  public boolean renew(Connection connection, String key, String owner, Instant expiresAt) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE projection_lease SET expires_at = ? WHERE lease_key = ? AND owner = ?")) {
      update.setLong(1, expiresAt.toEpochMilli());
      update.setString(2, key);
      update.setString(3, owner);
      return update.executeUpdate() == 1;
    }
  }

  /** Gives the lease up (if {@code owner} holds it) so that another worker can take it at once. */
  public void release(Connection connection, String key, String owner) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(
        "DELETE FROM projection_lease WHERE lease_key = ? AND owner = ?")) {
      delete.setString(1, key);
      delete.setString(2, owner);
      delete.executeUpdate();
    }
  }

  public Optional<Lease> find(Connection connection, String key) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT lease_key, owner, acquired_at, expires_at FROM projection_lease WHERE lease_key = ?")) {
      select.setString(1, key);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(read(row)) : Optional.empty();
      }
    }
  }

  /** The leases held by {@code owner}. */
  public List<Lease> heldBy(Connection connection, String owner) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT lease_key, owner, acquired_at, expires_at FROM projection_lease WHERE owner = ?")) {
      select.setString(1, owner);
      try (ResultSet row = select.executeQuery()) {
        List<Lease> leases = new ArrayList<>();
        while (row.next()) {
          leases.add(read(row));
        }
        return leases;
      }
    }
  }

  private static Lease read(ResultSet row) throws SQLException {
    return new Lease(row.getString("lease_key"), row.getString("owner"),
        Instant.ofEpochMilli(row.getLong("acquired_at")), Instant.ofEpochMilli(row.getLong("expires_at")));
  }
}
