package io.annals.projections.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.client.FeedReader;
import io.annals.projections.metrics.ProjectionMetrics;
import io.annals.projections.runtime.Daemon;
import io.annals.projections.runtime.FeedSource;
import io.annals.projections.runtime.ProjectionRuntime;
import io.annals.projections.runtime.RuntimeConfig;
import io.annals.projections.sql.Database;
import io.annals.testsupport.HubProcess;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon tails the feed: with an interval of ten minutes, events posted after it caught up are
 * applied long before the interval could have passed, because it waits in a long poll that the hub
 * answers as soon as they are stable. Its freshness metric then shows their age at apply time.
 */
class TailingDaemonTest {

  @TempDir Path dir;

  @Test
  void a_caught_up_daemon_applies_new_events_without_waiting_for_its_interval() throws Exception {
    try (HubProcess hub = HubEvents.startHub(dir)) {
      HubEvents.load(hub, 100, 7);
      HubEvents.awaitStable(hub, 100);
      Database database = Database.open("jdbc:sqlite:" + dir.resolve("tail.db"));
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      ProjectionRuntime runtime = ProjectionRuntime.builder(database, FeedSource.of(FeedReader.of(hub.url().toString(), null)))
          .projection(new AuditProjection("tailer")).metrics(new ProjectionMetrics(registry))
          .config(RuntimeConfig.defaults().withInterval(Duration.ofMinutes(10))).build();
      Daemon daemon = new Daemon(runtime, Clock.systemUTC());
      daemon.start();
      try {
        Deadline first = Deadline.in(Duration.ofMinutes(2), "the first catch-up");
        while (Workers.audited(database) < 100) {
          first.sleep(20);
        }
        // caught up: the daemon now waits in a long poll (its interval is ten minutes)
        HubEvents.load(hub, 150, 8);
        Deadline tail = Deadline.in(Duration.ofMinutes(2), "the new events, well within the ten-minute interval");
        while (Workers.audited(database) < 250) {
          tail.sleep(20);
        }
      } finally {
        daemon.stop();
      }
      assertThat(Workers.audited(database)).isEqualTo(250);
      assertThat(registry.scrape()).contains("annals_projection_freshness_applied_seconds_count{projection=\"audit\"}");
    }
  }
}
