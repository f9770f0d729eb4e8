package io.annals.hub.server.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.store.InstanceWatermark;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The edges of the feed's clocks and promises that the classes' own suites left open (surviving
 * mutants, docs/mutation.md): where a step back becomes notable, where an instance becomes expired,
 * how appends in flight are counted and announced. Monotonic clocks start far from zero, as
 * {@code System.nanoTime} does, so that a sum in place of a difference shows.
 */
class FeedClocksEdgesTest {

  static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
  static final long ORIGIN = 7_000_000_000_000L;

  @Test
  void a_step_back_of_exactly_the_notable_size_is_not_reported_and_one_microsecond_more_is() {
    AtomicReference<Instant> wall = new AtomicReference<>(T0);
    AtomicLong nanos = new AtomicLong(ORIGIN);
    List<Duration> steps = new ArrayList<>();
    ReceivedAtClock clock = new ReceivedAtClock(wall::get, nanos::get, steps::add);
    clock.now();

    wall.set(wall.get().minus(ReceivedAtClock.NOTABLE_STEP));
    clock.now();
    assertThat(steps).isEmpty();

    wall.set(wall.get().minus(ReceivedAtClock.NOTABLE_STEP).minusNanos(1000));
    clock.now();
    assertThat(steps).containsExactly(ReceivedAtClock.NOTABLE_STEP.plusNanos(1000));
  }

  @Test
  void a_step_back_between_two_readings_at_the_same_monotonic_instant_is_reported() {
    AtomicReference<Instant> wall = new AtomicReference<>(T0);
    AtomicLong nanos = new AtomicLong(ORIGIN);
    List<Duration> steps = new ArrayList<>();
    ReceivedAtClock clock = new ReceivedAtClock(wall::get, nanos::get, steps::add);
    clock.now();

    wall.set(T0.minusSeconds(1)); // no time passed on the monotonic clock: a coarse one, or a fast caller
    clock.now();

    assertThat(steps).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void an_expiry_equal_to_the_lag_is_allowed() {
    StablePoint point = new StablePoint("hub-a", Duration.ofSeconds(5), Duration.ofSeconds(5), () -> ORIGIN);

    assertThat(point.lag()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void an_instance_is_expired_only_once_it_was_silent_for_longer_than_the_expiry() {
    AtomicLong nanos = new AtomicLong(ORIGIN);
    Duration expire = Duration.ofMinutes(1);
    StablePoint point = new StablePoint("hub-a", Duration.ofSeconds(5), expire, nanos::get);
    List<InstanceWatermark> silent = List.of(new InstanceWatermark("hub-b", T0, T0));

    assertThat(point.compute(T0, T0, silent, T0).expired()).isEmpty();
    nanos.addAndGet(expire.toNanos());
    assertThat(point.compute(T0, T0, silent, T0).expired()).isEmpty();
    nanos.addAndGet(1);
    assertThat(point.compute(T0, T0, silent, T0).expired()).containsExactly("hub-b");
  }

  @Test
  void an_instance_seen_again_at_once_with_the_same_heartbeat_is_not_yet_silent() {
    StablePoint point = new StablePoint("hub-a", Duration.ofSeconds(5), Duration.ofMinutes(1), () -> ORIGIN);
    Instant now = T0.plusSeconds(3600);
    List<InstanceWatermark> other = List.of(new InstanceWatermark("hub-b", T0, T0));

    point.compute(now, now, other, now);
    StablePoint.Result again = point.compute(now, now, other, now);

    // silent for no time: it still holds the stable point at its watermark, not at now - lag
    assertThat(again.stableBefore()).isEqualTo(T0);
    assertThat(again.expired()).isEmpty();
  }

  @Test
  void appends_in_flight_are_counted_until_each_ends_and_each_end_is_announced_once() {
    AtomicReference<Instant> wall = new AtomicReference<>(T0);
    InFlightWatermark watermark = new InFlightWatermark(new ReceivedAtClock(wall::get));
    AtomicInteger ends = new AtomicInteger();
    watermark.afterEachEnd(ends::incrementAndGet);

    InFlightWatermark.Ticket a = watermark.begin();
    InFlightWatermark.Ticket b = watermark.begin(); // the same microsecond: one stamp, two appends
    wall.set(T0.plusSeconds(1));
    InFlightWatermark.Ticket c = watermark.begin();
    assertThat(watermark.inFlight()).isEqualTo(3);

    a.end();
    a.end();
    assertThat(watermark.inFlight()).isEqualTo(2);
    assertThat(ends).hasValue(1);
    assertThat(watermark.watermark()).isEqualTo(T0);

    b.end();
    c.end();
    assertThat(watermark.inFlight()).isZero();
    assertThat(ends).hasValue(3);
  }
}
