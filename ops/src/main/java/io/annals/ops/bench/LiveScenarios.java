package io.annals.ops.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.hub.client.FeedReader;
import io.annals.hub.client.ReceivedEvent;
import io.annals.projections.reports.paymentsdaily.PaymentsDaily;
import io.annals.projections.runtime.Batch;
import io.annals.projections.runtime.Daemon;
import io.annals.projections.runtime.FeedSource;
import io.annals.projections.runtime.Projection;
import io.annals.projections.runtime.ProjectionRuntime;
import io.annals.projections.runtime.ReadModel;
import io.annals.projections.runtime.RuntimeConfig;
import io.annals.projections.sql.Database;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The live feed's scenarios: {@code freshness} (how soon an acknowledged event is in the
 * payments-daily read model, beside how soon the feed itself shows it, in the same run, on one hub
 * and on two hubs sharing a store) and {@code feed-idle} (what idle long polls and streams cost the hub).
 */
final class LiveScenarios {

  static final String FRESHNESS = "freshness";
  static final String IDLE = "feed-idle";
  private static final String PAYMENTS = "payment-completed";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double TARGET_P99_MS = 1000;
  /** Requests in flight at most, as many as the bench's other single-event loads keep open. */
  private static final int IN_FLIGHT = 64;
  private static final Duration IDLE_WARM_UP = Duration.ofSeconds(20);

  private LiveScenarios() {}

  /**
   * (9) Single {@code payment-completed} events posted at {@code rate} (half the maximum ingest rate
   * of this run) to one hub, then to two hubs on one store taking turns, while the projection daemon
   * tails the feed of the first hub into a fresh SQLite read model and a consumer long-polls the
   * same feed. Freshness of an acknowledged event: from its {@code received_at} (stamped before the
   * commit that precedes its 201, so this is an upper bound of "from the 201") to the end of the
   * handler's batch that applied it (its transaction commits right after); the feed's visibility
   * delay: from its {@code received_at} to its arrival in a long-poll answer. Both on this host's
   * clock, which the hubs share. (Timing from the client's receipt of the 201 was tried first: on a
   * CPU-starved machine the client's response threads noted the 201 after the event was applied.)
   * Each round first sends for a fifth of its time, not counted (the round's hub has just started).
   * A long poll of the follower that fails is counted ({@code *_feed_failed_reads}) and read again.
   * Figure: freshness p99 on one hub; baseline: the feed's visibility p99.
   */
  static ScenarioResult freshness(Run run, double maxRate) throws Exception {
    double rate = Math.max(1, maxRate / 2);
    Duration time = run.sizes().latencyTime();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("rate_events_per_s", rate);
    details.put("max_rate_events_per_s", maxRate);
    details.put("seconds", time.toMillis() / 1000.0);
    details.put("warm_up_seconds", time.dividedBy(5).toMillis() / 1000.0);
    details.put("applied", "the handler's batch closed; its transaction commits right after (SQLite read model)");
    details.put("from", "received_at, stamped before the commit that precedes the 201 (an upper bound of 201 -> applied)");
    Probe one;
    Probe two;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (MeasuredHub a = run.startHub("live")) {
      one = probe(run, http, List.of(a), rate, time, "one");
      try (MeasuredHub b = MeasuredHub.start(run.workDir().resolve("live-b.log"), run.target().hubArgs("live"),
          run.target().hubEnv(), run.options().hubJvmArgs())) {
        two = probe(run, http, List.of(a, b), rate, time, "two");
      }
    }
    one.addTo(details, "one_hub");
    two.addTo(details, "two_hubs");
    double p99 = one.freshness.percentileMillis(0.99);
    double feedP99 = one.visibility.percentileMillis(0.99);
    return new ScenarioResult(FRESHNESS, p99, "ms", feedP99, feedP99 > 0 ? p99 / feedP99 : null, TARGET_P99_MS,
        ScenarioResult.Goal.FIGURE_AT_MOST, details, null);
  }

  /** What one round measured, in microseconds. */
  private record Probe(Samples freshness, Samples visibility, int sent, int acknowledged, List<String> feedFailures) {
    void addTo(Map<String, Object> details, String prefix) {
      details.put(prefix + "_events_acknowledged", acknowledged);
      details.put(prefix + "_feed_failed_reads", feedFailures.size());
      if (!feedFailures.isEmpty()) {
        details.put(prefix + "_feed_first_failure", feedFailures.get(0));
      }
      details.put(prefix + "_freshness_samples", freshness.count());
      details.put(prefix + "_freshness_p50_ms", freshness.percentileMillis(0.5));
      details.put(prefix + "_freshness_p99_ms", freshness.percentileMillis(0.99));
      details.put(prefix + "_feed_visibility_p50_ms", visibility.percentileMillis(0.5));
      details.put(prefix + "_feed_visibility_p99_ms", visibility.percentileMillis(0.99));
    }
  }

  private static Probe probe(Run run, HttpClient http, List<MeasuredHub> hubs, double rate, Duration time, String round)
      throws Exception {
    Map<String, Long> acked = new ConcurrentHashMap<>();
    Map<String, Long> applied = new ConcurrentHashMap<>();
    Map<String, Long> seen = new ConcurrentHashMap<>();
    String hubUrl = hubs.get(0).url().toString();
    FeedReader reader = FeedReader.of(hubUrl, null);
    // Start both followers at the end of the feed: only this round's events count.
    String start = reader.read(null, Set.of(PAYMENTS), 1000).next();
    while (true) {
      io.annals.hub.client.FeedPage page = reader.read(start, Set.of(PAYMENTS), 1000);
      start = page.next();
      if (page.events().isEmpty()) {
        break;
      }
    }
    Database db = Database.open("jdbc:sqlite:" + run.workDir().resolve("live-" + round + "-" + System.nanoTime() + ".db"));
    Timed projection = new Timed(new PaymentsDaily(), applied);
    AtomicBoolean stop = new AtomicBoolean();
    String from = start;
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread feed = new Thread(() -> follow(reader, from, seen, stop, failures), "freshness-feed");
    ProjectionRuntime runtime = ProjectionRuntime.builder(db, FeedSource.of(reader)).projection(projection)
        .config(RuntimeConfig.defaults().withBatchSize(1000)).build();
    // The read model starts where the feed stands now, as a worker that has caught up would.
    runtime.catchUp(projection.name());
    Daemon daemon = new Daemon(runtime, Clock.systemUTC());
    daemon.start();
    feed.start();
    // A warm-up of a fifth of the time at the same rate, not counted (as the latency scenario's): the
    // hub of this round has just started, and its first seconds are the JIT compiler's.
    Map<String, Long> warmUp = new ConcurrentHashMap<>();
    send(http, hubs, rate, time.dividedBy(5), warmUp, run.seed(), 9_100);
    long warmed = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!applied.keySet().containsAll(warmUp.keySet()) && System.nanoTime() < warmed) {
      Thread.sleep(50);
    }
    int sent = send(http, hubs, rate, time, acked, run.seed(), 9_000);
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while ((applied.keySet().containsAll(acked.keySet()) && seen.keySet().containsAll(acked.keySet())) == false
        && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    stop.set(true);
    daemon.stop();
    feed.join(40_000);
    Samples freshness = new Samples();
    Samples visibility = new Samples();
    acked.keySet().forEach(id -> {
      Long delay = applied.get(id);
      if (delay != null) {
        freshness.record(delay);
      }
      Long arrived = seen.get(id);
      if (arrived != null) {
        visibility.record(arrived);
      }
    });
    run.progress("freshness (%s hub(s)): %d acknowledged, p99 %d ms applied, %d ms in the feed", round, acked.size(),
        freshness.percentile(0.99) / 1000, visibility.percentile(0.99) / 1000);
    return new Probe(freshness, visibility, sent, acked.size(), List.copyOf(failures));
  }

  /** Microseconds from the event's {@code received_at} to {@code now}. */
  private static long micros(ReceivedEvent event, java.time.Instant now) {
    return Duration.between(event.receivedAt(), now).toNanos() / 1000;
  }

  /** Long-polls the feed from {@code after}, noting when each event arrived, until {@code stop}. */
  private static void follow(FeedReader reader, String after, Map<String, Long> seen, AtomicBoolean stop,
      List<String> failures) {
    String cursor = after;
    while (!stop.get()) {
      io.annals.hub.client.FeedPage page;
      try {
        page = reader.read(cursor, Set.of(PAYMENTS), 1000, Duration.ofSeconds(1));
      } catch (io.annals.hub.client.HubException e) {
        // Counted and reported, and the follower goes on from the same cursor: a follower that died
        // here left the rest of the round without visibility samples.
        failures.add(e.getMessage());
        continue;
      }
      java.time.Instant now = java.time.Instant.now();
      for (ReceivedEvent e : page.events()) {
        seen.putIfAbsent(e.id(), micros(e, now));
      }
      cursor = page.next();
    }
  }

  /**
   * Posts single payment events on a fixed schedule at {@code rate}, to the hubs in turn; returns how
   * many were sent. One client for the whole scenario, at most {@link #IN_FLIGHT} requests in flight:
   * a client per round with unbounded {@code sendAsync} left every connection in the JDK's pool for
   * its 20-minute keep-alive, ~18,000 sockets against the JVM's 20,000 descriptors, and the daemon's
   * read model in this JVM then failed to open ({@code SQLITE_CANTOPEN}) and waited its 10 s retry.
   * A hub slower than the schedule delays the sends (the figures count from {@code received_at}).
   */
  private static int send(HttpClient http, List<MeasuredHub> hubs, double rate, Duration time, Map<String, Long> acked,
      long seed, int stream) throws InterruptedException {
    EventGenerator generator = EventGenerator.fresh(seed, stream + hubs.size());
    long intervalNanos = (long) (1e9 / rate);
    long started = System.nanoTime();
    long end = started + time.toNanos();
    int n = 0;
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    for (long due = started; due < end; due += intervalNanos) {
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      BenchEvent event = generator.next();
      while (!event.type().equals(PAYMENTS)) {
        event = generator.next();
      }
      String id = event.id();
      URI uri = hubs.get(n++ % hubs.size()).url().resolve("/events");
      inFlight.acquire();
      http.sendAsync(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(event.json())).build(), HttpResponse.BodyHandlers.discarding())
          .whenComplete((r, failure) -> {
            // Not acknowledged (no answer, or not 201): not counted.
            if (failure == null && r.statusCode() == 201) {
              acked.put(id, System.nanoTime());
            }
            inFlight.release();
          });
    }
    if (!inFlight.tryAcquire(IN_FLIGHT, 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the hubs left requests unanswered for a minute after the schedule ended");
    }
    return n;
  }

  /** payments-daily, noting how old each event was when the batch that applied it ended. */
  private record Timed(Projection inner, Map<String, Long> applied) implements Projection {
    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public Set<String> eventTypes() {
      return inner.eventTypes();
    }

    @Override
    public int schemaVersion() {
      return inner.schemaVersion();
    }

    @Override
    public List<String> tables() {
      return inner.tables();
    }

    @Override
    public List<String> schema(ReadModel readModel) {
      return inner.schema(readModel);
    }

    @Override
    public Batch begin(ReadModel readModel) throws SQLException {
      Batch batch = inner.begin(readModel);
      List<ReceivedEvent> events = new ArrayList<>();
      return new Batch() {
        @Override
        public void apply(ReceivedEvent event) throws Exception {
          batch.apply(event);
          events.add(event);
        }

        @Override
        public void flush() throws Exception {
          batch.flush();
        }

        @Override
        public void close() throws Exception {
          batch.close();
          java.time.Instant now = java.time.Instant.now();
          events.forEach(e -> applied.putIfAbsent(e.id(), micros(e, now)));
        }
      };
    }
  }

  /**
   * (10) Idle cost: {@code longPolls} long polls ({@code wait=60s}) and {@code streams} event streams
   * held open against a hub with nothing to send, for {@code window}; the hub's CPU (share of one
   * core) and heap over that window, beside the same hub idle without them for the same window just
   * before. As every other scenario, it first warms the hub up: the same waiters held for
   * {@link #IDLE_WARM_UP} (or the window, if shorter) and dropped (their clients go away), so that the window measures waiting,
   * not the JIT compiling the waiters' code (C2 alone took ~1.6% of a core in the first cold minute).
   * The JIT compilers' share of the window is reported beside it.
   */
  static ScenarioResult idle(Run run, int longPolls, int streams, Duration window) throws Exception {
    try (MeasuredHub hub = run.startHub("idle", List.of())) {
      String next = JSON.readTree(get(hub, "/feed")).get("next").asText();
      List<Socket> warmUp = openWaiters(hub, next, longPolls, streams);
      Duration warm = window.compareTo(IDLE_WARM_UP) < 0 ? window : IDLE_WARM_UP; // scaled-down runs warm up less
      try {
        awaitWaiters(hub, longPolls + streams, Duration.ofSeconds(30));
        Thread.sleep(warm.toMillis());
      } finally {
        close(warmUp);
      }
      long dropped = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (waiters(hub) > 0 && System.nanoTime() < dropped) {
        Thread.sleep(100);
      }
      Thread.sleep(2000);
      double baseline = cpuShare(hub, window);
      long baselineHeap = heap(hub);
      double baselineThreads = metric(hub, "jvm_threads_live_threads");
      List<Socket> sockets = openWaiters(hub, next, longPolls, streams);
      try {
        long opened = System.nanoTime();
        int waiting = awaitWaiters(hub, longPolls + streams, Duration.ofSeconds(30));
        // Measured inside the long polls' minute, so that none ends in the window.
        Duration left = Duration.ofSeconds(58).minusNanos(System.nanoTime() - opened);
        Duration measured = window.compareTo(left) > 0 ? left : window;
        long compiler = hub.threads().compilerNanos();
        long started = System.nanoTime();
        double share = cpuShare(hub, measured);
        double compilerShare = (hub.threads().compilerNanos() - compiler) / (double) (System.nanoTime() - started);
        long heap = heap(hub);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("long_polls", longPolls);
        details.put("streams", streams);
        details.put("waiting_per_hub_gauge", waiting);
        details.put("warm_up_seconds", warm.toMillis() / 1000.0);
        details.put("seconds", measured.toMillis() / 1000.0);
        details.put("hub_cpu_pct_of_one_core", share * 100);
        details.put("hub_jit_compiler_cpu_pct_of_one_core", compilerShare * 100);
        details.put("baseline_idle_hub_cpu_pct", baseline * 100);
        details.put("waiters_added_cpu_pct", (share - baseline) * 100);
        details.put("hub_heap_used_mib", heap / 1048576.0);
        details.put("hub_threads", metric(hub, "jvm_threads_live_threads"));
        details.put("baseline_hub_threads", baselineThreads);
        details.put("baseline_heap_used_mib", baselineHeap / 1048576.0);
        details.put("heap_note", "jvm_memory_used_bytes{area=heap} at the end of each window, garbage included");
        details.put("targets", "under 5% of one core and 100 MiB of heap");
        return new ScenarioResult(IDLE, share * 100, "% core", baseline * 100,
            baseline > 0 ? share / baseline : null, 5.0, ScenarioResult.Goal.FIGURE_AT_MOST, details, null);
      } finally {
        close(sockets);
      }
    }
  }

  /** Opens {@code longPolls} long polls and {@code streams} event streams from {@code after}. */
  private static List<Socket> openWaiters(MeasuredHub hub, String after, int longPolls, int streams) throws IOException {
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < longPolls + streams; i++) {
        Socket s = new Socket(hub.url().getHost(), hub.url().getPort());
        sockets.add(s);
        String path = i < longPolls ? "/feed?wait=60s&after=" + after : "/feed/stream?after=" + after;
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: bench\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    } catch (IOException e) {
      close(sockets);
      throw e;
    }
    return sockets;
  }

  /** Waits until the hub counts {@code expected} waiters, or {@code patience} passed; answers its count. */
  private static int awaitWaiters(MeasuredHub hub, int expected, Duration patience) throws Exception {
    long end = System.nanoTime() + patience.toNanos();
    while (waiters(hub) < expected && System.nanoTime() < end) {
      Thread.sleep(100);
    }
    return waiters(hub);
  }

  private static void close(List<Socket> sockets) throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }

  private static double cpuShare(MeasuredHub hub, Duration window) throws InterruptedException {
    long cpu = hub.cpuNanos();
    long started = System.nanoTime();
    Thread.sleep(window.toMillis());
    return (hub.cpuNanos() - cpu) / (double) (System.nanoTime() - started);
  }

  private static int waiters(MeasuredHub hub) throws IOException {
    return (int) metric(hub, "annals_hub_feed_waiters{");
  }

  private static long heap(MeasuredHub hub) throws IOException {
    return (long) metric(hub, "jvm_memory_used_bytes{area=\"heap\"");
  }

  private static double metric(MeasuredHub hub, String prefix) throws IOException {
    double sum = 0;
    for (String line : get(hub, "/metrics").split("\n")) {
      if (line.startsWith(prefix)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static String get(MeasuredHub hub, String path) throws IOException {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(hub.url().resolve(path)).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
