package io.annals.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The measurement runs end to end on a small store; its figures are printed, never asserted on. */
class FeedPagingBenchmarkTest {

  @TempDir Path dir;

  @Test
  void a_small_run_reads_every_event_both_ways_and_reports_delays() throws Exception {
    FeedPagingBenchmark.Figures figures =
        FeedPagingBenchmark.run(new FeedPagingBenchmark.Plan(dir, 2_500, Duration.ofMillis(100), Duration.ofSeconds(1)));

    System.out.println(figures.report());
    assertThat(figures.events()).isEqualTo(2_500);
    assertThat(figures.feedPaging()).isPositive();
    assertThat(figures.rawScan()).isPositive();
    assertThat(figures.feedCpu()).isPositive();
    assertThat(figures.rawCpu()).isPositive();
    assertThat(figures.idle().samples()).isPositive();
    assertThat(figures.busy().samples()).isPositive();
    assertThat(figures.idle().p99()).isGreaterThanOrEqualTo(figures.idle().median());
    assertThat(figures.report()).contains("feed paging over HTTP").contains("raw SQLite keyset scan").contains("p99");
  }
}
