package io.annals.ops.send;

import io.annals.hub.client.AnnalsClient;
import io.annals.hub.client.EventBuilder;
import io.annals.hub.client.Events;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures end-to-end delivery through the SDK (publish into a fresh durable spool until the hub
 * has acknowledged every event) beside raw batched {@code POST /events} of the same events, in one
 * run against one hub. Both sides send events of the same shape with time-ordered ids, so the
 * hub's store does the same work; each side is warmed up first. For the ops {@code bench} command.
 */
public final class DeliveryBenchmark {

  /**
   * Events each side sends before the measured ones. 2,000 left the JIT compiling the SDK's path
   * (spool, serialization, retry) through a measurement of 100,000: run alone on a fresh hub the
   * ratio was 0.54-0.56, after other scenarios 0.65-0.72.
   */
  private static final int WARMUP_EVENTS = 30_000;

  /**
   * What to measure: {@code events} per side, sent in batches of {@code batchSize}, published from
   * {@code publishers} threads, {@code publishBatch} events per call ({@code publishAll}, one spool
   * sync per call; 1 = {@code publish} one event at a time, one sync each).
   */
  public record Plan(String hubUrl, String apiKey, Path workDirectory, int events, int batchSize, int publishers,
      int publishBatch) {

    /** Events published one at a time. */
    public Plan(String hubUrl, String apiKey, Path workDirectory, int events, int batchSize, int publishers) {
      this(hubUrl, apiKey, workDirectory, events, batchSize, publishers, 1);
    }
  }

  /** The figures of one run. {@code sdkPublished}: until every publish returned (spooled, synced). */
  public record Figures(int events, int batchSize, int publishers, int publishBatch, Duration sdkPublished,
      Duration sdkDelivered, Duration rawPosted) {

    public double sdkEventsPerSecond() {
      return perSecond(sdkDelivered);
    }

    public double publishEventsPerSecond() {
      return perSecond(sdkPublished);
    }

    public double rawEventsPerSecond() {
      return perSecond(rawPosted);
    }

    private double perSecond(Duration duration) {
      return events / Math.max(1e-9, duration.toNanos() / 1e9);
    }

    /** A few lines for a terminal. */
    public String report() {
      return String.format("%d events, batches of %d, %d publisher threads publishing %d at a time%n"
              + "  SDK end to end (publish -> acknowledged): %,10.0f events/s  (%d ms; publishing alone %,.0f events/s)%n"
              + "  raw batched POST /events:                  %,10.0f events/s  (%d ms)%n"
              + "  SDK / raw: %.2f",
          events, batchSize, publishers, publishBatch, sdkEventsPerSecond(), sdkDelivered.toMillis(), publishEventsPerSecond(),
          rawEventsPerSecond(), rawPosted.toMillis(), sdkEventsPerSecond() / rawEventsPerSecond());
    }
  }

  private final Plan plan;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final SecureRandom random = new SecureRandom();
  private long nextMillis = System.currentTimeMillis();

  private DeliveryBenchmark(Plan plan) {
    this.plan = plan;
  }

  /**
   * Runs the plan: warm-up, then the SDK side and the raw side taking turns, half the events each
   * turn, so that a hub still warming up or a machine whose load drifts favours neither side.
   *
   * @throws IllegalStateException when the hub refuses events or the SDK cannot deliver them in 10 minutes
   */
  public static Figures run(Plan plan) throws IOException, InterruptedException {
    if (plan.events() < 1 || plan.batchSize() < 1 || plan.publishers() < 1 || plan.publishBatch() < 1) {
      throw new IllegalArgumentException("events, batch size, publishers and publish batch must be at least 1, were: "
          + plan);
    }
    DeliveryBenchmark benchmark = new DeliveryBenchmark(plan);
    int warmup = Math.min(WARMUP_EVENTS, plan.events());
    benchmark.viaSdk(benchmark.ids(warmup), "warmup");
    benchmark.raw(benchmark.ids(warmup));
    Duration published = Duration.ZERO;
    Duration delivered = Duration.ZERO;
    Duration raw = Duration.ZERO;
    int first = plan.events() / 2;
    for (int turn : plan.events() > 1 ? new int[] {first, plan.events() - first} : new int[] {1}) {
      Duration[] sdk = benchmark.viaSdk(benchmark.ids(turn), "measured");
      published = published.plus(sdk[0]);
      delivered = delivered.plus(sdk[1]);
      raw = raw.plus(benchmark.raw(benchmark.ids(turn)));
    }
    return new Figures(plan.events(), plan.batchSize(), plan.publishers(), plan.publishBatch(), published, delivered,
        raw);
  }

  /** Publishes events with {@code ids} from the publisher threads; returns {time to publish all, time to delivery}. */
  private Duration[] viaSdk(List<String> ids, String name) throws IOException, InterruptedException {
    Path spool = Files.createTempDirectory(Files.createDirectories(plan.workDirectory()), "spool-" + name + "-");
    try (AnnalsClient client = AnnalsClient.builder().hubUrl(plan.hubUrl()).apiKey(plan.apiKey()).service("bench")
        .spoolDirectory(spool).batchSize(plan.batchSize(), 8L * 1024 * 1024).build()) {
      AtomicInteger next = new AtomicInteger();
      List<Thread> publishers = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < plan.publishers(); t++) {
        Thread publisher = new Thread(() -> {
          int chunk = plan.publishBatch();
          for (int from = next.getAndAdd(chunk); from < ids.size(); from = next.getAndAdd(chunk)) {
            if (chunk == 1) {
              client.publish(event(ids, from));
            } else {
              List<EventBuilder> events = new ArrayList<>(chunk);
              for (int i = from; i < Math.min(ids.size(), from + chunk); i++) {
                events.add(event(ids, i));
              }
              client.publishAll(events);
            }
          }
        });
        publisher.start();
        publishers.add(publisher);
      }
      for (Thread publisher : publishers) {
        publisher.join();
      }
      long published = System.nanoTime();
      if (!client.flush(Duration.ofMinutes(10))) {
        throw new IllegalStateException(client.pendingEvents() + " events not delivered within 10 minutes");
      }
      long delivered = System.nanoTime();
      return new Duration[] {Duration.ofNanos(published - start), Duration.ofNanos(delivered - start)};
    }
  }

  /** Posts events with {@code ids} as JSON arrays of the batch size, one request after another. */
  private Duration raw(List<String> ids) throws IOException, InterruptedException {
    List<byte[]> bodies = new ArrayList<>();
    String createdAt = Instant.now().toString();
    for (int from = 0; from < ids.size(); from += plan.batchSize()) {
      StringBuilder body = new StringBuilder("[");
      for (int i = from; i < Math.min(ids.size(), from + plan.batchSize()); i++) {
        body.append(i == from ? "" : ",").append(String.format(
            "{\"id\":\"%s\",\"meta\":{\"service\":\"bench\",\"type\":\"bench-measured\",\"created_at\":\"%s\","
                + "\"aggregate_id\":\"bench/%d\"},\"payload\":{\"amount\":\"%s\",\"n\":%d}}",
            ids.get(i), createdAt, i, payload(i).get("amount"), i));
      }
      bodies.add(body.append(']').toString().getBytes(StandardCharsets.UTF_8));
    }
    long start = System.nanoTime();
    for (byte[] body : bodies) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(plan.hubUrl() + "/events"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
      if (plan.apiKey() != null) {
        request.header("Authorization", "Bearer " + plan.apiKey());
      }
      HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200 || answer.body().contains("\"outcome\":\"invalid\"")) {
        throw new IllegalStateException("hub answered " + answer.statusCode() + ": " + answer.body());
      }
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static EventBuilder event(List<String> ids, int i) {
    return Events.of("bench-measured", "bench/" + i).id(ids.get(i)).payload(payload(i));
  }

  private static Map<String, Object> payload(int i) {
    return Map.of("amount", (i % 100) + ".00/EUR", "n", i);
  }

  /** Fresh ids shaped like UUIDv7 and in increasing order, so both sides insert into the store alike. */
  private List<String> ids(int count) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (i % 4096 == 0) {
        nextMillis++;
      }
      long msb = (nextMillis << 16) | 0x7000L | (i % 4096);
      long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
      ids.add(new UUID(msb, lsb).toString());
    }
    return ids;
  }
}
