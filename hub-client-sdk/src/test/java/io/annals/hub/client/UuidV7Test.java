package io.annals.hub.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.testsupport.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidV7Test {

  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void ids_carry_version_7_the_rfc_variant_and_the_clocks_milliseconds() {
    UUID id = new UuidV7(new TestClock(T)).next();

    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(T.toEpochMilli());
  }

  @Test
  void ids_increase_strictly_within_a_millisecond_and_when_the_clock_steps_back() {
    TestClock clock = new TestClock(T);
    UuidV7 generator = new UuidV7(clock);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) { // far more than the 12-bit counter holds in one millisecond
      ids.add(generator.next().toString());
      if (i == 5_000) {
        clock.advance(Duration.ofSeconds(-1));
      }
    }
    // Canonical lower-case text sorts like the 128-bit value, which is how stores order them.
    assertThat(ids).isSorted();
    assertThat(new HashSet<>(ids)).hasSize(ids.size());
  }
}
