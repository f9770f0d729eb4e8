package io.annals.projections.runtime;

import io.annals.hub.client.FeedPage;
import io.annals.hub.client.HubException;
import io.annals.projections.checkpoint.Checkpoint;
import io.annals.projections.checkpoint.Slot;
import io.annals.projections.lease.Lease;
import io.annals.projections.lease.LeaseStore;
import io.annals.projections.runtime.CatchUpResult.Outcome;
import io.annals.projections.sql.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one projection: takes its lease, installs or migrates its tables, and applies feed pages
 * from its checkpoint until a page comes back short of the batch size (caught up), the handler
 * stops it, or another worker takes over.
 */
final class ProjectionRunner {

  private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);
  private static final int HUB_ATTEMPTS = 5;
  private static final Duration HUB_BACKOFF = Duration.ofMillis(250);

  private final Projection projection;
  private final Database database;
  private final FeedSource source;
  private final RuntimeConfig config;
  private final LeaseStore leases;
  private final Generations generations;
  private final BatchApplier applier;
  private final Clock clock;
  private final Sleeper sleeper;
  // The page a long poll answered, for the catch-up that follows it (one thread drives a projection).
  private volatile Prefetched prefetched;

  ProjectionRunner(Projection projection, Database database, FeedSource source, RuntimeConfig config,
      LeaseStore leases, Generations generations, BatchApplier applier, Clock clock, Sleeper sleeper) {
    this.projection = projection;
    this.database = database;
    this.source = source;
    this.config = config;
    this.leases = leases;
    this.generations = generations;
    this.applier = applier;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Catches the live read model up (first building a new generation if the schema version rose). */
  CatchUpResult catchUp() {
    Progress progress = new Progress();
    try (Connection connection = open()) {
      Lease lease = acquire(connection, Slot.LIVE);
      if (!lease.heldBy(config.owner())) {
        return progress.leaseHeld(lease);
      }
      Checkpoint live = generations.ensureLive(connection);
      if (live.schemaVersion() > projection.schemaVersion()) {
        return progress.end(Outcome.WORKER_OUTDATED, "the database holds schema version " + live.schemaVersion()
            + " of " + projection.name() + ", this worker has version " + projection.schemaVersion());
      }
      if (live.schemaVersion() < projection.schemaVersion()) {
        LOG.info("{}: schema version {} is live, code has {}: rebuilding into a new generation",
            projection.name(), live.schemaVersion(), projection.schemaVersion());
        return rebuild(connection, false, progress);
      }
      return advance(connection, live, progress).result;
    } catch (SQLException e) {
      throw new ReadModelStoreException(projection.name() + ": read-model database failed: " + e.getMessage(), e);
    } catch (LeaseLostException e) {
      return progress.end(Outcome.LEASE_LOST, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return progress.end(Outcome.LEASE_LOST, "interrupted");
    }
  }

  /** Rebuilds from the start of the feed into a new generation and switches readers to it. */
  CatchUpResult rebuild(boolean fresh) {
    Progress progress = new Progress();
    try (Connection connection = open()) {
      return rebuild(connection, fresh, progress);
    } catch (SQLException e) {
      throw new ReadModelStoreException(projection.name() + ": read-model database failed: " + e.getMessage(), e);
    } catch (LeaseLostException e) {
      return progress.end(Outcome.LEASE_LOST, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return progress.end(Outcome.LEASE_LOST, "interrupted");
    }
  }

  /**
   * Long-polls the feed after {@code cursor} with the page size and types of a catch-up, so that the
   * page it answers is the one the next catch-up applies: one request per wake instead of a
   * one-event probe followed by a read (and the reads ahead the probe's full page set off).
   */
  boolean await(String cursor, Duration wait) throws InterruptedException {
    FeedPage page = source.read(cursor, ErasureApplied.withErasures(projection.eventTypes()), config.batchSize(), wait);
    if (page.events().isEmpty()) {
      prefetched = null;
      return false;
    }
    prefetched = new Prefetched(cursor, page);
    return true;
  }

  /** Gives up the leases this worker holds on the projection. */
  void release() {
    try (Connection connection = open()) {
      for (Slot slot : Slot.values()) {
        releaseQuietly(connection, slot);
      }
    } catch (SQLException e) {
      LOG.warn("{}: could not release leases (they will expire): {}", projection.name(), e.getMessage());
    }
  }

  private CatchUpResult rebuild(Connection connection, boolean fresh, Progress progress)
      throws SQLException, LeaseLostException, InterruptedException {
    Lease lease = acquire(connection, Slot.REBUILD);
    if (!lease.heldBy(config.owner())) {
      return progress.leaseHeld(lease);
    }
    try {
      Checkpoint rebuild = generations.ensureRebuild(connection, fresh);
      Advanced advanced = advance(connection, rebuild, progress);
      if (advanced.result.outcome() != Outcome.CAUGHT_UP) {
        return advanced.result;
      }
      Checkpoint live = generations.swap(connection, advanced.checkpoint);
      LOG.info("{}: generation {} is live", projection.name(), live.generation());
      return progress.end(Outcome.CAUGHT_UP, "rebuilt: generation " + live.generation() + " is live");
    } finally {
      releaseQuietly(connection, Slot.REBUILD);
    }
  }

  private Advanced advance(Connection connection, Checkpoint start, Progress progress)
      throws SQLException, LeaseLostException, InterruptedException {
    Checkpoint checkpoint = start;
    if (checkpoint.stopped()) {
      return new Advanced(checkpoint, progress.end(Outcome.STOPPED, stoppedDetail(checkpoint)));
    }
    while (true) {
      FeedPage page = read(checkpoint.cursor());
      if (page.events().isEmpty() && Objects.equals(page.next(), checkpoint.cursor())) {
        return new Advanced(checkpoint, progress.end(Outcome.CAUGHT_UP, "caught up"));
      }
      BatchApplier.Applied applied = applier.apply(connection, checkpoint, page);
      progress.add(applied);
      checkpoint = applied.checkpoint();
      if (applied.stop() != null) {
        return new Advanced(checkpoint, progress.end(Outcome.STOPPED, stoppedDetail(checkpoint)));
      }
      if (!page.full(config.batchSize())) {
        return new Advanced(checkpoint, progress.end(Outcome.CAUGHT_UP, "caught up"));
      }
    }
  }

  private void releaseQuietly(Connection connection, Slot slot) {
    try {
      leases.release(connection, slot.leaseKey(projection.name()), config.owner());
      connection.commit();
    } catch (SQLException e) {
      LOG.warn("{}: could not release lease {} (it will expire): {}", projection.name(),
          slot.leaseKey(projection.name()), e.getMessage());
    }
  }

  /** Reads a page, riding out a few retryable hub answers (429, 503, a dropped connection). */
  private FeedPage read(String cursor) throws InterruptedException {
    Prefetched ahead = prefetched;
    prefetched = null;
    if (ahead != null && Objects.equals(ahead.after(), cursor)) {
      // Any page the feed answered for this cursor is a valid continuation from it, however old:
      // following its next yields what came after it exactly once.
      return ahead.page();
    }
    for (int attempt = 1; ; attempt++) {
      try {
        return source.read(cursor, ErasureApplied.withErasures(projection.eventTypes()), config.batchSize());
      } catch (HubException e) {
        if (!e.retryable() || attempt >= HUB_ATTEMPTS) {
          throw e;
        }
        LOG.debug("{}: feed read failed ({}), trying again", projection.name(), e.getMessage());
        sleeper.sleep(HUB_BACKOFF.multipliedBy(attempt));
      }
    }
  }

  private Lease acquire(Connection connection, Slot slot) throws SQLException {
    try {
      Lease lease = leases.acquire(connection, slot.leaseKey(projection.name()), config.owner(),
          clock.instant(), config.leaseTimeout());
      connection.commit();
      return lease;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    }
  }

  private Connection open() throws SQLException {
    Connection connection = database.connect();
    connection.setAutoCommit(false);
    return connection;
  }

  private static String stoppedDetail(Checkpoint checkpoint) {
    return "stopped at event " + checkpoint.stoppedEventId() + ": " + checkpoint.stoppedError();
  }

  private record Advanced(Checkpoint checkpoint, CatchUpResult result) {}

  /** A page the feed answered after {@code after}. */
  private record Prefetched(String after, FeedPage page) {}

  /** Counts what one catch-up did. */
  private final class Progress {
    private final long startedNanos = System.nanoTime();
    private long applied;
    private long parked;
    private int batches;

    void add(BatchApplier.Applied batch) {
      applied += batch.applied();
      parked += batch.parked();
      if (batch.stop() == null) {
        batches++;
      }
    }

    CatchUpResult leaseHeld(Lease lease) {
      return result(Outcome.LEASE_HELD, lease.expiresAt(),
          "lease " + lease.key() + " is held by " + lease.owner() + " until " + lease.expiresAt());
    }

    CatchUpResult end(Outcome outcome, String detail) {
      return result(outcome, null, detail);
    }

    private CatchUpResult result(Outcome outcome, Instant leaseExpiresAt, String detail) {
      return new CatchUpResult(projection.name(), outcome, applied, parked, batches,
          Duration.ofNanos(System.nanoTime() - startedNanos), leaseExpiresAt, detail);
    }
  }
}
