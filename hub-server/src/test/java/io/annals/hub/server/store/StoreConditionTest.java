package io.annals.hub.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StoreConditionTest {

  final AtomicLong usable = new AtomicLong(1000);
  final StoreCondition health = new StoreCondition("the test store", usable::get);

  @Test
  void a_healthy_store_passes_the_check_and_plain_outages_leave_no_mark() {
    health.record(new StoreUnavailableException("timed out", null));

    assertThatCode(health::check).doesNotThrowAnyException();
    assertThat(health.corrupt()).isFalse();
  }

  @Test
  void damage_fails_every_later_check_naming_it_even_after_appends_succeed() {
    StoreCorruptException damage = new StoreCorruptException("events.db is damaged", null);
    assertThat(health.record(damage)).isSameAs(damage);
    health.appended();

    assertThatThrownBy(health::check).isInstanceOf(StoreCorruptException.class).hasMessage("events.db is damaged");
    assertThatThrownBy(health::check).isInstanceOf(StoreCorruptException.class);
    assertThat(health.corrupt()).isTrue();
  }

  @Test
  void lack_of_space_fails_the_check_until_an_append_succeeds() {
    health.record(new StoreFullException("SQLITE_FULL", null));
    assertThatThrownBy(health::check).isInstanceOf(StoreFullException.class).hasMessageContaining("out of space");

    health.appended();

    assertThatCode(health::check).doesNotThrowAnyException();
  }

  @Test
  void lack_of_space_ends_when_enough_space_returns_without_an_append() {
    health.record(new StoreFullException("SQLITE_FULL", null));
    usable.addAndGet(StoreCondition.SPACE_RETURNED - 1);
    assertThatThrownBy(health::check).isInstanceOf(StoreFullException.class);

    usable.addAndGet(1);

    assertThatCode(health::check).doesNotThrowAnyException();
  }

  @Test
  void where_space_cannot_be_measured_only_an_append_ends_lack_of_space() {
    StoreCondition mongo = new StoreCondition("MongoDB", () -> -1);
    mongo.record(new StoreFullException("full", null));
    assertThatThrownBy(mongo::check).isInstanceOf(StoreFullException.class);

    mongo.appended();

    assertThatCode(mongo::check).doesNotThrowAnyException();
  }
}
