package io.annals.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scenario (9), the ledger (docs/ledger.md), in three results: {@code ledger-ingest}, batches
 * posted to a hub with the ledger on beside the same to one with it off ({@code --ledger off});
 * {@code ledger-lag}, the p99 of {@code annals_ledger_lag_seconds} sampled while the hub with the
 * ledger ingests at full speed; {@code ledger-proof}, the p99 of {@code GET
 * /ledger/proof/inclusion} on a tree of {@link Sizes#ledgerLeaves} leaves (history loaded into the
 * store, then appended by the hub before the proofs are timed).
 */
final class LedgerScenarios {

  static final String INGEST = "ledger-ingest";
  static final String LAG = "ledger-lag";
  static final String PROOF = "ledger-proof";
  static final List<String> RESULTS = List.of(INGEST, LAG, PROOF);

  private static final int ROUNDS = 4;
  private static final long LAG_POLL_MILLIS = 100;
  private static final String LAG_METRIC = "annals_ledger_lag_seconds ";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Run run;
  private final Samples lagMicros = new Samples();
  private final Map<String, Object> lagDetails = new LinkedHashMap<>();

  LedgerScenarios(Run run) {
    this.run = run;
  }

  /**
   * The same events to both hubs, in turns so that drifting load hits both alike; while the hub
   * with the ledger is loaded, its lag is sampled (kept for {@link #lag}).
   */
  ScenarioResult ingest() throws IOException, InterruptedException {
    Sizes sizes = run.sizes();
    EventGenerator generator = EventGenerator.fresh(run.seed(), 9_000);
    Map<String, Object> details = new LinkedHashMap<>();
    try (MeasuredHub on = run.startHub("ledger-on", List.of("--ledger", "on")); MeasuredHub off = run.startHub("ledger-off",
        List.of("--ledger", "off"))) {
      // Each hub warmed until its JIT compilers are done (JitWarmUp): 6,000 events, all a quick run
      // gave each before, left the hub with the ledger compiling its appender while it was timed,
      // and quick runs at 0.51-0.81 where full runs gave 0.92 (issue 21).
      int slice = Math.min(10_000, Math.max(sizes.batchSize(), sizes.ingestEvents() / 10));
      int[] warm = new int[2];
      List<MeasuredHub> both = List.of(off, on);
      for (int h = 0; h < 2; h++) {
        MeasuredHub hub = both.get(h);
        int index = h;
        JitWarmUp.until(run, hub, h == 0 ? "ledger off" : "ledger on", Duration.ZERO, i -> {
          warm[index] += slice;
          return Load.postBatches(hub.url(), run.bodies(generator.next(slice)), IngestScenarios.BATCH_CONNECTIONS);
        }).addTo(details, h == 0 ? "ledger_off_" : "ledger_on_");
      }
      // The tree catches up with the warm-up before the clock starts: a backlog of leaves appended
      // during the first timed turn was charged to it (150,000 warm-up events beside 60,000 timed
      // in a quick run).
      awaitTree(on, warm[1], Duration.ofSeconds(120));
      int perRound = Math.max(sizes.batchSize(), sizes.ingestEvents() / ROUNDS);
      Turns.Poster batches = Turns.batches();
      Turns.Result turns = Turns.take(run, List.of(off, on), generator, perRound, ROUNDS, (hub, bodies) -> {
        if (hub != on) {
          return batches.post(hub, bodies);
        }
        AtomicBoolean loading = new AtomicBoolean(true);
        Thread sampler = sampleLag(on, loading);
        try {
          return batches.post(hub, bodies);
        } finally {
          loading.set(false);
          sampler.join();
        }
      });
      Duration offTime = turns.times().get(0);
      Duration onTime = turns.times().get(1);
      CpuTally offCpu = turns.cpu().get(0);
      CpuTally onCpu = turns.cpu().get(1);
      long events = (long) perRound * ROUNDS;
      details.put("events_posted_each", events);
      details.put("warm_up_events_ledger_off", warm[0]);
      details.put("warm_up_events_ledger_on", warm[1]);
      details.put("batch_size", sizes.batchSize());
      details.put("client_connections", IngestScenarios.BATCH_CONNECTIONS);
      details.put("hub_cpu_us_per_event_ledger_on", onCpu.hubMicrosPerEvent(events));
      details.put("hub_cpu_us_per_event_ledger_off", offCpu.hubMicrosPerEvent(events));
      details.put("hub_cpu_us_per_event_ledger_on_without_jit", onCpu.hubMicrosPerEventWithoutJit(events));
      details.put("hub_cpu_us_per_event_ledger_off_without_jit", offCpu.hubMicrosPerEventWithoutJit(events));
      // What the tree holds once the load stops: every event posted, within the appender's interval.
      long expected = events + warm[1];
      long size = awaitTree(on, expected, Duration.ofSeconds(60));
      lagDetails.put("tree_size_after_load", size);
      lagDetails.put("events_posted", expected);
      return ScenarioResult.ratio(INGEST, Run.rate(events, onTime), Run.rate(events, offTime), "events/s", 0.9, details)
          .withDetail("baseline_is", "the same batches posted to a hub with --ledger off, in turns");
    }
  }

  /** The lag sampled during {@link #ingest}: p99 against the 1 s. */
  ScenarioResult lag() {
    if (lagMicros.count() == 0) {
      return ScenarioResult.failed(LAG, "no lag samples: " + INGEST + " did not run or the hub reported no "
          + LAG_METRIC.trim());
    }
    Map<String, Object> details = new LinkedHashMap<>(lagDetails);
    details.put("samples", lagMicros.count());
    details.put("poll_interval_ms", LAG_POLL_MILLIS);
    details.put("p50_s", lagMicros.percentile(0.5) / 1e6);
    details.put("max_s", lagMicros.percentile(1) / 1e6);
    details.put("measured_as", LAG_METRIC.trim() + " (stable point - the time below which every event has its"
        + " leaf), polled while batches were posted at full speed");
    double p99 = lagMicros.percentile(0.99) / 1e6;
    return new ScenarioResult(LAG, p99, "s", null, null, 1.0, ScenarioResult.Goal.FIGURE_AT_MOST, details, null);
  }

  /**
   * History of {@link Sizes#ledgerLeaves} events loaded straight into a fresh store, a hub with
   * the ledger started on it and waited for until its tree holds them all, then inclusion proofs
   * of random events at that tree size timed one after another. No baseline: reported.
   */
  ScenarioResult proofs() throws IOException, InterruptedException {
    long leaves = run.sizes().ledgerLeaves();
    long seed = run.seed() + 9;
    long idMillis = System.currentTimeMillis() - 400L * 86_400_000L;
    long loadStart = System.nanoTime();
    try (RawStore history = run.target().openRaw("ledger-proof")) {
      history.loadHistory(new EventGenerator(seed, idMillis), leaves);
    }
    Duration load = Duration.ofNanos(System.nanoTime() - loadStart);
    run.progress("%s: loaded %,d events of history in %.1f s", PROOF, leaves, load.toMillis() / 1000.0);
    int proofs = (int) Math.min(leaves, run.options().quick() ? 2_000 : 10_000);
    List<String> ids = sampleIds(new EventGenerator(seed, idMillis), leaves, proofs, new Random(seed));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("leaves", leaves);
    details.put("history_load_seconds", load.toMillis() / 1000.0);
    try (MeasuredHub hub = run.startHub("ledger-proof", List.of("--ledger", "on"))) {
      long appendStart = System.nanoTime();
      // The appender takes a few thousand leaves a second here; a generous bound, then a clear failure.
      long size = awaitTree(hub, leaves, Duration.ofSeconds(Math.max(120, leaves / 1_000)));
      Duration append = Duration.ofNanos(System.nanoTime() - appendStart);
      details.put("append_seconds", append.toMillis() / 1000.0);
      details.put("append_leaves_per_s", Run.rate(size, append));
      Samples latency = new Samples();
      try (HttpConnection http = new HttpConnection(hub.url(), null)) {
        for (int i = 0; i < Math.min(200, ids.size()); i++) {
          proof(http, ids.get(i), size); // warm-up
        }
        for (String id : ids) {
          long start = System.nanoTime();
          JsonNode proof = proof(http, id, size);
          latency.record((System.nanoTime() - start) / 1_000);
          if (proof.path("audit_path").size() == 0 && size > 1) {
            throw new IllegalStateException("an inclusion proof without an audit path at " + size + " leaves: " + proof);
          }
        }
      }
      details.put("tree_size", size);
      details.put("proofs", latency.count());
      details.put("p50_ms", latency.percentileMillis(0.5));
      details.put("p99_9_ms", latency.percentileMillis(0.999));
      details.put("max_ms", latency.percentileMillis(1));
      details.put("full_mode_leaves", Sizes.full().ledgerLeaves());
      return new ScenarioResult(PROOF, latency.percentileMillis(0.99), "ms", null, null, null, ScenarioResult.Goal.NONE,
          details, null);
    }
  }

  /** Polls the hub's lag gauge until {@code loading} is cleared. */
  private Thread sampleLag(MeasuredHub hub, AtomicBoolean loading) {
    Thread sampler = new Thread(() -> {
      try (HttpConnection http = new HttpConnection(hub.url(), null)) {
        while (loading.get()) {
          for (String line : http.get("/metrics").text().split("\n")) {
            if (line.startsWith(LAG_METRIC)) {
              double seconds = Double.parseDouble(line.substring(LAG_METRIC.length()).trim());
              if (!Double.isNaN(seconds)) {
                lagMicros.record((long) (seconds * 1e6));
              }
            }
          }
          Thread.sleep(LAG_POLL_MILLIS);
        }
      } catch (IOException | RuntimeException e) {
        run.progress("%s: lag sampling stopped: %s", LAG, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "bench-ledger-lag");
    sampler.start();
    return sampler;
  }

  /** Waits until the hub's tree holds {@code leaves} leaves; answers its size then. */
  private long awaitTree(MeasuredHub hub, long leaves, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastReport = System.nanoTime();
    try (HttpConnection http = new HttpConnection(hub.url(), null)) {
      while (true) {
        HttpConnection.Answer answer = http.get("/ledger/digest");
        if (answer.status() != 200) {
          throw new IOException("GET /ledger/digest answered " + answer.status() + ": " + answer.text());
        }
        long size = JSON.readTree(answer.body()).path("tree_size").asLong();
        if (size >= leaves) {
          return size;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the ledger holds " + size + " of " + leaves + " leaves after " + timeout);
        }
        if (System.nanoTime() - lastReport > 10_000_000_000L) {
          run.progress("ledger: the tree holds %,d of %,d leaves", size, leaves);
          lastReport = System.nanoTime();
        }
        Thread.sleep(200);
      }
    }
  }

  private static JsonNode proof(HttpConnection http, String id, long treeSize) throws IOException {
    HttpConnection.Answer answer = http.get("/ledger/proof/inclusion?id=" + id + "&tree_size=" + treeSize);
    if (answer.status() != 200) {
      throw new IOException("GET /ledger/proof/inclusion of " + id + " answered " + answer.status() + ": " + answer.text());
    }
    return JSON.readTree(answer.body());
  }

  /** {@code count} ids of the {@code total} events {@code generator} makes (replayed, not stored), at random. */
  private static List<String> sampleIds(EventGenerator generator, long total, int count, Random random) {
    double keep = count / (double) total;
    List<String> ids = new ArrayList<>(count);
    for (long i = 0; i < total; i++) {
      String id = generator.next().id();
      if (ids.size() < count && (random.nextDouble() < keep || total - i <= count - ids.size())) {
        ids.add(id);
      }
    }
    java.util.Collections.shuffle(ids, random);
    return ids;
  }
}
