package io.annals.projections.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The worker's metrics, exactly those of docs/metrics.md, each labelled {@code projection}.
 * Gauges read values the runtime sets after each catch-up.
 */
public final class ProjectionMetrics {

  private final MeterRegistry registry;
  private final Map<String, Meters> byProjection = new ConcurrentHashMap<>();

  public ProjectionMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Metrics that nobody scrapes (tests, one-shot commands). */
  public static ProjectionMetrics discarding() {
    return new ProjectionMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Registers every metric of {@code projection} at zero, so that dashboards see it before it moves. */
  public void register(String projection) {
    meters(projection);
  }

  public void applied(String projection, long events) {
    meters(projection).applied.increment(events);
  }

  public void failure(String projection) {
    meters(projection).failures.increment();
  }

  public void batch(String projection, Duration duration) {
    meters(projection).batch.record(duration);
  }

  public void lag(String projection, double seconds, long events) {
    Meters meters = meters(projection);
    meters.lagSeconds.set(Double.doubleToLongBits(seconds));
    meters.lagEvents.set(events);
  }

  /** The age of the newest event of a batch at the moment the batch committed. */
  public void freshness(String projection, Duration age) {
    Meters meters = meters(projection);
    Duration clamped = age.isNegative() ? Duration.ZERO : age;
    meters.freshnessSeconds.set(Double.doubleToLongBits(clamped.toNanos() / 1e9));
    meters.freshness.record(clamped);
  }

  public void stopped(String projection, boolean stopped) {
    meters(projection).stopped.set(stopped ? 1 : 0);
  }

  public void parked(String projection, long events) {
    meters(projection).parked.set(events);
  }

  private Meters meters(String projection) {
    return byProjection.computeIfAbsent(projection, p -> new Meters(registry, p));
  }

  /** One projection's meters; gauges hold strong references to their values here. */
  private static final class Meters {
    final AtomicLong lagSeconds = new AtomicLong(Double.doubleToLongBits(0));
    final AtomicLong lagEvents = new AtomicLong();
    final AtomicLong parked = new AtomicLong();
    final AtomicLong stopped = new AtomicLong();
    final AtomicLong freshnessSeconds = new AtomicLong(Double.doubleToLongBits(0));
    final Timer freshness;
    final Counter applied;
    final Counter failures;
    final Timer batch;

    Meters(MeterRegistry registry, String projection) {
      Gauge.builder("annals.projection.lag", lagSeconds, v -> Double.longBitsToDouble(v.get()))
          .baseUnit("seconds").description("Age of the oldest event not yet applied (0 when caught up)")
          .tag("projection", projection).register(registry);
      Gauge.builder("annals.projection.lag.events", lagEvents, AtomicLong::get)
          .description("Events of the projection's types not yet applied")
          .tag("projection", projection).register(registry);
      Gauge.builder("annals.projection.parked.events", parked, AtomicLong::get)
          .description("Events parked (when configured to park)")
          .tag("projection", projection).register(registry);
      Gauge.builder("annals.projection.stopped", stopped, AtomicLong::get)
          .description("1 when stopped at a failing event")
          .tag("projection", projection).register(registry);
      Gauge.builder("annals.projection.freshness", freshnessSeconds, v -> Double.longBitsToDouble(v.get()))
          .baseUnit("seconds").description("Age of the newest applied event when its batch committed (the last batch)")
          .tag("projection", projection).register(registry);
      freshness = Timer.builder("annals.projection.freshness.applied")
          .description("Age of the newest event of each batch when the batch committed: how far the read model trails the history")
          .publishPercentileHistogram().tag("projection", projection).register(registry);
      applied = Counter.builder("annals.projection.events.applied")
          .description("Events applied to the read model").tag("projection", projection).register(registry);
      failures = Counter.builder("annals.projection.failures")
          .description("Handler failures (every failed attempt)").tag("projection", projection).register(registry);
      batch = Timer.builder("annals.projection.batch")
          .description("Duration of one applied batch (one transaction)")
          .publishPercentileHistogram().tag("projection", projection).register(registry);
    }
  }
}
