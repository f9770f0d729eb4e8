package io.annals.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke test: the command runs end to end with tiny sizes; figures are printed, never asserted on. */
class BenchCommandTest {

  @TempDir Path dir;

  /** A tiny quick run ({@code --scale 0.02}) of these scenarios: what it printed and the JSON it wrote. */
  static JsonNode tinyRun(Path dir, String only, StringBuilder printed) throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Path out = dir.resolve("bench-results.json");

    int exit = new BenchCommand(new PrintStream(output, true, StandardCharsets.UTF_8), Map.of()).run(new String[] {
        "--quick", "--scale", "0.02", "--only", only, "--out", out.toString(), "--work-dir", dir.resolve("work").toString()});

    printed.append(output.toString(StandardCharsets.UTF_8));
    System.out.println(printed);
    assertThat(exit).as(printed.toString()).isZero();
    return new ObjectMapper().readTree(Files.readString(out));
  }

  @Test
  void a_tiny_run_measures_the_chosen_scenarios_against_a_real_hub_and_writes_the_json() throws Exception {
    StringBuilder printed = new StringBuilder();
    JsonNode json = tinyRun(dir, "ingest-batch,hub-peak-rss,ingest-at-scale", printed);
    assertThat(json.path("machine").asText()).contains("cpus");
    assertThat(json.path("scenarios")).extracting(s -> s.path("name").asText())
        .containsExactly("ingest-batch", "ingest-at-scale", "hub-peak-rss");
    for (JsonNode scenario : json.path("scenarios")) {
      assertThat(scenario.path("figure").asDouble()).as(scenario.toString()).isPositive();
      assertThat(scenario.path("baseline").asDouble()).as(scenario.toString()).isPositive();
    }
    assertThat(printed).contains("ingest-batch").contains("hub-peak-rss");
    JsonNode atScale = json.path("scenarios").get(1).path("details");
    for (String read : List.of("aggregate", "correlation")) {
      for (String store : List.of("with_history", "empty")) {
        assertThat(atScale.path("read_by_" + read + "_ms_p50_" + store).asDouble()).as(atScale.toString()).isPositive();
      }
    }
    assertThat(dir.resolve("work")).as("the work directory is removed").doesNotExist();
  }

  @Test
  void a_tiny_run_of_ingest_batch_validated_measures_it_beside_a_hub_without_schemas() throws Exception {
    JsonNode json = tinyRun(dir, "ingest-batch-validated", new StringBuilder());
    JsonNode scenario = json.path("scenarios").get(0);
    assertThat(scenario.path("name").asText()).isEqualTo("ingest-batch-validated");
    assertThat(scenario.path("figure").asDouble()).as(scenario.toString()).isPositive();
    assertThat(scenario.path("baseline").asDouble()).as(scenario.toString()).isPositive();
    assertThat(scenario.path("details").path("validated_hub_cpu_us_per_event").asDouble()).as(scenario.toString()).isPositive();
    assertThat(scenario.path("details").path("types_with_schema").asInt()).isEqualTo(3);
  }

  @Test
  void a_tiny_run_of_concurrent_singles_also_measures_the_store_alone_at_the_hubs_own_group_size() throws Exception {
    JsonNode json = tinyRun(dir, "ingest-concurrent-single", new StringBuilder());
    JsonNode scenario = json.path("scenarios").get(0);
    JsonNode details = scenario.path("details");
    assertThat(scenario.path("name").asText()).isEqualTo("ingest-concurrent-single");
    assertThat(scenario.path("figure").asDouble()).as(scenario.toString()).isPositive();
    assertThat(details.path("hub_events_per_transaction").asDouble()).as(details.toString()).isGreaterThanOrEqualTo(1);
    assertThat(details.path("raw_at_hub_group_size_events_per_s").asDouble()).as(details.toString()).isPositive();
    // The report rounds to three significant digits.
    assertThat(details.path("ratio_raw_at_hub_group_size_to_baseline").asDouble()).as(details.toString())
        .isCloseTo(details.path("raw_at_hub_group_size_events_per_s").asDouble() / scenario.path("baseline").asDouble(),
            org.assertj.core.data.Percentage.withPercentage(0.5));
  }

  @Test
  void a_tiny_run_measures_freshness_and_the_idle_cost_of_waiting_consumers() throws Exception {
    StringBuilder printed = new StringBuilder();
    JsonNode json = tinyRun(dir, "freshness,feed-idle", printed);
    assertThat(json.path("scenarios")).extracting(s -> s.path("name").asText()).containsExactly("freshness", "feed-idle");
    JsonNode freshness = json.path("scenarios").get(0).path("details");
    for (String round : List.of("one_hub", "two_hubs")) {
      assertThat(freshness.path(round + "_freshness_samples").asInt()).as(freshness.toString()).isPositive();
      assertThat(freshness.path(round + "_feed_visibility_p99_ms").isNumber()).as(freshness.toString()).isTrue();
    }
    JsonNode idle = json.path("scenarios").get(1).path("details");
    assertThat(idle.path("waiting_per_hub_gauge").asInt()).as(idle.toString())
        .isEqualTo(idle.path("long_polls").asInt() + idle.path("streams").asInt());
    assertThat(idle.path("hub_heap_used_mib").asDouble()).isPositive();
  }

  @Test
  void a_tiny_run_measures_export_import_and_migrate_beside_their_baselines() throws Exception {
    StringBuilder printed = new StringBuilder();
    JsonNode json = tinyRun(dir, "export,import,migrate", printed);
    assertThat(json.path("scenarios")).extracting(s -> s.path("name").asText()).containsExactly("export", "import", "migrate");
    for (JsonNode scenario : json.path("scenarios")) {
      assertThat(scenario.path("figure").asDouble()).as(scenario.toString()).isPositive();
      assertThat(scenario.path("baseline").asDouble()).as(scenario.toString()).isPositive();
      assertThat(scenario.path("details").path("events").asLong()).as(scenario.toString()).isEqualTo(1200);
    }
    // export and feed paging are warmed until the JIT settles, then timed in turns, the JIT's share reported for both
    JsonNode exported = json.path("scenarios").get(0).path("details");
    for (String turn : List.of("turn_1_feed_paging", "turn_2_export", "turn_3_export", "turn_4_feed_paging")) {
      assertThat(exported.path(turn + "_events_per_s").asDouble()).as(turn).isPositive();
    }
    assertThat(exported.path("warm_up_slices").asInt()).as(exported.toString()).isPositive();
    for (String share : List.of("hub_jit_cpu_share_export", "hub_jit_cpu_share_feed_paging", "exporter_jit_cpu_share",
        "feed_reader_jit_cpu_share", "warm_up_last_client_jit_compiler_cpu_share")) {
      assertThat(exported.path(share).isNumber()).as(share).isTrue();
    }
    // beside it the same run's floor: only deflating and hashing the export's lines, in-process
    assertThat(exported.path("floor_deflate_sha256_cpu_us_per_event").asDouble()).as(exported.toString()).isPositive();
    assertThat(exported.path("floor_lines").asInt()).isEqualTo(1200);
    assertThat(exported.path("floor_gzip_bytes_per_line").asDouble()).isPositive()
        .isLessThan(exported.path("floor_bytes_per_line").asDouble());
    // import also weighs the SDK's spool against the importer, in turns, each over two fresh hubs
    JsonNode imported = json.path("scenarios").get(1).path("details");
    assertThat(imported.path("sdk_import_events_per_s").asDouble()).as(imported.toString()).isPositive();
    for (String turn : List.of("turn_1_importer", "turn_2_sdk", "turn_3_sdk", "turn_4_importer")) {
      assertThat(imported.path(turn + "_events_per_s").asDouble()).as(turn).isPositive();
    }
    assertThat(imported.path("sdk_import_to_importer_rate").asDouble()).isPositive();
  }

  @Test
  void a_bad_option_prints_the_usage_on_stderr_and_exits_2() throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();

    int exit = new BenchCommand(new PrintStream(output, true, StandardCharsets.UTF_8),
        new PrintStream(errors, true, StandardCharsets.UTF_8), Map.of()).run(new String[] {"--only", "nope"});

    assertThat(exit).isEqualTo(2);
    assertThat(errors.toString(StandardCharsets.UTF_8)).contains("unknown scenario \"nope\"");
    assertThat(output.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void help_prints_the_usage_on_stdout_and_exits_0() throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();

    int exit = new BenchCommand(new PrintStream(output, true, StandardCharsets.UTF_8),
        new PrintStream(errors, true, StandardCharsets.UTF_8), Map.of()).run(new String[] {"--help"});

    assertThat(exit).isZero();
    assertThat(output.toString(StandardCharsets.UTF_8)).startsWith("usage:");
    assertThat(errors.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
