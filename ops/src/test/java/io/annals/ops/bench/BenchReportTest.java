package io.annals.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

  @TempDir Path dir;

  private static Map<String, Object> details() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("events", 60_000);
    details.put("p99_ms", 12.34567);
    details.put("store", "SQLite");
    return details;
  }

  @Test
  void the_json_holds_the_machine_and_one_entry_per_scenario_with_figure_baseline_ratio_and_target() throws Exception {
    // Given a met ratio, a missed latency, a figure without target and a failed scenario
    BenchReport report = new BenchReport("2 cpus", "quick", List.of(
        ScenarioResult.ratio("ingest-batch", 7_000.4, 10_000, "events/s", 0.7, details()),
        new ScenarioResult("latency-p99-half-load", 31.5, "ms", 4.0, 31.5 / 4.0, 25.0,
            ScenarioResult.Goal.FIGURE_AT_MOST, Map.of(), null),
        new ScenarioResult("hub-peak-rss", 412.25, "MiB", 101.0, 412.25 / 101.0, null, ScenarioResult.Goal.NONE,
            Map.of(), null),
        ScenarioResult.failed("feed-paging", "IllegalStateException: the hub did not start")));

    // When it is written
    Path file = dir.resolve("out/bench-results.json");
    report.write(file);
    JsonNode json = new ObjectMapper().readTree(Files.readString(file));

    // Then
    assertThat(json.path("machine").asText()).isEqualTo("2 cpus");
    JsonNode scenarios = json.path("scenarios");
    assertThat(scenarios).hasSize(4);
    JsonNode batch = scenarios.get(0);
    assertThat(batch.path("name").asText()).isEqualTo("ingest-batch");
    assertThat(batch.path("figure").asDouble()).isEqualTo(7000);
    assertThat(batch.path("unit").asText()).isEqualTo("events/s");
    assertThat(batch.path("baseline").asDouble()).isEqualTo(10_000);
    assertThat(batch.path("ratio").asDouble()).isEqualTo(0.7);
    assertThat(batch.path("target").asDouble()).isEqualTo(0.7);
    assertThat(batch.path("met").asBoolean()).isTrue();
    assertThat(batch.path("details").path("p99_ms").asDouble()).isEqualTo(12.346);
    assertThat(batch.path("details").path("store").asText()).isEqualTo("SQLite");
    assertThat(scenarios.get(1).path("met").asBoolean()).as("31.5 ms is over 25 ms").isFalse();
    assertThat(scenarios.get(1).path("goal").asText()).isEqualTo("figure <=");
    assertThat(scenarios.get(2).path("target").isNull()).isTrue();
    assertThat(scenarios.get(2).path("met").isNull()).isTrue();
    JsonNode failed = scenarios.get(3);
    assertThat(failed.path("figure").isNull()).isTrue();
    assertThat(failed.path("note").asText()).contains("the hub did not start");
  }

  @Test
  void the_table_has_a_line_per_scenario_saying_whether_its_target_was_met() {
    BenchReport report = new BenchReport("m", "quick", List.of(
        ScenarioResult.ratio("ingest-batch", 5_000, 10_000, "events/s", 0.7, Map.of()),
        ScenarioResult.ratio("feed-paging", 9_000, 10_000, "events/s", 0.6, Map.of())));

    String table = report.table();

    assertThat(table.lines()).hasSize(3);
    assertThat(table.lines().filter(l -> l.startsWith("ingest-batch")).findFirst().orElseThrow())
        .contains("5000").contains("10000").contains("0.5").contains(">= 0.7").endsWith("NO");
    assertThat(table.lines().filter(l -> l.startsWith("feed-paging")).findFirst().orElseThrow()).endsWith("yes");
  }

  @Test
  void numbers_keep_three_decimals_below_a_hundred_and_none_above() {
    assertThat(BenchReport.round(0.73449).toPlainString()).isEqualTo("0.734");
    assertThat(BenchReport.round(12.5).toPlainString()).isEqualTo("12.5");
    assertThat(BenchReport.round(48_211.49).toPlainString()).isEqualTo("48211");
    assertThat(BenchReport.round(1_500_000).toPlainString()).isEqualTo("1500000");
  }
}
