package io.annals.hub.client.internal.delivery;

import io.annals.hub.client.Outcome;
import io.annals.hub.client.internal.spool.Spool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** The SDK's metrics on the application's registry, named as in docs/metrics.md ("client SDK"). */
public final class MicrometerDeliveryMetrics implements DeliveryMetrics {

  private final Map<Outcome, Counter> delivered = new EnumMap<>(Outcome.class);
  private final Map<Outcome, Counter> deadLetters = new EnumMap<>(Outcome.class);
  private final Counter retries;
  private final Timer delivery;

  private MicrometerDeliveryMetrics(MeterRegistry registry, String service, Spool spool, Spool heldBack) {
    Gauge.builder("annals.sdk.spool.events", spool, Spool::pendingEvents)
        .description("Events spooled, not yet delivered")
        .tag("service", service)
        .register(registry);
    Gauge.builder("annals.sdk.spool.oldest.age", spool, s -> s.oldestAge().toMillis() / 1000.0)
        .description("Age of the oldest spooled event")
        .baseUnit("seconds")
        .tag("service", service)
        .register(registry);
    Gauge.builder("annals.sdk.held.back", heldBack, Spool::pendingEvents)
        .description("Events held back: the hub failed on each alone while accepting others; retried on their own")
        .tag("service", service)
        .register(registry);
    // Registered up front so that dashboards and alerts see zeros, not missing series.
    for (Outcome outcome : Outcome.values()) {
      if (outcome.delivered()) {
        delivered.put(outcome, Counter.builder("annals.sdk.delivered")
            .description("Events delivered")
            .tags("service", service, "outcome", outcome.wireName())
            .register(registry));
      } else {
        deadLetters.put(outcome, Counter.builder("annals.sdk.dead.letters")
            .description("Events dead-lettered")
            .tags("service", service, "reason", outcome.wireName())
            .register(registry));
      }
    }
    retries = Counter.builder("annals.sdk.retries")
        .description("Delivery attempts that will be retried")
        .tag("service", service)
        .register(registry);
    delivery = Timer.builder("annals.sdk.delivery")
        .description("Time from publish to acknowledgement by the hub")
        .tag("service", service)
        .publishPercentileHistogram()
        .register(registry);
  }

  /** Registers the meters for {@code service} on {@code registry}. */
  public static DeliveryMetrics bind(MeterRegistry registry, String service, Spool spool, Spool heldBack) {
    return new MicrometerDeliveryMetrics(registry, service, spool, heldBack);
  }

  @Override
  public void delivered(Outcome outcome, Duration sincePublish) {
    delivered.get(outcome).increment();
    delivery.record(sincePublish.isNegative() ? Duration.ZERO : sincePublish);
  }

  @Override
  public void deadLettered(Outcome reason) {
    deadLetters.get(reason).increment();
  }

  @Override
  public void retried() {
    retries.increment();
  }
}
