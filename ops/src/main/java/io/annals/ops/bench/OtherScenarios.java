package io.annals.ops.bench;

import io.annals.ops.send.DeliveryBenchmark;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;

/** Scenarios (6) to (8): SDK delivery, ingestion with a large history, and the hub's peak memory. */
final class OtherScenarios {

  private static final double MIB = 1024.0 * 1024.0;
  private static final int ROUNDS = 4;

  private OtherScenarios() {}

  /** Events per SDK delivery request and per raw POST: the SDK's default batch. */
  static final int SDK_BATCH = 500;

  /**
   * (6) End-to-end delivery through the SDK (publish into a durable spool until the hub has
   * acknowledged every event) beside raw batched {@code POST /events} of as many events, by
   * {@link DeliveryBenchmark}. The producer publishes a batch's worth at a time
   * ({@code publishAll}: one spool sync per batch), the fair counterpart of a raw batched POST.
   * The full run also measures {@code publish} one event at a time (one sync each), for the details.
   */
  static ScenarioResult sdk(Run run, MeasuredHub hub) throws IOException, InterruptedException {
    String url = hub.url().toString();
    DeliveryBenchmark.Figures f = DeliveryBenchmark.run(new DeliveryBenchmark.Plan(url, null,
        run.workDir().resolve("sdk"), run.sizes().sdkEvents(), SDK_BATCH, 1, SDK_BATCH));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("events", f.events());
    details.put("batch_size", f.batchSize());
    details.put("publisher_threads", f.publishers());
    details.put("events_per_publish_call", f.publishBatch());
    details.put("publish_events_per_s", f.publishEventsPerSecond());
    details.put("sdk_seconds", f.sdkDelivered().toMillis() / 1000.0);
    details.put("raw_seconds", f.rawPosted().toMillis() / 1000.0);
    if (!run.options().quick()) {
      DeliveryBenchmark.Figures single = DeliveryBenchmark.run(new DeliveryBenchmark.Plan(url, null,
          run.workDir().resolve("sdk"), Math.max(100, run.sizes().sdkEvents() / 20), SDK_BATCH, 1, 1));
      details.put("one_by_one_events", single.events());
      details.put("one_by_one_sdk_events_per_s", single.sdkEventsPerSecond());
      details.put("one_by_one_ratio", single.sdkEventsPerSecond() / single.rawEventsPerSecond());
    }
    return ScenarioResult.ratio("sdk-delivery", f.sdkEventsPerSecond(), f.rawEventsPerSecond(), "events/s", 0.7,
        details);
  }

  /**
   * (7) Batches posted to a hub whose store already holds {@code historyEvents} (loaded directly
   * into its store before it starts) beside the same posted to a hub on an empty store. The two
   * hubs run side by side and take turns, so that drifting load hits both alike.
   */
  static ScenarioResult atScale(Run run) throws IOException, InterruptedException {
    Sizes sizes = run.sizes();
    long loadStart = System.nanoTime();
    try (RawStore history = run.target().openRaw("history")) {
      // Ids from a year ago: new events' ids land after them, as in production.
      history.loadHistory(new EventGenerator(run.seed() + 7, System.currentTimeMillis() - 400L * 86_400_000L),
          sizes.historyEvents());
    }
    Duration load = Duration.ofNanos(System.nanoTime() - loadStart);
    run.progress("ingest-at-scale: loaded %,d events of history in %.1f s", sizes.historyEvents(), load.toMillis() / 1000.0);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("history_events", sizes.historyEvents());
    details.put("history_load_seconds", load.toMillis() / 1000.0);
    EventGenerator generator = EventGenerator.fresh(run.seed(), 7_000);
    double bigRate;
    double emptyRate;
    try (MeasuredHub big = run.startHub("history"); MeasuredHub empty = run.startHub("empty")) {
      // Both hubs start cold; the one on the large store has more to warm up (its page cache over
      // indexes of millions of rows), which is a restart's cost, not the steady cost of history.
      int warm = Math.max(Math.min(20_000, sizes.scaleEvents()), sizes.scaleEvents() / 4);
      Load.postBatches(empty.url(), run.bodies(generator.next(warm)), IngestScenarios.BATCH_CONNECTIONS);
      Load.postBatches(big.url(), run.bodies(generator.next(warm)), IngestScenarios.BATCH_CONNECTIONS);
      int perRound = Math.max(sizes.batchSize(), sizes.scaleEvents() / ROUNDS);
      Turns.Result turns = Turns.take(run, List.of(empty, big), generator, perRound, ROUNDS, Turns.batches());
      CpuTally emptyCpu = turns.cpu().get(0);
      CpuTally bigCpu = turns.cpu().get(1);
      long events = (long) perRound * ROUNDS;
      bigRate = Run.rate(events, turns.times().get(1));
      emptyRate = Run.rate(events, turns.times().get(0));
      details.put("events_posted", events);
      details.put("warm_up_events_each", warm);
      details.put("batch_size", sizes.batchSize());
      details.put("client_connections", IngestScenarios.BATCH_CONNECTIONS);
      details.put("hub_cpu_us_per_event_with_history", bigCpu.hubMicrosPerEvent(events));
      details.put("hub_cpu_us_per_event_empty", emptyCpu.hubMicrosPerEvent(events));
      details.put("hub_written_kib_per_event_with_history", bigCpu.hubWriteKibPerEvent(events));
      details.put("hub_written_kib_per_event_empty", emptyCpu.hubWriteKibPerEvent(events));
      readLatencies(run, big, empty, details);
    }
    // The same question asked of the store alone, on the same two stores once the hubs are gone:
    // how much of the slow-down with history is the store's own.
    Duration rawBig = Duration.ZERO;
    Duration rawEmpty = Duration.ZERO;
    int perRound = Math.max(sizes.batchSize(), sizes.scaleEvents() / ROUNDS / 2);
    try (RawStore big = run.target().openRaw("history"); RawStore empty = run.target().openRaw("empty")) {
      for (int round = 0; round < ROUNDS; round++) {
        List<BenchEvent> events = generator.next(perRound);
        rawEmpty = rawEmpty.plus(empty.insert(events, sizes.batchSize()));
        rawBig = rawBig.plus(big.insert(events, sizes.batchSize()));
      }
    }
    double rawRatio = rawEmpty.toNanos() / (double) Math.max(1, rawBig.toNanos());
    details.put("raw_events_each", (long) perRound * ROUNDS);
    details.put("raw_ratio_with_history_to_empty", rawRatio);
    ScenarioResult result = ScenarioResult.ratio("ingest-at-scale", bigRate, emptyRate, "events/s", 0.8, details);
    return result.met() == Boolean.FALSE && rawRatio < 0.8
        ? result.withNote("the store alone slows down with history too: raw inserts with the history run at "
            + BenchReport.round(rawRatio) + " of their rate on the (nearly) empty store")
        : result;
  }

  /**
   * Reported beside (7), not targeted: the price of keying the store's aggregate and correlation
   * indexes by week (one seek per week of history) is paid by reads, so this measures one page of
   * an aggregate's history and of a correlation query on both hubs. Ids are random, so most find
   * nothing: that is the worst case, every week searched. Warm: each id set is read once before.
   */
  private static void readLatencies(Run run, MeasuredHub big, MeasuredHub empty, Map<String, Object> details)
      throws IOException {
    int reads = Math.max(50, Math.min(1_000, run.sizes().scaleEvents() / 100));
    Random random = new Random(run.seed() + 11);
    List<String> paths = new ArrayList<>();
    String[] kinds = {"payment%2F", "order%2F", "parcel%2F"};
    for (int i = 0; i < reads; i++) {
      paths.add("/aggregates/" + kinds[i % kinds.length] + random.nextInt(1_000_000) + "/events");
      paths.add("/events?correlation_id=checkout%2F" + random.nextInt(1_000_000));
    }
    for (MeasuredHub hub : List.of(big, empty)) {
      String label = hub == big ? "with_history" : "empty";
      try (HttpConnection http = new HttpConnection(hub.url(), null)) {
        for (String path : paths) {
          timedGet(http, path); // warm-up
        }
        Samples aggregate = new Samples();
        Samples correlation = new Samples();
        for (int i = 0; i < paths.size(); i++) {
          (i % 2 == 0 ? aggregate : correlation).record(timedGet(http, paths.get(i)));
        }
        details.put("read_by_aggregate_ms_p50_" + label, aggregate.percentile(0.5) / 1000.0);
        details.put("read_by_aggregate_ms_p99_" + label, aggregate.percentile(0.99) / 1000.0);
        details.put("read_by_correlation_ms_p50_" + label, correlation.percentile(0.5) / 1000.0);
        details.put("read_by_correlation_ms_p99_" + label, correlation.percentile(0.99) / 1000.0);
      }
    }
    details.put("reads_each", reads);
  }

  /** Microseconds for one GET; anything but 200 fails the scenario rather than timing an error. */
  private static long timedGet(HttpConnection http, String path) throws IOException {
    long start = System.nanoTime();
    HttpConnection.Answer answer = http.get(path);
    long micros = (System.nanoTime() - start) / 1_000;
    if (answer.status() != 200) {
      throw new IOException("GET " + path + " answered " + answer.status() + ": " + answer.text());
    }
    return micros;
  }

  /** (8) The hub's peak resident memory over the scenarios it served, beside its resident memory when idle after start. */
  static ScenarioResult peakRss(MeasuredHub hub, long idleRssBytes, List<String> during) {
    OptionalLong peak = hub.peakRssBytes();
    if (peak.isEmpty()) {
      return ScenarioResult.failed("hub-peak-rss", "no /proc/" + hub.pid() + "/status to read VmHWM from (not Linux?)");
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("during", String.join(",", during));
    details.put("baseline_is", "resident memory of the idle hub just after start");
    details.put("hub_jvm", "JVM defaults (max heap a quarter of RAM) unless --hub-jvm-arg says otherwise");
    // Resident pages of files (a memory-mapped store's, say) count in VmHWM too; this says how many.
    hub.fileRssBytes().ifPresent(bytes -> details.put("file_pages_mib_at_end", bytes / MIB));
    double idle = idleRssBytes / MIB;
    double figure = peak.getAsLong() / MIB;
    return new ScenarioResult("hub-peak-rss", figure, "MiB", idle, idle > 0 ? figure / idle : null, null,
        ScenarioResult.Goal.NONE, details, null);
  }
}
