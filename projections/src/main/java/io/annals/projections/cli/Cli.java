package io.annals.projections.cli;

import io.annals.hub.client.HubException;
import io.annals.projections.metrics.MetricsServer;
import io.annals.projections.metrics.ProjectionMetrics;
import io.annals.projections.runtime.CatchUpResult;
import io.annals.projections.runtime.Daemon;
import io.annals.projections.runtime.FeedSource;
import io.annals.projections.runtime.Projection;
import io.annals.projections.runtime.ProjectionRuntime;
import io.annals.projections.runtime.ProjectionStatus;
import io.annals.projections.runtime.ReadModelStoreException;
import io.annals.projections.runtime.RuntimeConfig;
import io.annals.projections.sql.Database;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * The worker's commands. Exit codes: 0 done, 1 something needs attention (a projection stopped,
 * the hub or database failed), 2 the command line was wrong (one line on stderr says how). Stdout
 * carries only what a command was asked for (a report, a status, a CSV, the usage for
 * {@code --help}); the daemon's logs go to stderr with timestamps (slf4j-simple).
 */
public final class Cli {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Cli.class);

  private final List<Projection> projections;
  private final Function<Options, FeedSource> feeds;
  private final Map<String, String> env;

  /** A CLI over {@code projections}, reading the feed that {@code feeds} opens for the options. */
  public Cli(List<Projection> projections, Function<Options, FeedSource> feeds) {
    this(projections, feeds, Map.of());
  }

  /** As above; {@code env} supplies {@code PROJECTIONS_API_KEY} when {@code --api-key} is absent. */
  public Cli(List<Projection> projections, Function<Options, FeedSource> feeds, Map<String, String> env) {
    this.projections = List.copyOf(projections);
    this.feeds = feeds;
    this.env = Map.copyOf(env);
  }

  public int run(String[] args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = OptionsParser.parse(env, args);
      checkNames(options);
    } catch (UsageException e) {
      err.println("projections: " + e.getMessage());
      return 2;
    }
    if (options.command() == Options.Command.HELP) {
      out.println(OptionsParser.USAGE);
      return 0;
    }
    try {
      return execute(options, out);
    } catch (HubException | ReadModelStoreException e) {
      err.println("projections: " + e.getMessage());
      return 1;
    } catch (SQLException e) {
      err.println("projections: database " + options.db() + " failed: " + e.getMessage());
      return 1;
    }
  }

  private int execute(Options options, PrintStream out) throws SQLException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ProjectionRuntime runtime = ProjectionRuntime.builder(Database.open(options.db()), feeds.apply(options))
        .projections(projections)
        .config(config(options))
        .metrics(new ProjectionMetrics(registry))
        .build();
    switch (options.command()) {
      case RUN:
        return daemon(runtime, registry, options, out);
      case RUN_ONCE:
        try (runtime) {
          return report(runtime.catchUpAll(), out);
        }
      case REBUILD:
        try (runtime) {
          return report(List.of(runtime.rebuild(options.name(), false)), out);
        }
      case RESUME:
        boolean resumed = runtime.resume(options.name());
        out.println(options.name() + (resumed ? ": resumed; the next run tries the failing event again"
            : ": was not stopped"));
        return 0;
      case STATUS:
        int exit = 0;
        for (ProjectionStatus status : runtime.status()) {
          StatusPrinter.print(status, out);
          if ("stopped".equals(status.state()) || status.lag() == null) {
            exit = 1;
          }
        }
        return exit;
      case EXPORT:
        Projection projection = runtime.projection(options.name()).orElseThrow();
        if (!runtime.installed(options.name())) {
          throw new ReadModelStoreException(options.name() + " has no read model yet in " + runtime.database()
              + ": run `run-once` (or `run`) first", null);
        }
        CsvExporter.export(runtime.database(), projection.export().orElseThrow(), out);
        return 0;
      default:
        throw new IllegalStateException("unhandled command " + options.command());
    }
  }

  private int daemon(ProjectionRuntime runtime, PrometheusMeterRegistry registry, Options options, PrintStream out) {
    MetricsServer server = options.metricsPort() == 0 ? null : MetricsServer.start(registry, options.metricsPort());
    Daemon daemon = new Daemon(runtime, Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      daemon.stop();
      if (server != null) {
        server.close();
      }
      stopped.countDown();
    }, "projections-shutdown"));
    daemon.start();
    // A log line (stderr, with a timestamp), not output: nobody asked the daemon for a result.
    LOG.info("worker {} running {}{}", runtime.config().owner(), projections.stream().map(Projection::name).toList(),
        server == null ? "" : ", metrics on :" + server.port() + "/metrics");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private static int report(List<CatchUpResult> results, PrintStream out) {
    int exit = 0;
    for (CatchUpResult result : results) {
      out.println(result.projection() + ": " + result.outcome().name().toLowerCase().replace('_', ' ')
          + ", " + result.applied() + " events applied" + (result.parked() > 0 ? ", " + result.parked() + " parked" : "")
          + " in " + result.elapsed().toMillis() + " ms (" + result.detail() + ")");
      if (result.needsAttention() || result.outcome() == CatchUpResult.Outcome.LEASE_LOST) {
        exit = 1;
      }
    }
    return exit;
  }

  private RuntimeConfig config(Options options) {
    RuntimeConfig config = RuntimeConfig.defaults()
        .withInterval(options.interval())
        .withLeaseTimeout(options.leaseTimeout())
        .withBatchSize(options.batchSize());
    if (options.workerId() != null) {
      config = config.withOwner(options.workerId());
    }
    for (Map.Entry<String, io.annals.projections.runtime.FailurePolicy> policy : options.failurePolicies().entrySet()) {
      config = config.withFailurePolicy(policy.getKey(), policy.getValue());
    }
    return config;
  }

  private void checkNames(Options options) {
    List<String> known = projections.stream().map(Projection::name).toList();
    for (String name : options.failurePolicies().keySet()) {
      if (!known.contains(name)) {
        throw new UsageException("--on-failure names unknown projection " + name + " (known: " + String.join(", ", known) + ")");
      }
    }
    if (options.name() == null) {
      return;
    }
    Projection projection = projections.stream().filter(p -> p.name().equals(options.name())).findFirst()
        .orElseThrow(() -> new UsageException(
            "unknown projection " + options.name() + " (known: " + String.join(", ", known) + ")"));
    if (options.command() == Options.Command.EXPORT && projection.export().isEmpty()) {
      throw new UsageException(options.name() + " has no CSV export");
    }
  }
}
