package io.annals.ops.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends generated traffic to {@code POST /events} at a fixed rate on an open-loop schedule: event
 * {@code i} is due at {@code start + i / rate} whatever the answers to earlier requests, requests
 * go out asynchronously, and latency counts from the due time. A slow hub therefore shows up as
 * latency and in-flight requests instead of quietly lowering the rate (coordinated omission). Only
 * {@code maxInFlight} bounds the requests awaiting answers, to protect this process.
 */
final class Loadgen {

  private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final LoadgenOptions options;
  private final Traffic traffic;
  private final HttpClient http;
  private final PrintStream progress;
  private final ObjectMapper json = new ObjectMapper();
  private final Tally tally = new Tally();

  Loadgen(LoadgenOptions options, TrafficMix mix, Clock clock, HttpClient http, PrintStream progress) {
    this.options = options;
    this.traffic = new Traffic(options.services(), mix, options.seed(), clock);
    this.http = http;
    this.progress = progress;
  }

  static HttpClient defaultClient(LoadgenOptions options) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(options.timeout().compareTo(Duration.ofSeconds(10)) < 0 ? options.timeout() : Duration.ofSeconds(10))
        .build();
  }

  LoadgenReport run() throws InterruptedException {
    long total = Math.max(1, options.duration().toNanos() * options.rate() / 1_000_000_000L);
    double nanosPerEvent = 1e9 / options.rate();
    Semaphore inFlight = new Semaphore(options.maxInFlight());
    long start = System.nanoTime();
    long nextProgress = start + PROGRESS_EVERY_NANOS;
    long requestNumber = 0;
    for (long event = 0; event < total; ) {
      long due = start + (long) (event * nanosPerEvent);
      sleepUntil(due);
      PlannedRequest request = traffic.next((int) Math.min(Integer.MAX_VALUE, total - event));
      inFlight.acquire();
      tally.sent(request);
      URI hub = options.hubs().get((int) (requestNumber++ % options.hubs().size()));
      send(hub, request, due).whenComplete((ignored, failure) -> inFlight.release());
      event += request.events();
      if (System.nanoTime() >= nextProgress) {
        progress.printf("loadgen: %d s: %d events sent, %d requests in flight%n",
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), event, tally.inFlight());
        nextProgress += PROGRESS_EVERY_NANOS;
      }
    }
    // The sending window: the run's duration, or longer when sending fell behind the schedule.
    Duration sending = Duration.ofNanos(System.nanoTime() - start);
    Duration elapsed = sending.compareTo(options.duration()) > 0 ? sending : options.duration();
    boolean drained = inFlight.tryAcquire(options.maxInFlight(), options.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    LatencyHistogram latency = tally.latency();
    return new LoadgenReport(options.hubs().size(), options.rate(), elapsed, tally.requests(), tally.intended(),
        tally.outcomes(), tally.errors(), drained ? 0 : tally.inFlight(),
        new long[] {latency.valueAt(0.5), latency.valueAt(0.9), latency.valueAt(0.99), latency.valueAt(1.0)});
  }

  private java.util.concurrent.CompletableFuture<Void> send(URI hub, PlannedRequest request, long due) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(hub.resolve("/events"))
        .timeout(options.timeout())
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(request.body()));
    options.apiKey().ifPresent(key -> builder.header("Authorization", "Bearer " + key));
    return http.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofString())
        .handle((response, failure) -> {
          tally.completed(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - due));
          if (failure != null) {
            tally.error(errorKind(failure));
          } else {
            count(request, response);
          }
          return null;
        });
  }

  private void count(PlannedRequest request, HttpResponse<String> response) {
    int status = response.statusCode();
    if (!request.batch() || status != 200) {
      tally.outcome(outcomeOf(status), request.events());
      return;
    }
    try {
      JsonNode results = json.readTree(response.body()).path("results");
      if (!results.isArray() || results.size() != request.events()) {
        tally.error("batch answer without one result per event");
        return;
      }
      for (JsonNode result : results) {
        tally.outcome(result.path("outcome").asText("missing"), 1);
      }
    } catch (Exception e) {
      tally.error("unreadable batch answer");
    }
  }

  /** The outcome a single-event status stands for (DESIGN.md), or why the request was turned away. */
  static String outcomeOf(int status) {
    return switch (status) {
      case 201 -> "created";
      case 200 -> "duplicate";
      case 409 -> "conflict";
      case 400 -> "invalid";
      case 403 -> "forbidden";
      case 401 -> "unauthorized";
      case 429 -> "throttled";
      case 503 -> "unavailable";
      default -> "http_" + status;
    };
  }

  private static String errorKind(Throwable failure) {
    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    return cause.getClass().getSimpleName();
  }

  private static void sleepUntil(long due) {
    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
      LockSupport.parkNanos(wait);
    }
  }
}
