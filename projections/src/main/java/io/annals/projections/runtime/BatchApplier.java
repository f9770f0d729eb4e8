package io.annals.projections.runtime;

import io.annals.hub.client.FeedPage;
import io.annals.hub.client.ReceivedEvent;
import io.annals.projections.checkpoint.Checkpoint;
import io.annals.projections.checkpoint.CheckpointStore;
import io.annals.projections.checkpoint.ParkedEvents;
import io.annals.projections.lease.LeaseStore;
import io.annals.projections.metrics.ProjectionMetrics;
import io.annals.projections.sql.Dialect;
import io.annals.projections.sql.Tables;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one feed page to a projection and moves its checkpoint to the page's {@code next} in
 * one transaction. The transaction starts with the fence (renew the lease, compare-and-set the
 * checkpoint revision), so a worker that lost its lease cannot commit, and its first statement is
 * a write, so SQLite's busy timeout applies instead of an immediate "database is locked".
 *
 * <p>The fast path applies the whole page in one handler batch. When the handler fails, the page
 * is rolled back and applied again event by event, each under a savepoint and retried; an event
 * that still fails is parked or stops the projection, per its {@link FailurePolicy}.
 */
final class BatchApplier {

  private static final Logger LOG = LoggerFactory.getLogger(BatchApplier.class);

  /** The outcome of one page: the checkpoint after it, and the stop if the projection stopped. */
  record Applied(Checkpoint checkpoint, int applied, int parked, Stop stop) {}

  /** Where and why a projection stopped. */
  record Stop(String eventId, String error) {}

  private final Projection projection;
  private final Dialect dialect;
  private final RuntimeConfig config;
  private final CheckpointStore checkpoints;
  private final LeaseStore leases;
  private final ParkedEvents parked;
  private final ProjectionMetrics metrics;
  private final Clock clock;
  private final Sleeper sleeper;

  BatchApplier(Projection projection, Dialect dialect, RuntimeConfig config, CheckpointStore checkpoints,
      LeaseStore leases, ParkedEvents parked, ProjectionMetrics metrics, Clock clock, Sleeper sleeper) {
    this.projection = projection;
    this.dialect = dialect;
    this.config = config;
    this.checkpoints = checkpoints;
    this.leases = leases;
    this.parked = parked;
    this.metrics = metrics;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Applies {@code page} on top of {@code current}; {@code connection} is not in auto-commit mode. */
  Applied apply(Connection connection, Checkpoint current, FeedPage page)
      throws SQLException, LeaseLostException, InterruptedException {
    long started = System.nanoTime();
    ReadModel readModel = new ReadModel(connection, Tables.of(current.generation(), projection.tables()), dialect);
    try {
      Checkpoint next = fence(connection, current, page);
      try {
        handle(readModel, page.events());
      } catch (HandlerFailure failure) {
        connection.rollback();
        metrics.failure(projection.name());
        LOG.warn("{}: batch of {} events failed ({}); applying it event by event",
            projection.name(), page.events().size(), describe(failure.getCause()));
        return applyOneByOne(connection, current, readModel, page, started);
      }
      if (!page.events().isEmpty()) {
        next = recordApplied(connection, next, page.events().get(page.events().size() - 1));
      }
      connection.commit();
      return committed(new Applied(next, page.events().size(), 0, null), started, page);
    } catch (Throwable e) {
      // Errors too (an OutOfMemoryError in a handler): whoever closes or reuses the connection
      // next must not be able to commit half a batch.
      rollbackQuietly(connection);
      throw e;
    }
  }

  private Applied applyOneByOne(Connection connection, Checkpoint current, ReadModel readModel, FeedPage page,
      long started) throws SQLException, LeaseLostException, InterruptedException {
    Checkpoint next = fence(connection, current, page);
    int applied = 0;
    int parkedEvents = 0;
    ReceivedEvent newest = null;
    for (ReceivedEvent event : page.events()) {
      Exception failure = applyWithRetries(connection, readModel, event);
      if (failure == null) {
        applied++;
        newest = event;
      } else if (config.policyFor(projection.name()) == FailurePolicy.PARK) {
        parked.park(connection, projection.name(), current.generation(), event, describe(failure),
            config.maxAttempts(), clock.instant());
        parkedEvents++;
        LOG.warn("{}: parked event {} after {} attempts: {}", projection.name(), event.id(),
            config.maxAttempts(), describe(failure));
      } else {
        connection.rollback();
        return stop(connection, current, event, describe(failure));
      }
    }
    if (newest != null) {
      next = recordApplied(connection, next, newest);
    }
    connection.commit();
    return committed(new Applied(next, applied, parkedEvents, null), started, page);
  }

  private Exception applyWithRetries(Connection connection, ReadModel readModel, ReceivedEvent event)
      throws SQLException, InterruptedException {
    Exception last = null;
    for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
      Savepoint savepoint = connection.setSavepoint();
      try {
        handle(readModel, List.of(event));
        connection.releaseSavepoint(savepoint);
        return null;
      } catch (HandlerFailure failure) {
        connection.rollback(savepoint);
        metrics.failure(projection.name());
        last = (Exception) failure.getCause();
        if (attempt < config.maxAttempts()) {
          sleeper.sleep(config.retryBackoff().multipliedBy(attempt));
        }
      }
    }
    return last;
  }

  private Applied stop(Connection connection, Checkpoint current, ReceivedEvent event, String error)
      throws SQLException, LeaseLostException {
    Instant now = clock.instant();
    renewLease(connection, current, now);
    if (!checkpoints.markStopped(connection, current, event.id(), error, now)) {
      throw new LeaseLostException("checkpoint of " + current.leaseKey() + " moved under this worker");
    }
    connection.commit();
    LOG.error("{}: stopped at event {} after {} attempts: {}", projection.name(), event.id(),
        config.maxAttempts(), error);
    Checkpoint stopped = new Checkpoint(current.projection(), current.slot(), current.generation(),
        current.schemaVersion(), current.cursor(), current.revision() + 1, current.handled(), true,
        event.id(), error, now, now, current.newestReceivedAt(), current.newestAppliedAt());
    return new Applied(stopped, 0, 0, new Stop(event.id(), error));
  }

  private Checkpoint fence(Connection connection, Checkpoint current, FeedPage page)
      throws SQLException, LeaseLostException {
    Instant now = clock.instant();
    renewLease(connection, current, now);
    int events = page.events().size();
    if (!checkpoints.advance(connection, current, page.next(), events, now)) {
      throw new LeaseLostException("checkpoint of " + current.leaseKey() + " moved under this worker");
    }
    return current.advanced(page.next(), events, now);
  }

  /** Stores the batch's freshness with its checkpoint: {@code newest}'s received_at, and now. */
  private Checkpoint recordApplied(Connection connection, Checkpoint next, ReceivedEvent newest) throws SQLException {
    Instant now = clock.instant();
    checkpoints.recordApplied(connection, next, newest.receivedAt(), now);
    return next.applied(newest.receivedAt(), now);
  }

  private void renewLease(Connection connection, Checkpoint current, Instant now)
      throws SQLException, LeaseLostException {
    if (!leases.renew(connection, current.leaseKey(), config.owner(), now.plus(config.leaseTimeout()))) {
      throw new LeaseLostException("lease " + current.leaseKey() + " was taken by another worker");
    }
  }

  private Applied committed(Applied applied, long startedNanos, FeedPage page) {
    metrics.batch(projection.name(), Duration.ofNanos(System.nanoTime() - startedNanos));
    metrics.applied(projection.name(), applied.applied());
    if (!page.events().isEmpty()) {
      // Freshness: how old the newest event of the batch was when its changes became visible to readers.
      Instant newest = page.events().get(page.events().size() - 1).receivedAt();
      metrics.freshness(projection.name(), Duration.between(newest, clock.instant()));
    }
    return applied;
  }

  /** Runs the handler over {@code events}; any exception of the handler becomes a HandlerFailure. */
  private void handle(ReadModel readModel, List<ReceivedEvent> events) throws HandlerFailure {
    try (Batch batch = projection.begin(readModel)) {
      for (ReceivedEvent event : events) {
        java.util.Optional<ErasureApplied> erasure = ErasureApplied.of(event);
        if (erasure.isPresent()) {
          batch.onErasure(erasure.get());
        } else if (wanted(event)) {
          batch.apply(event);
        }
      }
      batch.flush();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new HandlerFailure(e);
    }
  }

  /** False for a producer's own event of type erasure-applied that reached a projection only because the runtime reads that type for erasures. */
  private boolean wanted(ReceivedEvent event) {
    Set<String> types = projection.eventTypes();
    return types.isEmpty() || types.contains(event.type());
  }

  static String describe(Throwable failure) {
    String message = failure.getMessage();
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      LOG.debug("rollback failed after an error", e);
    }
  }

  /** The projection's handler threw; distinct from failures of the runtime's own statements. */
  private static final class HandlerFailure extends Exception {
    HandlerFailure(Exception cause) {
      super(cause);
    }
  }
}
