package io.annals.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WrkTest {

  @Test
  void the_scripts_summary_lines_give_requests_refusals_time_and_latency() {
    Wrk.Result r = Wrk.parse("Running 30s test @ http://127.0.0.1:1\n  2 threads and 64 connections\n"
        + "Requests/sec:   4000.00\nannals-refused 3\nannals-latency-us p50 12375 p99 42281\n"
        + "annals-summary requests 120000 duration_us 30000000\n");

    assertThat(r.requests()).isEqualTo(120_000);
    assertThat(r.refused()).isEqualTo(3);
    assertThat(r.elapsed()).isEqualTo(Duration.ofSeconds(30));
    assertThat(r.perSecond()).isEqualTo(4000.0);
    assertThat(r.p50Millis()).isEqualTo(12.375);
    assertThat(r.p99Millis()).isEqualTo(42.281);
  }

  @Test
  void output_without_the_summary_is_an_error_naming_what_wrk_printed() {
    assertThatThrownBy(() -> Wrk.parse("unable to connect to 127.0.0.1:1 Connection refused\n"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Connection refused");
  }
}
