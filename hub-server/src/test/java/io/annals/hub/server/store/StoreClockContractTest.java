package io.annals.hub.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The {@link StoreClock} contract, on every adapter. */
class StoreClockContractTest extends StoreContract {

  @Test
  void the_clock_has_microsecond_precision_and_never_goes_backwards() {
    Instant previous = store.clock().clock();
    for (int i = 0; i < 1000; i++) {
      Instant now = store.clock().clock();
      assertThat(now).isAfterOrEqualTo(previous);
      assertThat(now.getNano() % 1000).isZero();
      previous = now;
    }
  }
}
