package io.annals.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke test of {@code --only ledger}: its three results and their keys; figures are printed, never asserted on. */
class LedgerBenchTest {

  @TempDir Path dir;

  @Test
  void the_ledger_scenario_reports_ingest_on_against_off_the_lag_and_proof_latency_with_their_keys() throws Exception {
    JsonNode scenarios = BenchCommandTest.tinyRun(dir, "ledger", new StringBuilder()).path("scenarios");
    assertThat(scenarios).extracting(s -> s.path("name").asText())
        .containsExactly("ledger-ingest", "ledger-lag", "ledger-proof");
    JsonNode ingest = scenarios.get(0);
    assertThat(ingest.path("figure").asDouble()).as(ingest.toString()).isPositive();
    assertThat(ingest.path("baseline").asDouble()).as(ingest.toString()).isPositive();
    assertThat(ingest.path("details").path("hub_cpu_us_per_event_ledger_off").isNumber()).as(ingest.toString()).isTrue();
    JsonNode lag = scenarios.get(1);
    assertThat(lag.path("figure").isNumber()).as(lag.toString()).isTrue();
    assertThat(lag.path("details").path("samples").asInt()).as(lag.toString()).isPositive();
    assertThat(lag.path("details").path("tree_size_after_load").asLong())
        .isEqualTo(lag.path("details").path("events_posted").asLong());
    JsonNode proof = scenarios.get(2);
    assertThat(proof.path("figure").asDouble()).as(proof.toString()).isPositive();
    assertThat(proof.path("details").path("tree_size").asLong()).isEqualTo(proof.path("details").path("leaves").asLong());
    assertThat(proof.path("details").path("proofs").asInt()).isPositive();
  }
}
