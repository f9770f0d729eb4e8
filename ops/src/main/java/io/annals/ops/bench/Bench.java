package io.annals.ops.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs the scenarios of one {@code bench} invocation in order. Scenarios (1) to (6) share one hub
 * on one fresh store, so that the feed and the projection read what ingestion wrote and the peak
 * memory (8) covers (1) to (4); (7) starts its own two hubs. A scenario that fails is reported as
 * failed and the run goes on.
 */
final class Bench {

  static final String INGEST_BATCH = "ingest-batch";
  static final String CONCURRENT = "ingest-concurrent-single";
  static final String CLOUDEVENTS = "ingest-single-cloudevents";
  static final String LATENCY = "latency-p99-half-load";
  static final String FEED = "feed-paging";
  static final String PROJECTION = "projection-catch-up";
  static final String SDK = "sdk-delivery";
  static final String AT_SCALE = "ingest-at-scale";
  static final String PEAK_RSS = "hub-peak-rss";
  /** Selects {@link LedgerScenarios#RESULTS}, which are reported in its place. */
  static final String LEDGER = "ledger";
  static final String VALIDATED = SchemaScenarios.NAME;

  static final String FRESHNESS = LiveScenarios.FRESHNESS;
  static final String FEED_IDLE = LiveScenarios.IDLE;

  static final List<String> SCENARIOS = List.of(INGEST_BATCH, VALIDATED, CONCURRENT, CLOUDEVENTS, LATENCY, FEED, PROJECTION, SDK, AT_SCALE,
      PEAK_RSS, LEDGER, FRESHNESS, FEED_IDLE, HistoryScenarios.EXPORT, HistoryScenarios.IMPORT, HistoryScenarios.MIGRATE);

  private static final String HUB = "hub";

  private final Run run;
  private final Map<String, ScenarioResult> results = new TreeMap<>();
  private double maxIngestRate; // events/s of ingest-concurrent-single in this run, 0 until measured

  Bench(Run run) {
    this.run = run;
  }

  /** The results in the order of {@link #SCENARIOS}. */
  List<ScenarioResult> run() throws Exception {
    BenchOptions options = run.options();
    if (SCENARIOS.stream().filter(s -> !s.equals(AT_SCALE) && !s.equals(LEDGER) && !s.equals(VALIDATED) && !s.equals(FEED_IDLE)
        && !HistoryScenarios.RESULTS.contains(s))
        .anyMatch(options::runs)) {
      sharedHub();
    }
    if (options.runs(VALIDATED)) {
      // Two hubs of its own, started after the shared hub has stopped: same-run, not competing with it.
      measure(VALIDATED, () -> SchemaScenarios.validated(run, run.sizes().ingestEvents()));
    }
    if (options.runs(AT_SCALE)) {
      measure(AT_SCALE, () -> OtherScenarios.atScale(run));
    }
    // "ledger" runs all three; each may be named alone too (the lag is sampled during the ingest).
    boolean lag = options.runs(LEDGER) || options.only().contains(LedgerScenarios.LAG);
    LedgerScenarios ledger = new LedgerScenarios(run);
    if (lag || options.only().contains(LedgerScenarios.INGEST)) {
      measure(LedgerScenarios.INGEST, ledger::ingest);
    }
    if (lag) {
      measure(LedgerScenarios.LAG, ledger::lag);
    }
    if (options.runs(LEDGER) || options.only().contains(LedgerScenarios.PROOF)) {
      measure(LedgerScenarios.PROOF, ledger::proofs);
    }
    if (options.runs(FRESHNESS)) {
      if (maxIngestRate > 0) {
        measure(FRESHNESS, () -> LiveScenarios.freshness(run, maxIngestRate));
      } else {
        results.put(FRESHNESS, ScenarioResult.failed(FRESHNESS, "no maximum rate: " + CONCURRENT + " failed"));
      }
    }
    if (options.runs(FEED_IDLE)) {
      // 1,000 long polls and 200 streams for a minute in the quick and full runs; fewer and shorter when scaled.
      int longPolls = (int) Math.min(1000, Math.max(10, sizes().ingestEvents() / 60));
      Duration window = sizes().visibilityTime().multipliedBy(20);
      measure(FEED_IDLE, () -> LiveScenarios.idle(run, longPolls, longPolls / 5,
          window.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : window));
    }
    if (HistoryScenarios.RESULTS.stream().anyMatch(options::runs)) {
      new HistoryScenarios(run).measure(this::measure);
      if (!options.runs(HistoryScenarios.EXPORT)) {
        results.remove(HistoryScenarios.EXPORT); // measured only because import needs an export
      }
    }
    List<ScenarioResult> ordered = new ArrayList<>();
    for (String scenario : SCENARIOS) {
      for (String name : scenario.equals(LEDGER) ? LedgerScenarios.RESULTS : List.of(scenario)) {
        if (results.containsKey(name)) {
          ordered.add(results.get(name));
        }
      }
    }
    return ordered;
  }

  private void sharedHub() throws Exception {
    BenchOptions options = run.options();
    Sizes sizes = run.sizes();
    try (MeasuredHub hub = run.startHub(HUB)) {
      Thread.sleep(1000);
      long idleRss = hub.rssBytes().orElse(0);
      List<String> served = new ArrayList<>();
      if (options.runs(INGEST_BATCH)) {
        measure(INGEST_BATCH, () -> IngestScenarios.batch(run, hub, sizes.ingestEvents()));
        served.add(INGEST_BATCH);
      }
      if (options.runs(CONCURRENT) || options.runs(LATENCY) || options.runs(FRESHNESS)) {
        measure(CONCURRENT, () -> IngestScenarios.concurrent(run, hub));
        served.add(CONCURRENT);
        ScenarioResult concurrent = results.get(CONCURRENT);
        maxIngestRate = concurrent == null || concurrent.failed() ? 0 : concurrent.figure();
      }
      if (options.runs(LATENCY)) {
        ScenarioResult concurrent = results.get(CONCURRENT);
        double maxRate = concurrent == null || concurrent.failed() ? 0 : concurrent.figure();
        if (maxRate > 0) {
          measure(LATENCY, () -> IngestScenarios.latency(run, hub, maxRate));
        } else {
          results.put(LATENCY, ScenarioResult.failed(LATENCY, "no maximum rate: " + CONCURRENT + " failed"));
        }
        served.add(LATENCY);
      }
      if (options.runs(CLOUDEVENTS)) {
        measure(CLOUDEVENTS, () -> SingleEvents.cloudEvents(run, hub));
        served.add(CLOUDEVENTS);
      }
      if (!options.runs(CONCURRENT)) {
        results.remove(CONCURRENT); // measured only to set the latency scenario's rate
      }
      if (run.options().mongodbUri() == null) {
        if (options.runs(FEED)) {
          measure(FEED, () -> ReadScenarios.feedPaging(run));
        }
        if (options.runs(PEAK_RSS)) {
          // FeedPagingBenchmark pages a hub of its own; this one must serve its feed too for (8).
          ReadScenarios.Paging paging = ReadScenarios.page(hub, Set.of());
          served.add("feed paging of its " + paging.events() + " events");
        }
      } else if (options.runs(FEED) || options.runs(PEAK_RSS)) {
        long stored;
        try (RawStore store = run.target().openRaw(HUB)) {
          stored = store.count();
        }
        ReadScenarios.topUp(run, hub, stored, sizes.feedStored());
        measure(FEED, () -> ReadScenarios.feed(run, hub, HUB));
        served.add(FEED);
        if (!options.runs(FEED)) {
          results.remove(FEED);
        }
      }
      if (options.runs(PEAK_RSS)) {
        results.put(PEAK_RSS, OtherScenarios.peakRss(hub, idleRss, served));
      }
      if (options.runs(PROJECTION)) {
        measure(PROJECTION, () -> ReadScenarios.projection(run, hub));
      }
      if (options.runs(SDK)) {
        measure(SDK, () -> OtherScenarios.sdk(run, hub));
      }
    }
  }

  private Sizes sizes() {
    return run.sizes();
  }

  interface Measurement {
    ScenarioResult run() throws Exception;
  }

  private void measure(String name, Measurement measurement) {
    run.progress("%s: starting", name);
    ScenarioResult result;
    Cpu.Watch watch = Cpu.watch();
    try {
      result = measurement.run();
      Double stall = watch.stallPercent();
      if (stall != null) {
        result = result.withDetail("cpu_stall_pct", stall);
      }
    } catch (Exception | AssertionError e) {
      result = ScenarioResult.failed(name, e.getClass().getSimpleName() + ": " + e.getMessage());
      e.printStackTrace(run.out());
    }
    results.put(name, result);
    run.progress("%s: %s", name, result.failed() ? result.note()
        : String.format("%.1f %s beside %s (ratio %s)", result.figure(), result.unit(), result.baseline(), result.ratio()));
  }
}
