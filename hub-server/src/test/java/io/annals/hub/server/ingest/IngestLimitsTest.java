package io.annals.hub.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The ingest bounds refuse nonsense when built, and each {@code with...} changes only its own
 * bound. Written to kill mutants of {@link IngestLimits} that no test noticed (docs/mutation.md).
 */
class IngestLimitsTest {

  private static final Duration SKEW = Duration.ofMinutes(5);
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void the_defaults_are_the_documented_ones() {
    assertThat(IngestLimits.defaults())
        .isEqualTo(new IngestLimits(10L * 1024 * 1024, 10_000, SKEW, 50_000, 2_000, WAIT));
  }

  @Test
  void limits_of_one_are_accepted_and_each_count_below_one_is_refused() {
    new IngestLimits(1, 1, Duration.ZERO, 1, 1, Duration.ofNanos(1));
    assertThatThrownBy(() -> new IngestLimits(0, 1, SKEW, 1, 1, WAIT)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IngestLimits(1, 0, SKEW, 1, 1, WAIT)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IngestLimits(1, 1, SKEW, 0, 1, WAIT)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IngestLimits(1, 1, SKEW, 1, 0, WAIT)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_queue_smaller_than_one_request_is_refused_and_one_exactly_as_large_accepted() {
    new IngestLimits(1, 5, SKEW, 5, 1, WAIT);
    assertThatThrownBy(() -> new IngestLimits(1, 5, SKEW, 4, 1, WAIT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("queueCapacityEvents (4) must be at least maxEventsPerRequest (5)");
  }

  @Test
  void a_negative_skew_and_a_wait_that_is_not_positive_are_refused() {
    assertThatThrownBy(() -> new IngestLimits(1, 1, Duration.ofSeconds(-1), 1, 1, WAIT)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IngestLimits(1, 1, SKEW, 1, 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IngestLimits(1, 1, SKEW, 1, 1, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void each_with_changes_only_its_own_bound_and_more_events_per_request_grow_the_queue_to_fit() {
    IngestLimits base = new IngestLimits(100, 10, SKEW, 20, 3, WAIT);

    assertThat(base.withMaxBodyBytes(7)).isEqualTo(new IngestLimits(7, 10, SKEW, 20, 3, WAIT));
    assertThat(base.withQueueCapacityEvents(30)).isEqualTo(new IngestLimits(100, 10, SKEW, 30, 3, WAIT));
    assertThat(base.withMaxWait(Duration.ofSeconds(1))).isEqualTo(new IngestLimits(100, 10, SKEW, 20, 3, Duration.ofSeconds(1)));
    assertThat(base.withMaxEventsPerRequest(15)).isEqualTo(new IngestLimits(100, 15, SKEW, 20, 3, WAIT));
    assertThat(base.withMaxEventsPerRequest(25)).isEqualTo(new IngestLimits(100, 25, SKEW, 25, 3, WAIT));
  }
}
