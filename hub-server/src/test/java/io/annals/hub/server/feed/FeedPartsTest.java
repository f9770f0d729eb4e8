package io.annals.hub.server.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Instance ids and the live feed's settings: what the hub's start builds from them. */
class FeedPartsTest {

  @Test
  void instance_ids_name_the_process_and_host_and_differ_at_every_start() {
    String a = InstanceIds.next();
    String b = InstanceIds.next();

    assertThat(a).startsWith(ProcessHandle.current().pid() + "@").matches(".+@.+/[0-9a-f]{12}");
    assertThat(b).isNotEqualTo(a);
  }

  @Test
  void the_live_feed_defaults_bound_the_waiters_and_take_the_feed_timings_of_the_lag() {
    LiveFeedSettings defaults = LiveFeedSettings.defaults();

    assertThat(defaults).isEqualTo(new LiveFeedSettings(null, 10_000, 2_000, Duration.ofSeconds(15), Duration.ofMillis(10), 4));
    assertThat(defaults.feedSettings(Duration.ofSeconds(5))).isEqualTo(FeedSettings.of(Duration.ofSeconds(5)));
    assertThat(defaults.withBounds(3, 2)).isEqualTo(
        new LiveFeedSettings(null, 3, 2, Duration.ofSeconds(15), Duration.ofMillis(10), 4));
  }

  @Test
  void a_heartbeat_set_for_the_live_feed_is_the_publication_interval_and_the_rest_follows_the_lag() {
    LiveFeedSettings settings = new LiveFeedSettings(Duration.ofMillis(40), 10, 10, Duration.ofSeconds(15),
        Duration.ofMillis(10), 1);
    FeedSettings base = FeedSettings.of(Duration.ofSeconds(5));

    assertThat(settings.feedSettings(Duration.ofSeconds(5)))
        .isEqualTo(new FeedSettings(Duration.ofSeconds(5), Duration.ofMillis(40), base.joinDelay(), base.expireAfter()));
  }
}
