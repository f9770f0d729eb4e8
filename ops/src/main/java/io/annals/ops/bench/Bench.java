package io.annals.ops.bench;

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

  static final List<String> SCENARIOS = List.of(INGEST_BATCH, CONCURRENT, CLOUDEVENTS, LATENCY, FEED, PROJECTION, SDK, AT_SCALE,
      PEAK_RSS, LEDGER);

  private static final String HUB = "hub";

  private final Run run;
  private final Map<String, ScenarioResult> results = new TreeMap<>();

  Bench(Run run) {
    this.run = run;
  }

  /** The results in the order of {@link #SCENARIOS}. */
  List<ScenarioResult> run() throws Exception {
    BenchOptions options = run.options();
    if (SCENARIOS.stream().filter(s -> !s.equals(AT_SCALE) && !s.equals(LEDGER)).anyMatch(options::runs)) {
      sharedHub();
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
      if (options.runs(CONCURRENT) || options.runs(LATENCY)) {
        measure(CONCURRENT, () -> IngestScenarios.concurrent(run, hub));
        served.add(CONCURRENT);
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

  private interface Measurement {
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
