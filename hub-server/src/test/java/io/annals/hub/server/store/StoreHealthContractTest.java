package io.annals.hub.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@link StoreHealth} contract: a ping answers exactly when the store does; on every adapter. */
class StoreHealthContractTest extends StoreContract {

  // A guard against a hang, which is what the unreachable case is about; not a performance bound:
  // the adapters' own timeouts (SQLite's busy timeout, MongoDB's server selection and socket
  // timeouts, a few seconds each) end a ping long before.
  private static final Duration HANG_GUARD = Duration.ofSeconds(60);

  @Test
  void a_store_that_answers_returns_from_a_ping() {
    assertThatCode(() -> store.health().ping()).doesNotThrowAnyException();
  }

  @Test
  void a_store_that_stopped_answering_fails_a_ping_as_unavailable_without_hanging() {
    // Given a store that answered
    store.health().ping();

    // When it stops answering (its server goes away; the embedded store is closed)
    makeUnreachable();

    // Then a ping reports it unavailable (503, retryable) within the adapter's timeouts
    Throwable failure = catchThrowable(() -> assertTimeoutPreemptively(HANG_GUARD, () -> store.health().ping()));
    assertThat(failure).isInstanceOf(StoreUnavailableException.class);
  }
}
