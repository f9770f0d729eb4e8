package io.annals.ops.send;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.Hub;
import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The measurement runs end to end against a real hub; its figures are printed, never asserted on. */
class DeliveryBenchmarkTest {

  @TempDir Path dir;

  @Test
  void both_sides_deliver_every_event_and_report_their_rates() throws Exception {
    Path data = Files.createDirectories(dir.resolve("hub"));
    HubConfig config = HubConfig.load(Map.of("HUB_PORT", "0", "HUB_DATA_DIR", data.toString()), new String[0]);
    try (Hub hub = Hub.start(config, Store.of(SqliteEventStore.open(data)), Clock.systemUTC())) {
      DeliveryBenchmark.Figures figures = DeliveryBenchmark.run(new DeliveryBenchmark.Plan(
          "http://127.0.0.1:" + hub.port(), null, dir.resolve("work"), 400, 100, 4));

      System.out.println(figures.report());
      assertThat(figures.events()).isEqualTo(400);
      assertThat(figures.sdkDelivered()).isGreaterThanOrEqualTo(figures.sdkPublished()).isPositive();
      assertThat(figures.rawPosted()).isPositive();
      assertThat(figures.report()).contains("SDK end to end").contains("raw batched POST");
    }
  }
}
