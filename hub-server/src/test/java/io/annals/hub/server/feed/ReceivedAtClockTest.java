package io.annals.hub.server.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ReceivedAtClockTest {

  static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

  final AtomicReference<Instant> wall = new AtomicReference<>(T0);
  final AtomicLong nanos = new AtomicLong(5_000_000_000L);
  final List<Duration> steps = new ArrayList<>();
  final ReceivedAtClock clock = new ReceivedAtClock(wall::get, nanos::get, steps::add);

  /** Real time passes: the monotonic clock and the wall clock move together. */
  void elapse(Duration d) {
    nanos.addAndGet(d.toNanos());
    wall.set(wall.get().plus(d));
  }

  @Test
  void after_the_wall_clock_steps_back_the_clock_keeps_moving_at_half_speed_from_where_it_stood() {
    elapse(Duration.ofSeconds(1));
    Instant before = clock.now();

    wall.set(wall.get().minus(Duration.ofMinutes(10)));
    Instant atStep = clock.now();
    elapse(Duration.ofSeconds(2));
    Instant after = clock.now();

    assertThat(atStep).isEqualTo(before);
    assertThat(after).isEqualTo(before.plusSeconds(1));
  }

  @Test
  void a_step_back_is_reported_once_with_its_size() {
    clock.now();
    elapse(Duration.ofSeconds(1));
    wall.set(wall.get().minus(Duration.ofMinutes(10)));
    clock.now();
    elapse(Duration.ofSeconds(1));
    clock.now();

    assertThat(steps).containsExactly(Duration.ofMinutes(10));
  }

  @Test
  void once_the_wall_clock_catches_up_after_twice_the_step_the_clock_follows_it_again() {
    clock.now();
    wall.set(wall.get().minus(Duration.ofSeconds(10)));
    assertThat(clock.now()).isEqualTo(T0);
    elapse(Duration.ofSeconds(4));
    assertThat(clock.now()).isEqualTo(T0.plusSeconds(2));

    elapse(Duration.ofSeconds(16)); // both at T0 + 10 s now
    assertThat(clock.now()).isEqualTo(T0.plusSeconds(10));
    elapse(Duration.ofSeconds(2)); // half speed would be at T0 + 11 s; the wall clock is at T0 + 12 s
    assertThat(clock.now()).isEqualTo(T0.plusSeconds(12));
  }

  @Test
  void small_steps_and_readings_that_arrive_out_of_order_are_no_reported_step() {
    ReceivedAtClock.Reading early = clock.read();
    elapse(Duration.ofSeconds(1));
    clock.now();
    clock.advance(early); // a thread preempted between reading and stamping
    wall.set(wall.get().minus(Duration.ofMillis(50)));
    clock.now();

    assertThat(steps).isEmpty();
  }

  @Test
  void a_floor_above_the_clock_is_never_undercut_and_the_clock_moves_on_from_it() {
    clock.now();
    Instant floor = T0.plus(Duration.ofMinutes(10));
    clock.floor(floor);
    assertThat(clock.now()).isEqualTo(floor);

    elapse(Duration.ofSeconds(4));
    assertThat(clock.now()).isEqualTo(floor.plusSeconds(2));

    clock.floor(T0); // a lower floor changes nothing
    assertThat(clock.now()).isEqualTo(floor.plusSeconds(2));
  }

  @Test
  void values_are_truncated_to_microseconds() {
    wall.set(T0.plusNanos(1_234_567));
    assertThat(clock.now()).isEqualTo(T0.plusNanos(1_234_000));
  }
}
