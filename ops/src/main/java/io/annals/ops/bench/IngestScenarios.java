package io.annals.ops.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scenarios (1) to (3): ingestion in batches, from many single-event clients, and the latency of
 * single events at half the rate those clients reached.
 */
final class IngestScenarios {

  /** Hub and raw work alternate in chunks of this many events, so that drifting load hits both alike. */
  private static final int CHUNK = 100_000;
  static final int BATCH_CONNECTIONS = 2;

  private IngestScenarios() {}

  /**
   * (1) {@code events} posted in batches of the batch size from {@link #BATCH_CONNECTIONS} clients
   * (producers send concurrently; two keep the hub's parse and commit overlapping), beside the same
   * events inserted raw in transactions of the batch size, alternating in chunks.
   */
  static ScenarioResult batch(Run run, MeasuredHub hub, int events) throws InterruptedException {
    EventGenerator generator = EventGenerator.fresh(run.seed(), 1_000);
    try (RawStore raw = run.target().openRaw("raw-ingest-batch")) {
      List<BenchEvent> warm = generator.next(Math.min(20_000, Math.max(run.sizes().batchSize(), events / 10)));
      Load.postBatches(hub.url(), run.bodies(warm), BATCH_CONNECTIONS);
      raw.insert(warm, run.sizes().batchSize());
      Duration hubTime = Duration.ZERO;
      Duration rawTime = Duration.ZERO;
      CpuTally cpu = new CpuTally();
      for (int done = 0; done < events; ) {
        List<BenchEvent> chunk = generator.next(Math.min(CHUNK, events - done));
        List<byte[]> bodies = run.bodies(chunk);
        cpu.startHub(hub);
        hubTime = hubTime.plus(Load.postBatches(hub.url(), bodies, BATCH_CONNECTIONS));
        cpu.stopHub(hub);
        cpu.startRaw();
        rawTime = rawTime.plus(raw.insert(chunk, run.sizes().batchSize()));
        cpu.stopRaw();
        done += chunk.size();
        run.progress("ingest-batch: %,d of %,d events (hub %,.0f/s, raw %,.0f/s)", done, events,
            Run.rate(done, hubTime), Run.rate(done, rawTime));
      }
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("events", events);
      details.put("batch_size", run.sizes().batchSize());
      details.put("client_connections", BATCH_CONNECTIONS);
      details.put("hub_seconds", hubTime.toMillis() / 1000.0);
      details.put("raw_seconds", rawTime.toMillis() / 1000.0);
      cpu.addTo(details, events, events);
      return ScenarioResult.ratio("ingest-batch", Run.rate(events, hubTime), Run.rate(events, rawTime), "events/s",
          0.7, details);
    }
  }

  /** The closed loop's figures, from wrk or from Java threads, with the hub's commit counters around it. */
  private record Singles(long created, long overloaded, Duration window, double p50Millis, double p99Millis, long all,
      long[] commitsAfter, long[] commitsBefore) {
    double perSecond() {
      return Run.rate(created, window);
    }
  }

  /**
   * (2) {@code clients} connections each posting single events in a closed loop (driven by
   * {@link Wrk} when it is installed, else by as many Java threads), beside raw inserts of
   * as many events in transactions of {@code clients} events: the most a perfect group commit of
   * that many clients, each with one event in flight, can share per fsync. The ratio to batches of
   * the batch size is in the details.
   */
  static ScenarioResult concurrent(Run run, MeasuredHub hub) throws InterruptedException {
    Sizes sizes = run.sizes();
    CpuTally cpu = new CpuTally();
    Optional<Wrk> wrk = Wrk.find(run.workDir());
    Map<String, Object> details = new LinkedHashMap<>();
    Singles singles;
    SingleEvents.Window measured = null;
    if (wrk.isPresent()) {
      details.put("load_generator", "wrk (2 threads, " + sizes.clients() + " connections)");
      // Warmed until the JIT compilers are done, not for a fixed time: see JitWarmUp.
      JitWarmUp warm = SingleEvents.warmUp(run, wrk.get(), hub, sizes.clients(), sizes.concurrentTime(),
          run.seed() + 2, Wrk.Form.NATIVE);
      warm.addTo(details, "");
      long[] commitsBefore = hub.commits();
      SingleEvents.Window window = SingleEvents.measure(wrk.get(), hub, sizes.clients(), sizes.concurrentTime(),
          run.seed() + 4, Wrk.Form.NATIVE);
      singles = new Singles(window.requests(), window.refused(), window.elapsed(), window.p50Millis(),
          window.p99Millis(), window.requests(), hub.commits(), commitsBefore);
      measured = window;
    } else {
      run.progress("ingest-concurrent-single: no wrk on the PATH (apt-get install wrk); Java client threads load"
          + " the hub instead and take part of its CPU");
      details.put("load_generator", "Java threads in the bench (no wrk on the PATH)");
      long[] commitsBefore = hub.commits();
      cpu.startHub(hub);
      Load.Singles java = Load.closedLoop(hub.url(), sizes.clients(), sizes.concurrentTime(),
          sizes.concurrentTime(), run.seed() + 2);
      cpu.stopHub(hub);
      singles = new Singles(java.created(), java.overloaded(), java.window(), java.latency().percentileMillis(0.5),
          java.latency().percentileMillis(0.99), java.all(), hub.commits(), commitsBefore);
    }
    run.progress("ingest-concurrent-single: hub %,.0f events/s from %d clients", singles.perSecond(), sizes.clients());
    int rawEvents = (int) Math.min(200_000, Math.max(sizes.clients() * 20L, singles.created()));
    EventGenerator generator = EventGenerator.fresh(run.seed(), 2_000);
    double rawGroup;
    double rawBatch;
    long transactions = singles.commitsAfter()[1] - singles.commitsBefore()[1];
    double hubGroup = transactions > 0 ? (singles.commitsAfter()[0] - singles.commitsBefore()[0]) / (double) transactions : 0;
    double rawAtHubGroup = 0;
    try (RawStore raw = run.target().openRaw("raw-ingest-single")) {
      raw.insert(generator.next(sizes.clients() * 10), sizes.clients());
      // The baseline in two halves, each followed by as many events at the hub's own group size
      // (when known), so that neither runs on a file grown by the other's events alone.
      int groupSize = (int) Math.round(hubGroup);
      int half = rawEvents / 2;
      rawEvents = 2 * half;
      Duration baseline = Duration.ZERO;
      Duration atGroup = Duration.ZERO;
      for (int turn = 0; turn < 2; turn++) {
        List<BenchEvent> events = generator.next(half);
        cpu.startRaw();
        baseline = baseline.plus(raw.insert(events, sizes.clients()));
        cpu.stopRaw();
        if (groupSize >= 1) {
          atGroup = atGroup.plus(raw.insert(generator.next(half), groupSize));
        }
      }
      rawGroup = Run.rate(rawEvents, baseline);
      rawAtHubGroup = groupSize >= 1 ? Run.rate(rawEvents, atGroup) : 0;
      rawBatch = Run.rate(rawEvents, raw.insert(generator.next(rawEvents), sizes.batchSize()));
    }
    details.put("clients", sizes.clients());
    details.put("seconds", singles.window().toMillis() / 1000.0);
    details.put("events_created", singles.created());
    details.put("answers_429_503", singles.overloaded());
    details.put("latency_p50_ms", singles.p50Millis());
    details.put("latency_p99_ms", singles.p99Millis());
    if (transactions > 0) {
      // Group commit at work: how many single-event requests shared each transaction (fsync).
      details.put("hub_events_per_transaction", hubGroup);
      // The store alone at the group size these clients let the hub form: clients with one event
      // in flight each split into about two groups (one committing while the other's answers and
      // next requests travel), so a hub that did nothing but commit would reach this, not the
      // baseline's transactions of all clients' events (docs/decisions.md, issue 29 session 14).
      details.put("raw_at_hub_group_size_events_per_s", rawAtHubGroup);
      details.put("ratio_raw_at_hub_group_size_to_baseline", rawAtHubGroup / rawGroup);
    }
    details.put("baseline_transaction_events", sizes.clients());
    details.put("raw_batch_" + sizes.batchSize() + "_events_per_s", rawBatch);
    details.put("ratio_to_raw_batch_" + sizes.batchSize(), singles.perSecond() / rawBatch);
    cpu.addTo(details, singles.all(), rawEvents);
    if (measured != null) {
      measured.addTo(details, "");
      // Last, so that the hub's and the raw figures above are measured as before.
      HttpFloor.measure(run, wrk.get(), sizes.clients(), sizes.concurrentTime(), run.seed() + 6)
          .addTo(details, (measured.hubCpuNanos() - measured.compilerNanos()) / 1000.0 / measured.requests(),
              cpu.rawMicrosPerEvent(rawEvents));
    }
    return ScenarioResult.ratio("ingest-concurrent-single", singles.perSecond(), rawGroup, "events/s", 0.8, details);
  }

  /**
   * (3) Single events on an open-loop schedule at {@code rate} (half the closed-loop maximum),
   * latency from each event's due time; the baseline is the latency of one raw single-event
   * durable transaction on the store, the floor under any single-event answer.
   */
  static ScenarioResult latency(Run run, MeasuredHub hub, double maxRate) throws InterruptedException {
    Sizes sizes = run.sizes();
    double rate = Math.max(1, maxRate / 2);
    Load.Singles singles = OpenLoop.run(hub.url(), rate, sizes.clients(), sizes.latencyTime().dividedBy(5),
        sizes.latencyTime(), run.seed() + 3);
    Samples rawCommits;
    try (RawStore raw = run.target().openRaw("raw-latency")) {
      EventGenerator generator = EventGenerator.fresh(run.seed(), 3_000);
      raw.insertEach(generator.next(Math.max(10, sizes.rawCommits() / 10)));
      rawCommits = raw.insertEach(generator.next(sizes.rawCommits()));
    }
    Samples latency = singles.latency();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("load_generator", "one thread, non-blocking, " + sizes.clients() + " connections (OpenLoop)");
    details.put("rate_events_per_s", rate);
    details.put("achieved_events_per_s", singles.perSecond());
    details.put("max_rate_events_per_s", maxRate);
    details.put("samples", latency.count());
    details.put("answers_429_503", singles.overloaded());
    details.put("p50_ms", latency.percentileMillis(0.5));
    details.put("p99_ms", latency.percentileMillis(0.99));
    details.put("p99_9_ms", latency.percentileMillis(0.999));
    details.put("max_ms", latency.percentileMillis(1));
    details.put("raw_commit_p50_ms", rawCommits.percentileMillis(0.5));
    details.put("raw_commit_p99_9_ms", rawCommits.percentileMillis(0.999));
    double p99 = latency.percentileMillis(0.99);
    double rawP99 = rawCommits.percentileMillis(0.99);
    return new ScenarioResult("latency-p99-half-load", p99, "ms", rawP99, rawP99 > 0 ? p99 / rawP99 : null, 10.0,
        ScenarioResult.Goal.FIGURE_AT_MOST, details, null);
  }
}
