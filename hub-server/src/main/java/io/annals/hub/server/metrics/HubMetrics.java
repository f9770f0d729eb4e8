package io.annals.hub.server.metrics;

import io.annals.hub.server.event.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The hub's metrics, exactly those of docs/metrics.md, on one Prometheus registry with the JVM and
 * process binders. Callers record facts through the methods here, so that names, labels and
 * histogram settings live in one place.
 */
public final class HubMetrics implements AutoCloseable {

  /** Label value for an invalid event whose service or type could not be read. */
  public static final String UNKNOWN = "unknown";

  private static final int MAX_SERVICE_TYPE_PAIRS = 1_000;
  private static final int MAX_SERVICES = 200;
  private static final ReasonCounter AUTH_DENIED = new ReasonCounter("annals.hub.auth.denied", "auth denial",
      "requests refused by authentication, authorisation or the rate limit, by reason",
      List.of("unauthenticated", "forbidden", "rate_limited"));
  private static final ReasonCounter BODY_BUDGET_REFUSED = new ReasonCounter("annals.hub.ingest.body.budget.refusals",
      "body budget refusal", "requests refused by the body budget before (more of) their body was read, by reason",
      List.of("busy", "too_large"));

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final LabelLimiter pairs = new LabelLimiter(MAX_SERVICE_TYPE_PAIRS);
  private final LabelLimiter services = new LabelLimiter(MAX_SERVICES);
  private final AtomicInteger storeReady = new AtomicInteger();
  private final AtomicInteger storeCorrupt = new AtomicInteger();
  private final Timer clockStepsBack;
  private final AtomicLong feedStableLagMicros = new AtomicLong();
  private final Map<MeterKey, Meter> meters = new ConcurrentHashMap<>();

  public HubMetrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    Gauge.builder("annals.hub.store.ready", storeReady, AtomicInteger::get)
        .description("1 when the last store ping answered, else 0")
        .register(registry);
    Gauge.builder("annals.hub.feed.stable.lag", feedStableLagMicros, v -> v.get() / 1e6)
        .baseUnit("seconds")
        .description("now - stable point at the last feed read")
        .register(registry);
    clockStepsBack = Timer.builder("annals.hub.clock.step.back")
        .description("steps back of the clock behind received_at, and their sizes")
        .register(registry);
    Gauge.builder("annals.hub.store.corrupt", storeCorrupt, AtomicInteger::get)
        .description("1 once the store reported damage (a corrupt file), until the hub restarts")
        .register(registry);
    // Every reason from the start, so that rate() and alerts see 0 rather than no series.
    for (ReasonCounter counter : List.of(AUTH_DENIED, BODY_BUDGET_REFUSED)) {
      for (String reason : counter.reasons()) {
        counter.on(registry, reason);
      }
    }
  }

  /**
   * The meter of {@code metric} with these label values, registered by {@code register} the first
   * time. Micrometer's builder and {@code register()} cost about a microsecond per call, and the
   * hot paths record several meters per event.
   */
  @SuppressWarnings("unchecked")
  private <M extends Meter> M cached(String metric, String a, String b, String c, Supplier<M> register) {
    return (M) meters.computeIfAbsent(new MeterKey(metric, a, b, c), k -> register.get());
  }

  /** A meter's name and label values: a record, so that a lookup builds no string (issue 29). */
  private record MeterKey(String metric, String a, String b, String c) {}

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }

  /** Counts one submitted event by outcome; null service or type count as {@value #UNKNOWN}. */
  public void event(Outcome outcome, String service, String type) {
    String s = service == null ? UNKNOWN : service;
    String t = type == null ? UNKNOWN : type;
    // The pair is what multiplies series, so it is the pair that is bounded.
    boolean admitted = !pairs.admit(s + '\u0000' + t).equals(LabelLimiter.OTHER);
    String serviceLabel = admitted ? s : LabelLimiter.OTHER;
    String typeLabel = admitted ? t : LabelLimiter.OTHER;
    cached("events", outcome.name(), serviceLabel, typeLabel, () -> Counter.builder("annals.hub.events")
        .description("events submitted, by outcome")
        .tag("outcome", outcome.wireName())
        .tag("service", serviceLabel)
        .tag("type", typeLabel)
        .register(registry))
        .increment();
  }

  /** Records {@code received_at - created_at} of a created event; a negative delay counts as 0. */
  public void arrivalDelay(String service, Duration delay) {
    String label = services.admit(service);
    cached("arrival", label, "", "", () -> Timer.builder("annals.hub.arrival.delay")
        .description("received_at - created_at of created events")
        .tag("service", label)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofDays(1))
        .register(registry))
        .record(delay.isNegative() ? Duration.ZERO : delay);
  }

  /**
   * Counts one request refused before its handler: {@code unauthenticated} (401), {@code forbidden}
   * (403) or {@code rate_limited} (429).
   */
  public void authDenied(String reason) {
    AUTH_DENIED.on(registry, reason).increment();
  }

  /**
   * Counts one request refused by the body budget (HUB_BODY_BUDGET): {@code busy} (503, the
   * bodies in flight hold the budget) or {@code too_large} (413, the body decodes to more than the
   * whole budget).
   */
  public void bodyBudgetRefused(String reason) {
    BODY_BUDGET_REFUSED.on(registry, reason).increment();
  }

  /** A counter with a {@code reason} label whose values are known in advance; {@code what} names it in errors. */
  private record ReasonCounter(String name, String what, String description, List<String> reasons) {

    /** The series of {@code reason}, registered the first time; an unknown reason is a bug of the caller. */
    Counter on(MeterRegistry registry, String reason) {
      if (!reasons.contains(reason)) {
        throw new IllegalArgumentException("unknown " + what + " reason \"" + reason + "\"; expected one of " + reasons);
      }
      return Counter.builder(name).description(description).tag("reason", reason).register(registry);
    }
  }

  /** Records one HTTP request; {@code route} must be a route template, never a raw path. */
  public void httpRequest(String method, String route, int status, long nanos) {
    cached("http", method, route, Integer.toString(status), () -> Timer.builder("annals.hub.http.requests")
        .description("HTTP request latency")
        .tag("method", method)
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Records one store call: {@code operation} is append, find, query, aggregate, feed, count or ping. */
  public void storeCall(String operation, boolean ok, long nanos) {
    cached("store", operation, ok ? "ok" : "unavailable", "", () -> Timer.builder("annals.hub.store")
        .description("store call latency")
        .tag("operation", operation)
        .tag("result", ok ? "ok" : "unavailable")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Sets the store-ready gauge from the outcome of the latest ping. */
  public void storeReady(boolean ready) {
    storeReady.set(ready ? 1 : 0);
  }

  /** Sets the store-corrupt gauge: the store reported damage (it stays set; only a restart on a sound file clears it). */
  public void storeCorrupt() {
    storeCorrupt.set(1);
  }

  /** Records one step back of the clock behind {@code received_at}, and its size. */
  public void clockStepBack(Duration step) {
    clockStepsBack.record(step);
  }

  /** Records the size of one group-commit transaction. */
  public void commitBatch(int events) {
    // Cached as the other hot meters: the builder ran on the group committer's thread once per transaction.
    this.<DistributionSummary>cached("batch", "", "", "", () -> DistributionSummary.builder("annals.hub.ingest.batch")
        .description("events per group-commit transaction")
        .baseUnit("events")
        .publishPercentileHistogram()
        .minimumExpectedValue(1.0)
        .maximumExpectedValue(100_000.0)
        .register(registry))
        .record(events);
  }

  /** Registers the gauge of events waiting for the group committer. */
  public void ingestQueue(Supplier<Number> events) {
    Gauge.builder("annals.hub.ingest.queue", events)
        .description("events waiting for the group committer")
        .baseUnit("events")
        .register(registry);
  }

  /** Sets {@code now - stable point} of the latest feed read. */
  public void feedStableLag(Duration lag) {
    feedStableLagMicros.set(lag.isNegative() ? 0 : lag.toMillis() * 1000);
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
