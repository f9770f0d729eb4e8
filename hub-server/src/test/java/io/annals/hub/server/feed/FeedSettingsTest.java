package io.annals.hub.server.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The feed's timing settings: the defaults derived from a lag, at the edges where they switch, and
 * the combinations refused because live instances would look silent. Written to kill mutants of
 * {@link FeedSettings} that no test noticed (docs/mutation.md).
 */
class FeedSettingsTest {

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @Test
  void a_lag_of_400_ms_or_more_publishes_every_100_ms_and_a_shorter_one_every_quarter_lag() {
    assertThat(FeedSettings.of(ms(400)).publishInterval()).isEqualTo(ms(100));
    assertThat(FeedSettings.of(Duration.ofSeconds(5)).publishInterval()).isEqualTo(ms(100));
    assertThat(FeedSettings.of(ms(396)).publishInterval()).isEqualTo(ms(99));
    assertThat(FeedSettings.of(ms(8)).publishInterval()).isEqualTo(ms(2));
  }

  @Test
  void instances_expire_after_ten_lags_but_never_before_a_minute() {
    assertThat(FeedSettings.of(Duration.ofSeconds(6)).expireAfter()).isEqualTo(Duration.ofMinutes(1));
    assertThat(FeedSettings.of(Duration.ofSeconds(5)).expireAfter()).isEqualTo(Duration.ofMinutes(1));
    assertThat(FeedSettings.of(Duration.ofSeconds(7)).expireAfter()).isEqualTo(Duration.ofSeconds(70));
  }

  @Test
  void the_defaults_join_after_100_ms_and_guard_reads_at_half_the_lag() {
    FeedSettings settings = FeedSettings.of(Duration.ofSeconds(5));

    assertThat(settings.lag()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.joinDelay()).isEqualTo(ms(100));
    assertThat(settings.guard()).isEqualTo(ms(2500));
  }

  @Test
  void a_publish_interval_of_exactly_half_the_lag_is_accepted_and_longer_is_refused() {
    new FeedSettings(ms(200), ms(100), Duration.ZERO, ms(200));
    assertThatThrownBy(() -> new FeedSettings(ms(200), ms(101), Duration.ZERO, ms(200)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most half the feed lag");
  }

  @Test
  void an_expiry_of_exactly_the_lag_is_accepted_and_shorter_is_refused() {
    new FeedSettings(ms(200), ms(50), ms(10), ms(200));
    assertThatThrownBy(() -> new FeedSettings(ms(200), ms(50), ms(10), ms(199)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expireAfter");
  }

  @Test
  void a_lag_or_publish_interval_that_is_not_positive_and_a_negative_join_delay_are_refused() {
    assertThatThrownBy(() -> FeedSettings.of(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lag");
    assertThatThrownBy(() -> FeedSettings.of(ms(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FeedSettings(ms(200), Duration.ZERO, ms(10), ms(200)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("publishInterval");
    assertThatThrownBy(() -> new FeedSettings(ms(200), ms(50), ms(-1), ms(200)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("joinDelay");
  }
}
