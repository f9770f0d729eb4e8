package io.annals.hub.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.testsupport.TestClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SDK's metrics come out under exactly the names docs/metrics.md promises. */
class MetricsTest extends AgainstFakeHub {

  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Test
  void delivery_dead_letters_retries_and_the_spool_are_scraped_under_the_documented_names() {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    hub.answerNext(1, 503, "0");
    try (AnnalsClient client = clientOfBilling().meterRegistry(registry).clock(clock)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(20)).build()) {
      client.publish("payment-completed", "payment/1", Map.of());
      client.publish("invalid", "payment/2", Map.of());
      assertThat(client.flush(Duration.ofSeconds(10))).isTrue();

      String scrape = registry.scrape();

      assertThat(scrape)
          .contains("annals_sdk_spool_events{service=\"billing\"} 0")
          .contains("annals_sdk_spool_oldest_age_seconds{service=\"billing\"} 0")
          .contains("annals_sdk_delivered_total{outcome=\"created\",service=\"billing\"} 1")
          .contains("annals_sdk_delivered_total{outcome=\"duplicate\",service=\"billing\"} 0")
          .contains("annals_sdk_dead_letters_total{reason=\"invalid\",service=\"billing\"} 1")
          .contains("annals_sdk_dead_letters_total{reason=\"conflict\",service=\"billing\"} 0")
          .contains("annals_sdk_dead_letters_total{reason=\"expired\",service=\"billing\"} 0")
          .contains("annals_sdk_dead_letters_total{reason=\"forbidden\",service=\"billing\"} 0")
          .contains("annals_sdk_retries_total{service=\"billing\"} 1")
          .contains("annals_sdk_delivery_seconds_count{service=\"billing\"} 1")
          .contains("annals_sdk_delivery_seconds_bucket{service=\"billing\",le=");
    }
  }

  @Test
  void the_spool_gauges_show_undelivered_events_and_their_age() {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    hub.answerNext(1000, 503, "60");
    try (AnnalsClient client = clientOfBilling().meterRegistry(registry).clock(clock).build()) {
      client.publish("payment-completed", "payment/1", Map.of());
      client.publish("payment-completed", "payment/2", Map.of());
      clock.advance(Duration.ofSeconds(90));

      assertThat(registry.scrape())
          .contains("annals_sdk_spool_events{service=\"billing\"} 2")
          .contains("annals_sdk_spool_oldest_age_seconds{service=\"billing\"} 90");
    }
  }
}
