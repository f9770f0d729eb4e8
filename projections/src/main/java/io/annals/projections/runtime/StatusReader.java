package io.annals.projections.runtime;

import io.annals.hub.client.FeedLag;
import io.annals.hub.client.HubException;
import io.annals.projections.checkpoint.Checkpoint;
import io.annals.projections.checkpoint.CheckpointStore;
import io.annals.projections.checkpoint.ParkedEvents;
import io.annals.projections.checkpoint.ParkedEvents.Parked;
import io.annals.projections.checkpoint.Slot;
import io.annals.projections.lease.Lease;
import io.annals.projections.lease.LeaseStore;
import io.annals.projections.metrics.ProjectionMetrics;
import io.annals.projections.sql.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

/** Reads a projection's status from the database and its lag from the hub, and sets the gauges. */
final class StatusReader {

  private final Database database;
  private final FeedSource source;
  private final CheckpointStore checkpoints;
  private final LeaseStore leases;
  private final ParkedEvents parked;
  private final ProjectionMetrics metrics;
  private final Clock clock;

  StatusReader(Database database, FeedSource source, CheckpointStore checkpoints, LeaseStore leases,
      ParkedEvents parked, ProjectionMetrics metrics, Clock clock) {
    this.database = database;
    this.source = source;
    this.checkpoints = checkpoints;
    this.leases = leases;
    this.parked = parked;
    this.metrics = metrics;
    this.clock = clock;
  }

  ProjectionStatus read(Projection projection) {
    String name = projection.name();
    Checkpoint live;
    Checkpoint rebuild;
    Lease lease;
    long parkedCount = 0;
    List<Parked> recent = List.of();
    try (Connection connection = database.connect()) {
      live = checkpoints.find(connection, name, Slot.LIVE).orElse(null);
      rebuild = checkpoints.find(connection, name, Slot.REBUILD).orElse(null);
      lease = leases.find(connection, Slot.LIVE.leaseKey(name)).orElse(null);
      if (live != null) {
        parkedCount = parked.count(connection, name, live.generation());
        recent = parked.latest(connection, name, live.generation(), 5);
      }
    } catch (SQLException e) {
      throw new ReadModelStoreException(name + ": cannot read status: " + e.getMessage(), e);
    }
    FeedLag lag = null;
    String lagError = null;
    try {
      lag = source.lag(live == null ? null : live.cursor(), projection.eventTypes());
    } catch (HubException e) {
      lagError = e.getMessage();
    }
    ProjectionStatus status = new ProjectionStatus(name, live, rebuild, lease, parkedCount, recent, lag,
        lagError, clock.instant());
    metrics.stopped(name, live != null && live.stopped());
    metrics.parked(name, parkedCount);
    if (lag != null) {
      metrics.lag(name, status.lagAge().toMillis() / 1000.0, lag.events());
    }
    return status;
  }
}
