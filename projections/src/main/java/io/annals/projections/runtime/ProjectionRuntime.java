package io.annals.projections.runtime;

import io.annals.projections.checkpoint.Checkpoint;
import io.annals.projections.checkpoint.CheckpointStore;
import io.annals.projections.checkpoint.ParkedEvents;
import io.annals.projections.checkpoint.RuntimeSchema;
import io.annals.projections.checkpoint.Slot;
import io.annals.projections.lease.LeaseStore;
import io.annals.projections.metrics.ProjectionMetrics;
import io.annals.projections.sql.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The projection runtime: runs projections from the feed into read models in one database,
 * with checkpoints, leases and failure handling. Thread-safe for different projections; one
 * projection should be driven by one thread of a worker at a time (the lease guards across workers).
 *
 * <p>For a benchmark, {@link #catchUp} on a fresh database returns the events applied and the
 * time taken.
 */
public final class ProjectionRuntime implements AutoCloseable {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,60}");

  private final Database database;
  private final RuntimeConfig config;
  private final Map<String, Projection> projections;
  private final Map<String, ProjectionRunner> runners;
  private final CheckpointStore checkpoints = new CheckpointStore();
  private final StatusReader statusReader;
  private final Clock clock;
  private final FeedSource source;

  private ProjectionRuntime(Builder builder) {
    this.database = builder.database;
    this.config = builder.config;
    this.projections = Map.copyOf(builder.projections);
    this.clock = builder.clock;
    this.source = builder.source;
    LeaseStore leases = new LeaseStore();
    ParkedEvents parked = new ParkedEvents();
    Map<String, ProjectionRunner> byName = new LinkedHashMap<>();
    for (Projection projection : builder.projections.values()) {
      builder.metrics.register(projection.name());
      Generations generations = new Generations(projection, database.dialect(), config, checkpoints, leases,
          parked, clock);
      BatchApplier applier = new BatchApplier(projection, database.dialect(), config, checkpoints, leases, parked,
          builder.metrics, clock, builder.sleeper);
      byName.put(projection.name(), new ProjectionRunner(projection, database, builder.source, config, leases,
          generations, applier, clock, builder.sleeper));
    }
    this.runners = byName;
    this.statusReader = new StatusReader(database, builder.source, checkpoints, leases, parked, builder.metrics,
        clock);
  }

  public static Builder builder(Database database, FeedSource source) {
    return new Builder(database, source);
  }

  public RuntimeConfig config() {
    return config;
  }

  public Database database() {
    return database;
  }

  /** The projections in registration order. */
  public List<Projection> projections() {
    List<Projection> ordered = new ArrayList<>();
    runners.keySet().forEach(name -> ordered.add(projections.get(name)));
    return ordered;
  }

  public Optional<Projection> projection(String name) {
    return Optional.ofNullable(projections.get(name));
  }

  /**
   * Applies the feed to projection {@code name} from its checkpoint up to the hub's stable point.
   *
   * @throws ReadModelStoreException when the read-model database fails (nothing half-committed)
   * @throws io.annals.hub.client.HubException when the hub cannot be read
   */
  public CatchUpResult catchUp(String name) {
    return runner(name).catchUp();
  }

  /** {@link #catchUp} for every projection, in registration order. */
  public List<CatchUpResult> catchUpAll() {
    List<CatchUpResult> results = new ArrayList<>();
    for (String name : runners.keySet()) {
      results.add(catchUp(name));
    }
    return results;
  }

  /**
   * Rebuilds projection {@code name} from the start of the feed into new tables while readers
   * keep seeing the current ones, then switches them over in one transaction. Continues an
   * unfinished rebuild of the same schema version unless {@code fresh}.
   */
  public CatchUpResult rebuild(String name, boolean fresh) {
    return runner(name).rebuild(fresh);
  }

  /** Clears a stop of projection {@code name} (live and rebuild); false when it was not stopped. */
  public boolean resume(String name) {
    runner(name);
    try (Connection connection = database.connect()) {
      boolean live = checkpoints.resume(connection, name, Slot.LIVE, clock.instant());
      boolean rebuild = checkpoints.resume(connection, name, Slot.REBUILD, clock.instant());
      return live || rebuild;
    } catch (SQLException e) {
      throw new ReadModelStoreException(name + ": cannot resume: " + e.getMessage(), e);
    }
  }

  /** True once projection {@code name} has a live read model (it ran at least once). */
  public boolean installed(String name) {
    runner(name);
    try (Connection connection = database.connect()) {
      return checkpoints.find(connection, name, Slot.LIVE).isPresent();
    } catch (SQLException e) {
      throw new ReadModelStoreException(name + ": cannot read its checkpoint: " + e.getMessage(), e);
    }
  }

  /** The status of projection {@code name}; also refreshes its gauges. */
  public ProjectionStatus status(String name) {
    runner(name);
    return statusReader.read(projections.get(name));
  }

  /** {@link #status(String)} of every projection, in registration order. */
  public List<ProjectionStatus> status() {
    List<ProjectionStatus> all = new ArrayList<>();
    for (String name : runners.keySet()) {
      all.add(status(name));
    }
    return all;
  }

  /** The live checkpoint's cursor of projection {@code name}; null before its first run or while it is stopped. */
  public String cursor(String name) {
    runner(name);
    try (Connection connection = database.connect()) {
      return checkpoints.find(connection, name, Slot.LIVE).filter(c -> !c.stopped()).map(Checkpoint::cursor).orElse(null);
    } catch (SQLException e) {
      throw new ReadModelStoreException(name + ": cannot read its checkpoint: " + e.getMessage(), e);
    }
  }

  /**
   * Waits until the feed holds an event of projection {@code name}'s types (or an erasure) after
   * {@code cursor}, or for {@code wait} (a long poll on the hub); true when there is one. The page
   * that answered is kept, and the next {@link #catchUp} applies it instead of reading it again.
   */
  public boolean awaitEvents(String name, String cursor, Duration wait) throws InterruptedException {
    return runner(name).await(cursor, wait);
  }

  /** Gives up every lease this worker holds, so that another worker can take over at once. */
  @Override
  public void close() {
    runners.values().forEach(ProjectionRunner::release);
  }

  private ProjectionRunner runner(String name) {
    ProjectionRunner runner = runners.get(name);
    if (runner == null) {
      throw new IllegalArgumentException("unknown projection " + name + " (known: " + runners.keySet() + ")");
    }
    return runner;
  }

  /** Builds a runtime; {@link #build} creates the runtime's tables if they are missing. */
  public static final class Builder {
    private final Database database;
    private final FeedSource source;
    private final Map<String, Projection> projections = new LinkedHashMap<>();
    private RuntimeConfig config = RuntimeConfig.defaults();
    private ProjectionMetrics metrics = ProjectionMetrics.discarding();
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();

    private Builder(Database database, FeedSource source) {
      this.database = Objects.requireNonNull(database, "database");
      this.source = Objects.requireNonNull(source, "source");
    }

    public Builder projection(Projection projection) {
      if (!NAME.matcher(projection.name()).matches()) {
        throw new IllegalArgumentException(
            "projection name must be lower case letters, digits and dashes, was: " + projection.name());
      }
      if (projections.putIfAbsent(projection.name(), projection) != null) {
        throw new IllegalArgumentException("projection " + projection.name() + " registered twice");
      }
      return this;
    }

    public Builder projections(List<? extends Projection> all) {
      all.forEach(this::projection);
      return this;
    }

    public Builder config(RuntimeConfig value) {
      this.config = Objects.requireNonNull(value, "config");
      return this;
    }

    public Builder metrics(ProjectionMetrics value) {
      this.metrics = Objects.requireNonNull(value, "metrics");
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    public Builder sleeper(Sleeper value) {
      this.sleeper = Objects.requireNonNull(value, "sleeper");
      return this;
    }

    public ProjectionRuntime build() {
      if (projections.isEmpty()) {
        throw new IllegalArgumentException("at least one projection is required");
      }
      createRuntimeTables();
      return new ProjectionRuntime(this);
    }

    private void createRuntimeTables() {
      try (Connection connection = database.connect()) {
        try {
          RuntimeSchema.create(connection);
        } catch (SQLException first) {
          // Two workers starting together on PostgreSQL can race on CREATE TABLE IF NOT EXISTS;
          // the loser's second attempt finds the tables.
          RuntimeSchema.create(connection);
        }
      } catch (SQLException e) {
        throw new ReadModelStoreException(
            "cannot create the runtime tables in " + database + ": " + e.getMessage(), e);
      }
    }
  }
}
