package io.annals.ops.bench;

import io.annals.hub.client.FeedPage;
import io.annals.hub.client.FeedReader;
import io.annals.projections.reports.paymentsdaily.PaymentsDaily;
import io.annals.projections.runtime.CatchUpResult;
import io.annals.projections.runtime.FeedSource;
import io.annals.projections.runtime.ProjectionRuntime;
import io.annals.projections.runtime.RuntimeConfig;
import io.annals.projections.sql.Database;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Scenarios (4) and (5): paging the feed, and the payments projection catching up through it. */
final class ReadScenarios {

  static final String PAYMENTS = "payment-completed";
  private static final int PAGE = 1000;

  private ReadScenarios() {}

  /** What a consumer paging the feed read, and how long it took. */
  record Paging(long events, long pages, Duration elapsed) {
    double perSecond() {
      return Run.rate(events, elapsed);
    }
  }

  /**
   * Follows the feed of {@code types} from the start with the SDK's {@link FeedReader}, pages of
   * {@link #PAGE}, until a page comes back short: what a projection worker does, JSON decoding included.
   */
  static Paging page(MeasuredHub hub, Set<String> types) {
    FeedReader reader = FeedReader.of(hub.url().toString(), null);
    long start = System.nanoTime();
    long events = 0;
    long pages = 0;
    String after = null;
    while (true) {
      FeedPage page = reader.read(after, types, PAGE);
      events += page.events().size();
      pages++;
      after = page.next();
      if (!page.full(PAGE)) {
        return new Paging(events, pages, Duration.ofNanos(System.nanoTime() - start));
      }
    }
  }

  /** Posts batches until the hub's store holds at least {@code stored} events (it holds {@code have}). */
  static void topUp(Run run, MeasuredHub hub, long have, long stored) throws InterruptedException {
    if (have >= stored) {
      return;
    }
    EventGenerator generator = EventGenerator.fresh(run.seed(), 4_000);
    run.progress("feed-paging: posting %,d events to reach %,d stored", stored - have, stored);
    for (long missing = stored - have; missing > 0; ) {
      int chunk = (int) Math.min(100_000, missing);
      Load.postBatches(hub.url(), run.bodies(generator.next(chunk)), IngestScenarios.BATCH_CONNECTIONS);
      missing -= chunk;
    }
  }

  /**
   * (4) on the embedded store, by the read side's {@link FeedPagingBenchmark}: {@code feedStored}
   * events loaded into a fresh store, the whole feed paged over HTTP beside a raw SQLite keyset
   * scan of the same rows, and the feed's visibility delay with the hub idle and busy.
   */
  static ScenarioResult feedPaging(Run run) throws InterruptedException {
    FeedPagingBenchmark.Figures f = FeedPagingBenchmark.run(new FeedPagingBenchmark.Plan(
        run.workDir().resolve("feed-paging"), run.sizes().feedStored(), run.sizes().feedWarmUp(),
        run.sizes().visibilityTime(), !run.options().ledgerOff()));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("events", f.events());
    details.put("page_size", PAGE);
    details.put("warm_up_seconds_each", run.sizes().feedWarmUp().toMillis() / 1000.0);
    details.put("hub", "in the bench JVM (FeedPagingBenchmark), ledger " + (run.options().ledgerOff() ? "off" : "on"));
    details.put("feed_seconds", f.feedPaging().toMillis() / 1000.0);
    details.put("raw_seconds", f.rawScan().toMillis() / 1000.0);
    details.put("raw_reads_text_with", "getBytes, as the hub's store does (getString in raw_getstring_events_per_s)");
    details.put("raw_getstring_events_per_s", f.events() / Math.max(1e-9, f.rawScanGetString().toNanos() / 1e9));
    // The feed's CPU per event (hub and reader, all threads) over the scan's: on two free cores the
    // feed cannot pass 2 / this quotient of the scan's rate, however well its threads overlap.
    details.put("feed_cpu_us_per_event", f.feedCpu().toNanos() / 1000.0 / f.events());
    details.put("raw_cpu_us_per_event", f.rawCpu().toNanos() / 1000.0 / f.events());
    details.put("visibility_idle_median_ms", f.idle().median().toMillis());
    details.put("visibility_idle_p99_ms", f.idle().p99().toMillis());
    details.put("visibility_busy_median_ms", f.busy().median().toMillis());
    details.put("visibility_busy_p99_ms", f.busy().p99().toMillis());
    return ScenarioResult.ratio("feed-paging", f.feedEventsPerSecond(), f.rawEventsPerSecond(), "events/s", 0.6,
        details);
  }

  /**
   * (4) on any store: the whole feed of the hub {@code hubName} paged through HTTP beside a raw
   * keyset scan of the same rows in its store with the store's driver, pages of the same size;
   * each side once to warm up caches, then measured.
   */
  static ScenarioResult feed(Run run, MeasuredHub hub, String hubName) {
    try (RawStore raw = run.target().openRaw(hubName)) {
      raw.scan(Set.of(), PAGE);
      page(hub, Set.of());
      RawStore.Scan scan = raw.scan(Set.of(), PAGE);
      Paging paging = page(hub, Set.of());
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("events", paging.events());
      details.put("raw_events", scan.events());
      details.put("page_size", PAGE);
      details.put("feed_seconds", paging.elapsed().toMillis() / 1000.0);
      details.put("raw_seconds", scan.elapsed().toMillis() / 1000.0);
      return ScenarioResult.ratio("feed-paging", paging.perSecond(), scan.perSecond(), "events/s", 0.6, details);
    }
  }

  /**
   * (5) The {@code payments-daily} projection catching up from the start (fresh SQLite read model)
   * beside paging the feed of the same events, {@code payment-completed}, with the same page size.
   */
  static ScenarioResult projection(Run run, MeasuredHub hub) {
    Paging paging = page(hub, Set.of(PAYMENTS));
    String db = "jdbc:sqlite:" + run.workDir().resolve("projections-" + System.nanoTime() + ".db");
    CatchUpResult result = catchUp(hub, db);
    if (result.outcome() != CatchUpResult.Outcome.CAUGHT_UP || result.applied() != paging.events()) {
      throw new IllegalStateException("the projection ended " + result.outcome() + " after " + result.applied()
          + " events of " + paging.events() + ": " + result.detail());
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("events", result.applied());
    details.put("batches", result.batches());
    details.put("page_size", PAGE);
    details.put("read_model", "SQLite");
    details.put("projection_seconds", result.elapsed().toMillis() / 1000.0);
    details.put("feed_seconds", paging.elapsed().toMillis() / 1000.0);
    return ScenarioResult.ratio("projection-catch-up", result.eventsPerSecond(), paging.perSecond(), "events/s", 0.5,
        details);
  }

  /**
   * Catches {@code payments-daily} up from the hub into the fresh database at {@code jdbcUrl}, pages
   * of {@link #PAGE}: a full catch-up from the start of the feed, timed by the runtime itself.
   */
  private static CatchUpResult catchUp(MeasuredHub hub, String jdbcUrl) {
    PaymentsDaily projection = new PaymentsDaily();
    try (ProjectionRuntime runtime = ProjectionRuntime.builder(Database.open(jdbcUrl),
            FeedSource.of(FeedReader.of(hub.url().toString(), null)))
        .projection(projection)
        .config(RuntimeConfig.defaults().withBatchSize(PAGE))
        .build()) {
      return runtime.catchUp(projection.name());
    }
  }
}
