package io.annals.hub.server.store.mongo;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The MongoDB store's timeouts are refused before anything connects when they are not a positive number of milliseconds. */
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
}
