package io.annals.hub.client;

import io.annals.testsupport.FakeHub;
import io.annals.testsupport.TestClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The delivery-latency timer measures from the publish to the hub's verdict on the client's clock.
 * {@link MetricsTest} checks only that it counts; a mutant that added instead of subtracting the
 * spool time survived (docs/mutation.md). The event waits in the spool while no hub listens, the
 * clock moves 3 s, and the next client on the spool delivers it.
 */
class DeliveryLatencyMetricTest extends AgainstFakeHub {

  @Test
  void the_delivery_time_recorded_is_the_time_since_publish_on_the_clients_clock() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    String downHub;
    try (FakeHub stopped = new FakeHub()) {
      downHub = stopped.url(); // a port where nothing listens once closed
    }
    try (AnnalsClient client = clientOfBilling().hubUrl(downHub).clock(clock).build()) {
      client.publish("payment-completed", "payment/1", Map.of());
    }
    clock.advance(Duration.ofSeconds(3));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (AnnalsClient client = clientOfBilling().meterRegistry(registry).clock(clock).build()) {
      assertThat(client.flush(Duration.ofSeconds(10))).isTrue();

      assertThat(registry.scrape())
          .contains("annals_sdk_delivery_seconds_count{service=\"billing\"} 1")
          .contains("annals_sdk_delivery_seconds_sum{service=\"billing\"} 3.0");
    }
  }
}
