package io.annals.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annals.hub.client.FeedPage;
import io.annals.hub.client.FeedReader;
import io.annals.hub.server.Hub;
import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.config.LedgerSettings;
import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.EventLog;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures the feed on the embedded store, for the ops {@code bench} command and on its own
 * ({@link #main}): on a fresh store it loads {@code events} events (directly through the store,
 * in batches, as group commits would), then
 * <ol>
 *   <li>pages the whole feed over HTTP through a real hub, following {@code next} with pages of
 *       1000 through the SDK's {@code FeedReader}, JSON decoding included, as a projection worker does;
 *   <li>scans the same rows with plain JDBC, keyset on {@code (received_at, id)}, pages of 1000:
 *       the ceiling the feed is measured against. After a warm-up of each side, the two take
 *       turns, a tenth of the events each, so that the machine's drifting load hits both alike;
 *   <li>measures visibility: a writer posts single events over HTTP while a consumer tails the feed
 *       (polling every 10 ms when caught up); each event's delay is acknowledged → first seen.
 *       Once with the hub otherwise idle, once while 4 more writers post batches as fast as they can.
 * </ol>
 * Figures only; nothing here is a pass/fail threshold.
 */
public final class FeedPagingBenchmark {

  private static final int PAGE = 1000;
  private static final int LOAD_BATCH = 10_000;
  private static final int WARM_UP = 200_000;
  private static final int EVENTS_PER_STAMP = 100;
  private static final int BUSY_WRITERS = 4;
  private static final int BUSY_BATCH = 20;
  private static final Duration PROBE_EVERY = Duration.ofMillis(20);
  private static final Duration POLL_EVERY = Duration.ofMillis(10);
  private static final Duration READ_AHEAD_SETTLE = Duration.ofMillis(100);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What to measure: {@code events} loaded in {@code workDirectory}, each side warmed up for
   * {@code warmUp} before it is timed, visibility probed for {@code visibilityRun} each; the hub
   * with its ledger on or off ({@code ledger}).
   */
  public record Plan(Path workDirectory, int events, Duration warmUp, Duration visibilityRun, boolean ledger) {

    /** With the ledger on, as a hub starts by default. */
    public Plan(Path workDirectory, int events, Duration warmUp, Duration visibilityRun) {
      this(workDirectory, events, warmUp, visibilityRun, true);
    }
  }

  /** Delays acknowledged → seen: how many, median, 99th percentile, largest. */
  public record Delays(int samples, Duration median, Duration p99, Duration max) {

    static Delays of(List<Duration> delays) {
      if (delays.isEmpty()) {
        return new Delays(0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
      }
      List<Duration> sorted = delays.stream().sorted().toList();
      return new Delays(sorted.size(), sorted.get((sorted.size() - 1) / 2),
          sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1), sorted.get(sorted.size() - 1));
    }

    @Override
    public String toString() {
      return String.format("median %d ms, p99 %d ms, max %d ms (%d events)",
          median.toMillis(), p99.toMillis(), max.toMillis(), samples);
    }
  }

  /**
   * The figures of one run. {@code feedCpu} is this JVM's CPU time over the feed's turns: the hub
   * and the reader together, all their threads; {@code rawCpu} the scanning thread's over the raw
   * turns. Their quotient says how many cores the feed would need to keep up with the scan.
   */
  public record Figures(int events, Duration load, Duration feedPaging, Duration rawScan, Duration rawScanGetString,
      Duration feedCpu, Duration rawCpu, Delays idle, Delays busy) {

    public double feedEventsPerSecond() {
      return rate(events, feedPaging);
    }

    public double rawEventsPerSecond() {
      return rate(events, rawScan);
    }

    /** A few lines for a terminal. */
    public String report() {
      return String.format("%,d events on the embedded store (loaded in %.1f s, %,.0f events/s)%n"
              + "  feed paging over HTTP (GET /feed, limit %d, JSON decoded): %,10.0f events/s  (%.1f s)%n"
              + "  raw SQLite keyset scan (JDBC, same rows, pages of %d):    %,10.0f events/s  (%.1f s)%n"
              + "    (the same scan reading text with getString: %,.0f events/s)%n"
              + "  feed / raw: %.2f%n"
              + "  visibility, acknowledged -> seen by a tailing consumer (poll every %d ms when caught up):%n"
              + "    hub idle: %s%n"
              + "    hub busy (%d writers posting batches of %d): %s",
          events, load.toMillis() / 1000.0, rate(events, load), PAGE, feedEventsPerSecond(),
          feedPaging.toMillis() / 1000.0, PAGE, rawEventsPerSecond(), rawScan.toMillis() / 1000.0,
          rate(events, rawScanGetString), feedEventsPerSecond() / rawEventsPerSecond(), POLL_EVERY.toMillis(), idle,
          BUSY_WRITERS, BUSY_BATCH, busy);
    }

    private static double rate(long n, Duration d) {
      return n / Math.max(1e-9, d.toNanos() / 1e9);
    }
  }

  private final Plan plan;
  private final Path dataDir;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private volatile String base;

  private FeedPagingBenchmark(Plan plan) {
    this.plan = plan;
    this.dataDir = plan.workDirectory().resolve("hub-data");
  }

  /**
   * Runs the plan in a work directory that must not hold a store yet.
   *
   * @throws IllegalStateException when the feed or the scan does not return every loaded event
   */
  public static Figures run(Plan plan) throws InterruptedException {
    if (plan.events() < 1) {
      throw new IllegalArgumentException("events must be at least 1, was " + plan.events());
    }
    if (Files.exists(plan.workDirectory().resolve("hub-data"))) {
      throw new IllegalArgumentException("work directory already holds a store: " + plan.workDirectory().resolve("hub-data"));
    }
    return new FeedPagingBenchmark(plan).measure();
  }

  /** {@code FeedPagingBenchmark [events] [work directory]}: 1,000,000 events in a temporary directory by default. */
  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0].replace("_", "").replace(",", "")) : 1_000_000;
    Path work = args.length > 1 ? Files.createDirectories(Path.of(args[1])) : Files.createTempDirectory("annals-feed-bench");
    System.out.println("feed paging benchmark: " + String.format("%,d", events) + " events in " + work);
    Figures figures = run(new Plan(work, events, Duration.ofSeconds(30), Duration.ofSeconds(10)));
    System.out.println(figures.report());
    if (args.length <= 1) {
      deleteRecursively(work);
    }
  }

  private Figures measure() throws InterruptedException {
    Duration load = load();
    try (Hub hub = startHub()) {
      base = "http://127.0.0.1:" + hub.port();
      // Warm-up, each side alike and by time: the hub's JIT compiler takes 10-15 s of one core
      // here to compile the HTTP path (Jetty, Javalin, Jackson, the SDK's client); a warm-up of
      // 200 pages left it compiling on the other core through the whole measurement, which is a
      // hub's first minute, not the feed a long-running hub serves.
      warmUp(() -> pageFeed(null, warmUpEvents()));
      warmUp(() -> {
        try (RawScan scan = new RawScan(true)) {
          scan.read(warmUpEvents());
        }
      });
      // Feed and raw scan take turns over the history, a chunk each, so that the machine's
      // drifting load (other tenants) hits both alike.
      long feedNanos = 0;
      long rawNanos = 0;
      long feedCpu = 0;
      long rawCpu = 0;
      Paged paged = new Paged(0, null);
      try (RawScan raw = new RawScan(true)) {
        while (paged.events() < plan.events()) {
          long chunk = Math.min(chunk(), plan.events() - paged.events());
          long start = System.nanoTime();
          long cpu = Cpu.ownNanos();
          Paged more = pageFeed(paged.next(), chunk);
          feedNanos += System.nanoTime() - start;
          feedCpu += Cpu.ownNanos() - cpu;
          paged = new Paged(paged.events() + more.events(), more.next());
          // The pages the reader asked for ahead are served before the raw chunk starts. The one
          // page the hub reads ahead after a turn serves the next turn untimed: 1 page in 100.
          Thread.sleep(READ_AHEAD_SETTLE.toMillis());
          start = System.nanoTime();
          cpu = Cpu.threadNanos();
          raw.read(chunk);
          rawNanos += System.nanoTime() - start;
          rawCpu += Cpu.threadNanos() - cpu;
          if (more.events() < chunk) {
            break;
          }
        }
        if (paged.events() != plan.events() || raw.rows() != plan.events()) {
          throw new IllegalStateException("the feed returned " + paged.events() + " events and the raw scan "
              + raw.rows() + " rows; " + plan.events() + " were loaded");
        }
      }
      Duration rawGetString = timedScan(false);
      Visibility visibility = new Visibility(paged.next());
      Delays idle = visibility.measure(0);
      Delays busy = visibility.measure(BUSY_WRITERS);
      return new Figures(plan.events(), load, Duration.ofNanos(feedNanos), Duration.ofNanos(rawNanos), rawGetString,
          Duration.ofNanos(feedCpu), Duration.ofNanos(rawCpu), idle, busy);
    }
  }

  /** A tenth of the events, in whole pages. */
  private long chunk() {
    return Math.max(PAGE, plan.events() / 10 / PAGE * PAGE);
  }

  /** Runs {@code pass} (from the start of the feed) again and again until the warm-up time is over; at least once. */
  private void warmUp(Runnable pass) {
    long end = System.nanoTime() + plan.warmUp().toNanos();
    do {
      pass.run();
    } while (System.nanoTime() < end);
  }

  private long warmUpEvents() {
    return Math.min(plan.events(), WARM_UP);
  }

  /** Loads the events straight into the store: one transaction per 10,000, 100 events per received_at. */
  private Duration load() {
    long start = System.nanoTime();
    Instant firstStamp = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
    try (Store store = Store.of(SqliteEventStore.open(dataDir))) {
      EventLog log = store.log();
      List<StoredEvent> batch = new ArrayList<>(LOAD_BATCH);
      for (int i = 0; i < plan.events(); i++) {
        Instant receivedAt = firstStamp.plus(i / EVENTS_PER_STAMP, ChronoUnit.MICROS);
        batch.add(new StoredEvent(new Event(id(0, i), "billing", "payment-" + (i % 4 == 0 ? "failed" : "completed"),
            receivedAt.minusMillis(250), "payment/" + (i % 50_000), i % 3 == 0 ? null : "order/" + (i / 3),
            "{\"amount\":\"" + (i % 1000) + ".2500/EUR\",\"n\":" + i + "}"), receivedAt));
        if (batch.size() == LOAD_BATCH) {
          log.append(batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        log.append(batch);
      }
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private Hub startHub() {
    HubConfig config = HubConfig.load(Map.of(
        "HUB_PORT", "0",
        "HUB_DATA_DIR", dataDir.toString(),
        "HUB_RATE_LIMIT", "1000000"), new String[0]);
    // The hub runs in this JVM and the feed's CPU is this JVM's: with the ledger on, its appender
    // (hashing the loaded events) and scrub are counted as the feed's (issue 20: "feed CPU 5.5-7.2
    // against 4.5-6.4 us/event on 72e02fb", a build without the ledger, with --ledger-off not
    // reaching this hub).
    return Hub.builder(config, Store.of(SqliteEventStore.open(dataDir))).ledger(new LedgerSettings(plan.ledger(), null)).start();
  }

  private record Paged(long events, String next) {}

  /**
   * Follows the feed from {@code after} (null: the start) until {@code events} were read, through
   * the SDK's {@link FeedReader} as a projection worker does: every event decoded into a record
   * with its payload as a tree, the next pages read ahead while this one is decoded. A new reader
   * each time, so no page read ahead before the call is counted in it.
   */
  private Paged pageFeed(String after, long events) {
    FeedReader reader = FeedReader.of(base, null);
    long seen = 0;
    String cursor = after;
    while (seen < events) {
      FeedPage page = reader.read(cursor, Set.of(), PAGE);
      seen += page.events().size();
      cursor = page.next();
      if (!page.full(PAGE)) {
        break;
      }
    }
    return new Paged(seen, cursor);
  }

  private Duration timedScan(boolean bytes) {
    long start = System.nanoTime();
    try (RawScan scan = new RawScan(bytes)) {
      if (scan.read(plan.events()) != plan.events()) {
        throw new IllegalStateException("the raw scan returned " + scan.rows() + " rows, " + plan.events() + " were loaded");
      }
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /**
   * Reads the rows the feed reads, in the same order, with every column, pages of 1000 from where
   * it stopped: the store's own speed. With {@code bytes}, text columns are read as the hub's store
   * reads them ({@code getBytes}, decoded in Java), the faster of sqlite-jdbc's two ways; else with
   * {@code getString}.
   */
  private final class RawScan implements AutoCloseable {
    private final boolean bytes;
    private final Connection connection;
    private final PreparedStatement page;
    private long lastReceived = Long.MIN_VALUE;
    private String lastId = "";
    private long rows;

    RawScan(boolean bytes) {
      this.bytes = bytes;
      try {
        connection = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(SqliteEventStore.FILE_NAME));
        page = connection.prepareStatement("SELECT id, service, type, created_at, aggregate_id, correlation_id,"
            + " received_at, payload FROM events WHERE (received_at, id) > (?, ?) ORDER BY received_at, id LIMIT ?");
      } catch (SQLException e) {
        throw new IllegalStateException("raw scan failed: " + e.getMessage(), e);
      }
    }

    /** Reads up to {@code count} more rows; returns all rows read so far. */
    long read(long count) {
      long end = rows + count;
      try {
        while (rows < end) {
          page.setLong(1, lastReceived);
          page.setString(2, lastId);
          page.setInt(3, PAGE);
          int n = 0;
          try (ResultSet rs = page.executeQuery()) {
            while (rs.next()) {
              lastId = text(rs, 1);
              text(rs, 2);
              text(rs, 3);
              rs.getLong(4);
              text(rs, 5);
              text(rs, 6);
              lastReceived = rs.getLong(7);
              text(rs, 8);
              n++;
            }
          }
          rows += n;
          if (n < PAGE) {
            break;
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException("raw scan failed: " + e.getMessage(), e);
      }
      return rows;
    }

    long rows() {
      return rows;
    }

    private String text(ResultSet rs, int column) throws SQLException {
      if (!bytes) {
        return rs.getString(column);
      }
      byte[] utf8 = rs.getBytes(column);
      return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      try {
        connection.close();
      } catch (SQLException e) {
        throw new IllegalStateException("raw scan failed to close: " + e.getMessage(), e);
      }
    }
  }

  /** Probe events posted one at a time, a consumer tailing the feed, and the delays between ack and sight. */
  private final class Visibility {
    private String after;
    private int round;

    Visibility(String after) {
      this.after = after;
    }

    Delays measure(int busyWriters) throws InterruptedException {
      round++;
      Map<String, Long> acknowledged = new ConcurrentHashMap<>();
      Map<String, Long> seen = new ConcurrentHashMap<>();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> threads = new ArrayList<>();
      Thread consumer = new Thread(() -> tail(seen, stop), "feed-bench-consumer");
      threads.add(consumer);
      for (int w = 0; w < busyWriters; w++) {
        int writer = w;
        threads.add(new Thread(() -> flood(writer, stop), "feed-bench-writer-" + w));
      }
      threads.forEach(Thread::start);
      long end = System.nanoTime() + plan.visibilityRun().toNanos();
      int probes = 0;
      while (System.nanoTime() < end) {
        String id = id(1000 + round, probes++);
        post("{\"id\":\"" + id + "\",\"meta\":{\"service\":\"probe\",\"type\":\"probe\",\"created_at\":\""
            + Instant.now() + "\",\"aggregate_id\":\"probe/1\"},\"payload\":{}}");
        acknowledged.put(id, System.nanoTime());
        Thread.sleep(PROBE_EVERY.toMillis());
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!seen.keySet().containsAll(acknowledged.keySet()) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
      List<Duration> delays = new ArrayList<>();
      acknowledged.forEach((id, ackNanos) -> {
        Long sightNanos = seen.get(id);
        if (sightNanos == null) {
          throw new IllegalStateException("probe event " + id + " was acknowledged but not seen in the feed within 30 s");
        }
        // A consumer may see an event before its writer has read the answer: that counts as 0.
        delays.add(Duration.ofNanos(Math.max(0, sightNanos - ackNanos)));
      });
      return Delays.of(delays);
    }

    private void tail(Map<String, Long> seen, AtomicBoolean stop) {
      while (!stop.get()) {
        JsonNode page = getJson(base + "/feed?types=probe&limit=" + PAGE + "&after=" + encode(after));
        long now = System.nanoTime();
        page.get("events").forEach(e -> seen.putIfAbsent(e.get("id").asText(), now));
        after = page.get("next").asText();
        if (page.get("events").size() < PAGE) {
          sleep(POLL_EVERY);
        }
      }
    }

    private void flood(int writer, AtomicBoolean stop) {
      int n = 0;
      while (!stop.get()) {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < BUSY_BATCH; i++) {
          batch.append(i == 0 ? "" : ",").append("{\"id\":\"").append(id(2000 + round * 100 + writer, n++))
              .append("\",\"meta\":{\"service\":\"load\",\"type\":\"load\",\"created_at\":\"").append(Instant.now())
              .append("\",\"aggregate_id\":\"load/").append(writer).append("\"},\"payload\":{\"n\":").append(n).append("}}");
        }
        post(batch.append(']').toString());
      }
    }
  }

  /** Posts until acknowledged (retrying 429/503 as a client would); anything else stops the run. */
  private void post(String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/events"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    while (true) {
      HttpResponse<byte[]> answer = send(request);
      int status = answer.statusCode();
      if (status == 200 || status == 201) {
        return;
      }
      if (status != 429 && status != 503) {
        throw new IllegalStateException("POST /events answered " + status + ": " + new String(answer.body(), StandardCharsets.UTF_8));
      }
      sleep(Duration.ofMillis(50));
    }
  }

  private JsonNode getJson(String url) {
    HttpResponse<byte[]> answer = send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("GET " + url + " answered " + answer.statusCode() + ": "
          + new String(answer.body(), StandardCharsets.UTF_8));
    }
    try {
      return JSON.readTree(answer.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpResponse<byte[]> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** A canonical UUID, increasing with {@code n} for one {@code series}, so inserts append to the id index. */
  private static String id(int series, long n) {
    return String.format("%08x-0000-7000-8000-%012x", series, n);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
