package io.annals.hub.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundle of one adapter's ports. */
class StoreTest {

  @TempDir Path dir;

  @Test
  void of_an_adapter_gives_it_as_every_port_and_closing_the_store_closes_it() {
    SqliteEventStore adapter = SqliteEventStore.open(dir);
    Store store = Store.of(adapter);

    assertThat(store.log()).isSameAs(adapter);
    assertThat(store.feed()).isSameAs(adapter);
    assertThat(store.instances()).isSameAs(adapter);
    assertThat(store.clock()).isSameAs(adapter);
    assertThat(store.health()).isSameAs(adapter);

    store.close();
    assertThatThrownBy(adapter::ping).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("closed");
  }

  @Test
  void a_decorator_replaces_the_event_ports_and_keeps_the_erasure_schema_and_ledger_ports_of_the_adapter() {
    try (SqliteEventStore adapter = SqliteEventStore.open(dir)) {
      Store plain = Store.of(adapter);
      Store decorated = plain.with(adapter, adapter, adapter, () -> { });

      assertThat(decorated.erasures()).isSameAs(plain.erasures());
      assertThat(decorated.schemas()).isSameAs(plain.schemas());
      assertThat(decorated.ledger()).isSameAs(plain.ledger());
      assertThat(decorated.instances()).isSameAs(adapter);
      assertThat(decorated.clock()).isSameAs(adapter);
      assertThat(decorated.resources()).isNotSameAs(adapter);
    }
  }

  @Test
  void a_checked_exception_on_close_becomes_an_illegal_state_with_its_cause() {
    IOException cause = new IOException("disk gone");
    try (SqliteEventStore adapter = SqliteEventStore.open(dir)) {
      Store store = Store.of(adapter).with(adapter, adapter, adapter, () -> {
        throw cause;
      });

      assertThatThrownBy(store::close).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closing the store failed").hasCause(cause);
    }
  }

  @Test
  void an_unchecked_exception_on_close_is_passed_on_as_it_is() {
    StoreUnavailableException unavailable = new StoreUnavailableException("gone", null);
    try (SqliteEventStore adapter = SqliteEventStore.open(dir)) {
      Store store = Store.of(adapter).with(adapter, adapter, adapter, () -> {
        throw unavailable;
      });

      assertThatThrownBy(store::close).isSameAs(unavailable);
    }
  }
}
