package io.annals.projections.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.projections.reports.paymentsdaily.PaymentsDaily;
import io.annals.projections.runtime.ProjectionRuntime;
import io.annals.projections.support.Fixture;
import io.annals.projections.support.TestEvents;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectionMetricsTest {

  @TempDir Path dir;

  /** The projection metrics of docs/metrics.md, as Prometheus names them. */
  private static final Set<String> CONTRACT = Set.of(
      "annals_projection_lag_seconds", "annals_projection_lag_events", "annals_projection_events_applied_total",
      "annals_projection_failures_total", "annals_projection_parked_events", "annals_projection_stopped",
      "annals_projection_batch_seconds", "annals_projection_freshness_seconds",
      "annals_projection_freshness_applied_seconds");

  @Test
  void the_worker_serves_exactly_the_projection_metrics_of_the_contract_on_its_metrics_port() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Fixture fixture = new Fixture(dir);
    fixture.feed.append(List.of(
        TestEvents.payment(TestEvents.id(1), "2026-01-01T10:00:00Z", "2026-01-01T10:00:01Z", "3.0000/EUR"),
        TestEvents.payment(TestEvents.id(2), "2026-01-01T10:00:00Z", "2026-01-01T10:00:02Z", "1/EUR")));
    try (ProjectionRuntime runtime = ProjectionRuntime.builder(fixture.database, fixture.feed)
            .projection(new PaymentsDaily()).metrics(new ProjectionMetrics(registry)).build();
        MetricsServer server = MetricsServer.start(registry, 0)) {
      runtime.catchUp("payments-daily");
      runtime.status("payments-daily");

      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      Set<String> expected = new TreeSet<>(CONTRACT);
      expected.add("annals_projection_batch_seconds_max"); // Micrometer's timer always carries its max
      expected.add("annals_projection_freshness_applied_seconds_max");
      assertThat(families(response.body())).isEqualTo(expected);
      assertThat(response.body())
          .contains("annals_projection_events_applied_total{projection=\"payments-daily\"} 2.0")
          .contains("annals_projection_lag_events{projection=\"payments-daily\"} 0.0")
          .contains("annals_projection_stopped{projection=\"payments-daily\"} 0.0")
          .contains("annals_projection_batch_seconds_count{projection=\"payments-daily\"} 1")
          .contains("annals_projection_batch_seconds_bucket{projection=\"payments-daily\",le=")
          // the events were received in 2026-01-01: their batch applied them months later
          .contains("annals_projection_freshness_applied_seconds_count{projection=\"payments-daily\"} 1");
      assertThat(gauge(response.body(), "annals_projection_freshness_seconds{projection=\"payments-daily\"}")).isPositive();
    }
  }

  private static double gauge(String scrape, String series) {
    return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst().orElse(Double.NaN);
  }

  /** Metric family names from the text format's TYPE lines. */
  private static Set<String> families(String scrape) {
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(scrape);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }
}
