package io.annals.hub.server.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The {@code received_at} clock: microseconds, and never back. Written to kill mutants of
 * {@link ReceivedAtClock} that the feed tests did not notice (docs/mutation.md).
 */
class ReceivedAtClockTest {

  private static final Instant T = Instant.parse("2026-06-01T00:00:00.123456Z");

  @Test
  void stamps_are_the_sources_time_cut_to_microseconds() {
    ReceivedAtClock clock = new ReceivedAtClock(() -> T.plusNanos(999));

    assertThat(clock.now()).isEqualTo(T);
  }

  @Test
  void stamps_follow_the_source_forward_and_hold_when_it_steps_back() {
    AtomicReference<Instant> source = new AtomicReference<>(T);
    ReceivedAtClock clock = new ReceivedAtClock(source::get);

    assertThat(clock.now()).isEqualTo(T);
    source.set(T.plusSeconds(2));
    assertThat(clock.now()).isEqualTo(T.plusSeconds(2));
    source.set(T.minusSeconds(10));
    assertThat(clock.now()).isEqualTo(T.plusSeconds(2));
    source.set(T.plusSeconds(3));
    assertThat(clock.now()).isEqualTo(T.plusSeconds(3));
  }
}
