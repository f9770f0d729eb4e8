package io.annals.hub.server.store.mongo;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The MongoDB store's timeouts are refused before anything connects when they are not a positive
 * number of milliseconds. Nothing listens at {@link #URI}: a setting that passed would reach the
 * driver and end in StoreUnavailableException, not IllegalArgumentException.
 */
class MongoStoreSettingsTest {

  static final String URI = "mongodb://127.0.0.1:1";

  @Test
  void each_timeout_of_zero_or_beyond_an_int_of_milliseconds_is_refused_by_its_name() {
    assertThatThrownBy(() -> MongoEventStore.builder(URI, "db").serverSelectionTimeout(Duration.ZERO).connect())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("serverSelectionTimeout must be between 1 ms");
    assertThatThrownBy(() -> MongoEventStore.builder(URI, "db").connectTimeout(Duration.ofMillis(-1)).connect())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("connectTimeout must be between 1 ms");
    assertThatThrownBy(() -> MongoEventStore.builder(URI, "db").socketTimeout(Duration.ofMillis(Integer.MAX_VALUE + 1L)).connect())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("socketTimeout must be between 1 ms");
    assertThatThrownBy(() -> MongoEventStore.builder(URI, "db").clockRefresh(Duration.ZERO).connect())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("clockRefresh must be between 1 ms");
  }

  @Test
  void a_timeout_under_one_millisecond_is_refused_by_its_name_since_the_driver_would_read_it_as_no_limit() {
    // The driver takes whole milliseconds: 999 µs would become 0, which MongoDB reads as "wait forever".
    Duration underAMilli = Duration.ofNanos(999_999);

    assertThatThrownBy(() -> MongoEventStore.builder(URI, "db").serverSelectionTimeout(underAMilli).connect())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serverSelectionTimeout must be between 1 ms and 2147483647 ms, was PT0.000999999S");
    assertThatThrownBy(() -> MongoEventStore.builder(URI, "db").connectTimeout(Duration.ofNanos(1)).connect())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("connectTimeout must be between 1 ms");
    assertThatThrownBy(() -> MongoEventStore.builder(URI, "db").socketTimeout(underAMilli).connect())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("socketTimeout must be between 1 ms");
    assertThatThrownBy(() -> MongoEventStore.builder(URI, "db").clockRefresh(underAMilli).connect())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("clockRefresh must be between 1 ms");
  }
}
