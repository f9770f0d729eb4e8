package io.annals.hub.server.store;

import static io.annals.hub.server.store.TestEvents.anEvent;
import static io.annals.hub.server.store.TestEvents.micros;
import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.event.StoredEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@link StoreClock} contract, on every adapter: microsecond times, and a high mark of every
 * time the history has made visible, which only rises and outlives the instance that raised it.
 */
class StoreClockContractTest extends StoreContract {

  @Test
  void the_clock_has_microsecond_precision() {
    for (int i = 0; i < 1000; i++) {
      assertThat(store.clock().clock().getNano() % 1000).isZero();
    }
  }

  @Test
  void a_new_store_has_no_high_mark() {
    assertThat(store.clock().clockHighMark()).isNull();
  }

  @Test
  void a_published_heartbeat_raises_the_high_mark_and_an_older_one_does_not_lower_it() {
    store.instances().publishWatermark(new InstanceWatermark("hub-a", micros(10), micros(500)));
    store.instances().publishWatermark(new InstanceWatermark("hub-b", micros(20), micros(100)));

    assertThat(store.clock().clockHighMark()).isEqualTo(micros(500));
  }

  @Test
  void the_high_mark_outlives_the_instance_that_raised_it() {
    store.instances().publishWatermark(new InstanceWatermark("hub-a", micros(10), micros(500)));
    store.instances().retireInstance("hub-a");

    assertThat(store.instances().watermarks()).isEmpty();
    assertThat(store.clock().clockHighMark()).isEqualTo(micros(500));
  }

  @Test
  void a_stored_event_newer_than_every_heartbeat_is_the_high_mark() {
    store.instances().publishWatermark(new InstanceWatermark("hub-a", micros(10), micros(11)));
    StoredEvent event = anEvent(1).build();
    store.log().append(List.of(event));

    Instant high = store.clock().clockHighMark();
    assertThat(high).isAfterOrEqualTo(event.receivedAt()).isAfter(micros(11));
  }
}
