package io.annals.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplesTest {

  @Test
  void percentiles_are_nearest_rank_over_every_sample_in_any_order() {
    List<Long> values = new ArrayList<>();
    for (long v = 1; v <= 1000; v++) {
      values.add(v);
    }
    Collections.shuffle(values, new Random(7));
    Samples samples = new Samples();
    values.forEach(samples::record);

    assertThat(samples.count()).isEqualTo(1000);
    assertThat(samples.percentile(0.5)).isEqualTo(500);
    assertThat(samples.percentile(0.99)).isEqualTo(990);
    assertThat(samples.percentile(0.999)).isEqualTo(999);
    assertThat(samples.percentile(1)).isEqualTo(1000);
    assertThat(samples.percentile(0)).isEqualTo(1);
    assertThat(samples.percentileMillis(0.5)).isEqualTo(0.5);
  }

  @Test
  void a_sample_recorded_after_a_percentile_was_read_counts() {
    Samples samples = new Samples();
    samples.record(10);
    assertThat(samples.percentile(1)).isEqualTo(10);

    samples.record(20);

    assertThat(samples.percentile(1)).isEqualTo(20);
  }

  @Test
  void no_samples_read_as_zero_and_a_quantile_outside_zero_to_one_is_refused() {
    Samples samples = new Samples();

    assertThat(samples.percentile(0.99)).isZero();
    assertThatThrownBy(() -> samples.percentile(1.5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1.5");
  }
}
