package io.annals.hub.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annals.hub.server.event.StoredEvent;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Edges of the store package's own helpers that its suites left open (surviving mutants,
 * docs/mutation.md): a disk that filled to its last byte, and times truncated on whole events.
 */
class StoreEdgesTest {

  @Test
  void a_store_full_at_zero_usable_bytes_says_so_and_is_writable_again_once_the_space_returned() {
    AtomicLong usable = new AtomicLong(0);
    StoreCondition condition = new StoreCondition("events.db", usable::get);
    condition.record(new StoreFullException("SQLITE_FULL", null));

    assertThatThrownBy(condition::check).isInstanceOf(StoreFullException.class)
        .hasMessage("events.db is out of space: writes fail (0 bytes usable)");
    usable.set(StoreCondition.SPACE_RETURNED);
    assertThatCode(condition::check).doesNotThrowAnyException();
  }

  @Test
  void a_store_whose_space_cannot_be_measured_does_not_name_a_number_of_bytes() {
    StoreCondition condition = new StoreCondition("mongodb", () -> -1);
    condition.record(new StoreFullException("disk full", null));

    assertThatThrownBy(condition::check).isInstanceOf(StoreFullException.class)
        .hasMessage("mongodb is out of space: writes fail");
  }

  @Test
  void an_event_is_truncated_to_microseconds_in_both_its_times_and_kept_as_it_is_when_it_already_is() {
    StoredEvent fine = TestEvents.anEvent(1)
        .createdAt(Instant.parse("2026-01-01T12:00:00.123456789Z"))
        .receivedAt(Instant.parse("2026-01-01T12:00:01.000000999Z")).build();
    StoredEvent coarse = TestEvents.anEvent(2).build();

    StoredEvent truncated = EpochMicros.truncate(fine);

    assertThat(truncated.event().createdAt()).isEqualTo(Instant.parse("2026-01-01T12:00:00.123456Z"));
    assertThat(truncated.receivedAt()).isEqualTo(Instant.parse("2026-01-01T12:00:01Z"));
    assertThat(truncated.event().id()).isEqualTo(fine.event().id());
    assertThat(truncated.event().payloadJson()).isEqualTo(fine.event().payloadJson());
    assertThat(EpochMicros.truncate(coarse)).isSameAs(coarse);
  }
}
