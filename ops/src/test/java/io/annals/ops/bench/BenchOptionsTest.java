package io.annals.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void defaults_are_the_full_run_of_every_scenario_on_the_embedded_store() {
    BenchOptions options = BenchOptions.parse(new String[0], Map.of());

    assertThat(options.quick()).isFalse();
    assertThat(options.out()).isEqualTo(Path.of("bench-results.json"));
    assertThat(Bench.SCENARIOS).allMatch(options::runs);
    assertThat(options.mongodbUri()).isNull();
    assertThat(options.sizes()).isEqualTo(Sizes.full());
    assertThat(options.ledgerOff()).as("hubs run as users run them: ledger on").isFalse();
  }

  @Test
  void ledger_off_is_a_flag_for_comparing_with_builds_from_before_the_ledger() {
    assertThat(BenchOptions.parse(new String[] {"--quick", "--ledger-off"}, Map.of()).ledgerOff()).isTrue();
  }

  @Test
  void flags_select_quick_sizes_some_scenarios_and_the_output_file() {
    BenchOptions options = BenchOptions.parse(new String[] {"--quick", "--only", "ingest-batch, feed-paging",
        "--out", "x.json", "--hub-jvm-arg", "-Xmx512m", "--scale", "0.5"}, Map.of("HUB_MONGODB_URI", "mongodb://db"));

    assertThat(options.runs("ingest-batch")).isTrue();
    assertThat(options.runs("feed-paging")).isTrue();
    assertThat(options.runs("sdk-delivery")).isFalse();
    assertThat(options.out()).isEqualTo(Path.of("x.json"));
    assertThat(options.hubJvmArgs()).containsExactly("-Xmx512m");
    assertThat(options.mongodbUri()).isEqualTo("mongodb://db");
    assertThat(options.sizes().ingestEvents()).isEqualTo(Sizes.quick().ingestEvents() / 2);
    assertThat(options.sizes().batchSize()).isEqualTo(1000);
  }

  @Test
  void one_result_of_the_ledger_scenario_may_be_named_alone_and_selects_no_other_scenario() {
    BenchOptions options = BenchOptions.parse(new String[] {"--quick", "--only", "ledger-ingest"}, Map.of());

    assertThat(options.only()).containsExactly("ledger-ingest");
    assertThat(options.runs("ledger")).isFalse();
    assertThat(Bench.SCENARIOS).allSatisfy(s -> assertThat(options.runs(s)).as(s).isFalse());
  }

  @Test
  void a_bad_option_is_named_with_what_was_expected() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--only", "ingest-fast"}, Map.of()))
        .hasMessageContaining("ingest-fast").hasMessageContaining("ingest-batch");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--scale", "2"}, Map.of()))
        .hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--out"}, Map.of())).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--fast"}, Map.of())).hasMessageContaining("--fast");
  }
}
