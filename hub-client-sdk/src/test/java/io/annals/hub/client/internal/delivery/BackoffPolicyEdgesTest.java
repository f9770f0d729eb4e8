package io.annals.hub.client.internal.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The backoff policy's refusals and its edges (attempt zero, a Retry-After equal to the wait).
 * Written to kill mutants that BackoffTest left alive (docs/mutation.md).
 */
class BackoffPolicyEdgesTest {

  @Test
  void a_backoff_base_that_is_not_positive_or_above_the_max_is_refused_and_equal_to_it_accepted() {
    assertThatThrownBy(() -> BackoffPolicy.of(Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BackoffPolicy.of(Duration.ofMillis(-1), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BackoffPolicy.of(Duration.ofSeconds(2), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    BackoffPolicy flat = BackoffPolicy.of(Duration.ofSeconds(1), Duration.ofSeconds(1), bound -> bound - 1);
    assertThat(flat.delay(5, null)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void attempt_zero_waits_like_the_first_and_a_retry_after_equal_to_the_jitter_is_that_wait() {
    BackoffPolicy policy = BackoffPolicy.of(Duration.ofMillis(100), Duration.ofSeconds(10), bound -> bound - 1);

    assertThat(policy.delay(0, null)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.delay(1, Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.delay(2, Duration.ofMillis(150))).isEqualTo(Duration.ofMillis(200));
  }
}
