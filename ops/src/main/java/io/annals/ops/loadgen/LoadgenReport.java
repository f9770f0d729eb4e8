package io.annals.ops.loadgen;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The summary of a load run.
 *
 * @param elapsed the sending window: the run's duration, or longer if sending fell behind
 * @param requests requests sent
 * @param intended events sent, by what each was meant to exercise
 * @param outcomes events by the hub's answer: created, duplicate, conflict, invalid, forbidden,
 *     and for whole requests turned away, throttled (429), unavailable (503) or http_NNN
 * @param errors requests without a usable answer, by kind (transport failures, unreadable bodies)
 * @param unanswered requests still without an answer when the run gave up waiting
 * @param latencyMicros p50, p90, p99 and max from each request's intended send time
 */
record LoadgenReport(
    int hubs,
    int targetRate,
    Duration elapsed,
    long requests,
    Map<Intent, Long> intended,
    Map<String, Long> outcomes,
    Map<String, Long> errors,
    long unanswered,
    long[] latencyMicros) {

  long events() {
    return intended.values().stream().mapToLong(Long::longValue).sum();
  }

  long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum() + unanswered;
  }

  /** Events answered with a 5xx status: the hub failed them. */
  long serverFailures() {
    return outcomes.entrySet().stream()
        .filter(e -> e.getKey().equals("unavailable") || e.getKey().startsWith("http_5"))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /** True when every request was answered and none with a server error. */
  boolean ok() {
    return requests > 0 && errorCount() == 0 && serverFailures() == 0;
  }

  String format() {
    double seconds = Math.max(elapsed.toMillis(), 1) / 1000.0;
    return String.join("\n",
        String.format(Locale.ROOT, "loadgen: sent %d events in %d requests to %d hub%s over %.1f s (target %d/s, achieved %.1f/s)",
            events(), requests, hubs, hubs == 1 ? "" : "s", seconds, targetRate, events() / seconds),
        "  sent:     " + intended.entrySet().stream()
            .map(e -> e.getKey().label() + " " + e.getValue()).collect(Collectors.joining(", ")),
        "  outcomes: " + (outcomes.isEmpty() ? "none" : outcomes.entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))),
        "  errors:   " + errorCount() + (errors.isEmpty() && unanswered == 0 ? "" : " ("
            + errors.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))
            + (unanswered > 0 ? (errors.isEmpty() ? "" : ", ") + "unanswered " + unanswered : "") + ")"),
        String.format(Locale.ROOT, "  latency from intended send time: p50 %s, p90 %s, p99 %s, max %s",
            millis(latencyMicros[0]), millis(latencyMicros[1]), millis(latencyMicros[2]), millis(latencyMicros[3])));
  }

  private static String millis(long micros) {
    return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
  }
}
