package io.annals.projections.runtime;

import io.annals.projections.checkpoint.Checkpoint;
import io.annals.projections.checkpoint.CheckpointStore;
import io.annals.projections.checkpoint.ParkedEvents;
import io.annals.projections.checkpoint.Slot;
import io.annals.projections.lease.LeaseStore;
import io.annals.projections.sql.Dialect;
import io.annals.projections.sql.Tables;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Generations of a projection's tables. Readers query views named after the logical tables; the
 * live checkpoint says which generation's tables they show. A rebuild fills a new generation
 * beside it and {@link #swap}s in one transaction: views switch, the checkpoint moves, the old
 * tables go. Every method runs one transaction that starts by renewing the caller's lease.
 */
final class Generations {

  private final Projection projection;
  private final Dialect dialect;
  private final RuntimeConfig config;
  private final CheckpointStore checkpoints;
  private final LeaseStore leases;
  private final ParkedEvents parked;
  private final Clock clock;

  Generations(Projection projection, Dialect dialect, RuntimeConfig config, CheckpointStore checkpoints,
      LeaseStore leases, ParkedEvents parked, Clock clock) {
    this.projection = projection;
    this.dialect = dialect;
    this.config = config;
    this.checkpoints = checkpoints;
    this.leases = leases;
    this.parked = parked;
    this.clock = clock;
  }

  /** The live checkpoint; on first use creates generation 1, its views and its checkpoint. */
  Checkpoint ensureLive(Connection connection) throws SQLException, LeaseLostException {
    return inTransaction(connection, Slot.LIVE, now -> {
      Optional<Checkpoint> live = checkpoints.find(connection, projection.name(), Slot.LIVE);
      if (live.isPresent()) {
        return live.get();
      }
      createTables(connection, 1);
      switchViews(connection, 1);
      return checkpoints.create(connection, projection.name(), Slot.LIVE, 1, projection.schemaVersion(), now);
    });
  }

  /**
   * The rebuild to continue: the unfinished one of this schema version, or (when there is none,
   * it is stopped, or {@code fresh}) a new generation with empty tables.
   */
  Checkpoint ensureRebuild(Connection connection, boolean fresh) throws SQLException, LeaseLostException {
    return inTransaction(connection, Slot.REBUILD, now -> {
      Optional<Checkpoint> existing = checkpoints.find(connection, projection.name(), Slot.REBUILD);
      if (existing.isPresent() && !fresh && !existing.get().stopped()
          && existing.get().schemaVersion() == projection.schemaVersion()) {
        return existing.get();
      }
      int generation = checkpoints.find(connection, projection.name(), Slot.LIVE)
          .map(Checkpoint::generation).orElse(1);
      if (existing.isPresent()) {
        generation = Math.max(generation, existing.get().generation());
        dropTables(connection, existing.get().generation());
        checkpoints.delete(connection, projection.name(), Slot.REBUILD);
      }
      createTables(connection, generation + 1);
      return checkpoints.create(connection, projection.name(), Slot.REBUILD, generation + 1,
          projection.schemaVersion(), now);
    });
  }

  /**
   * Makes the caught-up {@code rebuild} live in one transaction: readers see the old generation
   * up to the commit and the new one from it, never a half-built one.
   */
  Checkpoint swap(Connection connection, Checkpoint rebuild) throws SQLException, LeaseLostException {
    return inTransaction(connection, Slot.REBUILD, now -> {
      Checkpoint current = checkpoints.find(connection, projection.name(), Slot.REBUILD).orElse(null);
      if (current == null || current.revision() != rebuild.revision()) {
        throw new LeaseLostException("rebuild of " + projection.name() + " moved under this worker");
      }
      Optional<Checkpoint> old = checkpoints.find(connection, projection.name(), Slot.LIVE);
      checkpoints.promote(connection, rebuild, now);
      switchViews(connection, rebuild.generation());
      if (old.isPresent() && old.get().generation() != rebuild.generation()) {
        dropTables(connection, old.get().generation());
      }
      parked.keepOnly(connection, projection.name(), rebuild.generation());
      return checkpoints.find(connection, projection.name(), Slot.LIVE).orElseThrow();
    });
  }

  private void createTables(Connection connection, int generation) throws SQLException {
    ReadModel readModel = new ReadModel(connection, Tables.of(generation, projection.tables()), dialect);
    try (Statement statement = connection.createStatement()) {
      for (String ddl : projection.schema(readModel)) {
        statement.execute(ddl);
      }
    }
  }

  private void switchViews(Connection connection, int generation) throws SQLException {
    Tables tables = Tables.of(generation, projection.tables());
    try (Statement statement = connection.createStatement()) {
      for (String logical : projection.tables()) {
        statement.execute("DROP VIEW IF EXISTS " + logical);
        statement.execute("CREATE VIEW " + logical + " AS SELECT * FROM " + tables.name(logical));
      }
    }
  }

  private void dropTables(Connection connection, int generation) throws SQLException {
    Tables tables = Tables.of(generation, projection.tables());
    try (Statement statement = connection.createStatement()) {
      for (String logical : projection.tables()) {
        statement.execute("DROP TABLE IF EXISTS " + tables.name(logical));
      }
    }
  }

  private interface Work<T> {
    T run(Instant now) throws SQLException, LeaseLostException;
  }

  private <T> T inTransaction(Connection connection, Slot slot, Work<T> work)
      throws SQLException, LeaseLostException {
    Instant now = clock.instant();
    try {
      String key = slot.leaseKey(projection.name());
      if (!leases.renew(connection, key, config.owner(), now.plus(config.leaseTimeout()))) {
        throw new LeaseLostException("lease " + key + " was taken by another worker");
      }
      T result = work.run(now);
      connection.commit();
      return result;
    } catch (Throwable e) {
      connection.rollback();
      throw e;
    }
  }
}
