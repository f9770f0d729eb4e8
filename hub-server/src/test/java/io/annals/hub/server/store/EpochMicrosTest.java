package io.annals.hub.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EpochMicrosTest {

  @Test
  void instants_round_trip_exactly_at_microsecond_precision_on_both_sides_of_the_epoch() {
    for (String text : new String[] {"2026-01-01T12:00:00.123456Z", "1969-12-31T23:59:59.999999Z", "1900-01-01T00:00:00.000001Z"}) {
      Instant t = Instant.parse(text);
      assertThat(EpochMicros.toInstant(EpochMicros.of(t))).isEqualTo(t);
    }
    assertThat(EpochMicros.of(Instant.parse("1969-12-31T23:59:59.999999Z"))).isEqualTo(-1L);
  }

  @Test
  void digits_below_a_microsecond_are_dropped_towards_the_past() {
    assertThat(EpochMicros.truncate(Instant.parse("2026-01-01T12:00:00.123456789Z"))).isEqualTo(Instant.parse("2026-01-01T12:00:00.123456Z"));
    assertThat(EpochMicros.truncate(Instant.parse("1969-12-31T23:59:59.999999999Z"))).isEqualTo(Instant.parse("1969-12-31T23:59:59.999999Z"));
  }

  @Test
  void stored_times_beyond_the_long_range_are_refused_but_query_bounds_saturate() {
    assertThatThrownBy(() -> EpochMicros.of(Instant.MAX))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of the storable range");
    assertThat(EpochMicros.ofSaturated(Instant.MAX)).isEqualTo(Long.MAX_VALUE);
    assertThat(EpochMicros.ofSaturated(Instant.MIN)).isEqualTo(Long.MIN_VALUE);
  }
}
