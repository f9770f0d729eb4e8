package io.annals.hub.server.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annals.hub.server.store.InstanceWatermark;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StablePointTest {

  static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
  static final Duration LAG = Duration.ofSeconds(5);
  static final Duration EXPIRE = Duration.ofMinutes(1);

  final AtomicLong nanos = new AtomicLong();
  final StablePoint stable = new StablePoint("hub-a", LAG, EXPIRE, nanos::get);

  static Instant t(long seconds) {
    return T0.plusSeconds(seconds);
  }

  void wait(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void alone_the_stable_point_is_the_own_watermark_or_the_own_last_publication_whichever_is_lower() {
    assertThat(stable.compute(t(5), t(3), List.of(), t(10)).stableBefore()).isEqualTo(t(3));
    assertThat(stable.compute(t(2), t(3), List.of(), t(10)).stableBefore()).isEqualTo(t(2));
  }

  @Test
  void the_own_entry_among_the_published_ones_is_ignored() {
    InstanceWatermark ownOld = new InstanceWatermark("hub-a", t(-100), t(-100));

    assertThat(stable.compute(t(5), t(5), List.of(ownOld), t(10)).stableBefore()).isEqualTo(t(5));
  }

  @Test
  void a_live_instance_holds_the_stable_point_at_its_watermark_however_far_its_clock_is_behind() {
    // Given another instance whose clock is an hour behind, publishing (its heartbeat changes)
    for (int i = 0; i < 20; i++) {
      InstanceWatermark behind = new InstanceWatermark("hub-b", t(-3600 + i), t(-3600 + i));

      // Then however long this goes on, it counts with its watermark
      assertThat(stable.compute(t(10), t(10), List.of(behind), t(10 + i)).stableBefore()).isEqualTo(t(-3600 + i));
      wait(Duration.ofSeconds(1));
    }
  }

  @Test
  void a_silent_instance_holds_at_its_watermark_until_the_lag_has_passed_then_at_now_minus_lag() {
    InstanceWatermark silent = new InstanceWatermark("hub-b", t(-60), t(-60));

    assertThat(stable.compute(t(10), t(10), List.of(silent), t(0)).stableBefore()).isEqualTo(t(-60));
    wait(LAG);
    assertThat(stable.compute(t(10), t(10), List.of(silent), t(5)).stableBefore()).isEqualTo(t(-60));
    wait(Duration.ofMillis(1));
    assertThat(stable.compute(t(10), t(10), List.of(silent), t(8)).stableBefore()).isEqualTo(t(3));
  }

  @Test
  void a_silent_instance_whose_watermark_is_above_now_minus_lag_still_holds_at_its_watermark() {
    InstanceWatermark silent = new InstanceWatermark("hub-b", t(7), t(7));
    stable.compute(t(10), t(10), List.of(silent), t(8));

    wait(LAG.multipliedBy(2));

    assertThat(stable.compute(t(20), t(20), List.of(silent), t(9)).stableBefore()).isEqualTo(t(7));
  }

  @Test
  void an_instance_that_publishes_again_is_live_again() {
    stable.compute(t(10), t(10), List.of(new InstanceWatermark("hub-b", t(-60), t(-60))), t(0));
    wait(LAG.multipliedBy(2));

    Instant point = stable.compute(t(10), t(10), List.of(new InstanceWatermark("hub-b", t(-50), t(-50))), t(10)).stableBefore();

    assertThat(point).isEqualTo(t(-50));
  }

  @Test
  void an_instance_silent_past_the_expiry_is_reported_expired_and_still_counted_this_time() {
    InstanceWatermark silent = new InstanceWatermark("hub-b", t(-600), t(-600));
    InstanceWatermark live = new InstanceWatermark("hub-c", t(1), t(1));
    assertThat(stable.compute(t(10), t(10), List.of(silent, live), t(10)).expired()).isEmpty();

    wait(EXPIRE.plusMillis(1));
    StablePoint.Result result =
        stable.compute(t(100), t(100), List.of(silent, new InstanceWatermark("hub-c", t(90), t(90))), t(100));

    assertThat(result.expired()).containsExactly("hub-b");
    assertThat(result.stableBefore()).isEqualTo(t(90));
  }

  @Test
  void nonsensical_settings_are_refused() {
    assertThatThrownBy(() -> new StablePoint("a", Duration.ZERO, EXPIRE, nanos::get))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("feed lag must be positive");
    assertThatThrownBy(() -> new StablePoint("a", LAG, Duration.ofSeconds(1), nanos::get))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expireAfter must be at least");
  }
}
