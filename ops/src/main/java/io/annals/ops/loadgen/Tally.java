package io.annals.ops.loadgen;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a load run sent and got back, updated concurrently by the scheduler and by response
 * callbacks. Latency is measured from each request's intended send time, not from when it went
 * out, so a stalled hub shows up as latency instead of being hidden (coordinated omission).
 */
final class Tally {

  private final LongAdder requests = new LongAdder();
  private final Map<Intent, LongAdder> intended = new EnumMap<>(Intent.class);
  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final LongAdder answered = new LongAdder();
  private final LatencyHistogram latency = new LatencyHistogram();

  Tally() {
    for (Intent intent : Intent.values()) {
      intended.put(intent, new LongAdder());
    }
  }

  void sent(PlannedRequest request) {
    requests.increment();
    request.intents().forEach(intent -> intended.get(intent).increment());
  }

  /** Counts {@code events} events with one outcome, e.g. {@code created} or {@code throttled}. */
  void outcome(String outcome, int events) {
    outcomes.computeIfAbsent(outcome, k -> new LongAdder()).add(events);
  }

  /** A request that got no usable answer: a transport failure or an unreadable body. */
  void error(String kind) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  void completed(long latencyMicros) {
    answered.increment();
    latency.record(latencyMicros);
  }

  long requests() {
    return requests.sum();
  }

  long inFlight() {
    return requests.sum() - answered.sum();
  }

  Map<Intent, Long> intended() {
    Map<Intent, Long> result = new EnumMap<>(Intent.class);
    intended.forEach((intent, count) -> result.put(intent, count.sum()));
    return result;
  }

  Map<String, Long> outcomes() {
    return snapshot(outcomes);
  }

  Map<String, Long> errors() {
    return snapshot(errors);
  }

  LatencyHistogram latency() {
    return latency;
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
    Map<String, Long> result = new TreeMap<>();
    counters.forEach((key, count) -> result.put(key, count.sum()));
    return result;
  }
}
