package io.annals.hub.server.store.sqlite;

import static io.annals.hub.server.store.TestEvents.T0;
import static io.annals.hub.server.store.TestEvents.anEvent;
import static io.annals.hub.server.store.TestEvents.id;
import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.store.InstanceWatermark;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watermark publication an append carries in its own transaction, and the row that only moves forward. */
class SqliteWatermarkPublicationTest {

  @TempDir Path dir;

  @Test
  void an_append_writes_the_publication_it_is_given_in_the_same_transaction() {
    try (SqliteEventStore store = SqliteEventStore.open(dir)) {
      store.publishWatermark(new InstanceWatermark("hub-a", T0, T0.plusSeconds(1)));
      io.annals.hub.server.event.StoredEvent event = anEvent(1).receivedAt(T0.plusSeconds(2)).build();

      store.append(List.of(event), () -> new InstanceWatermark("hub-a", T0.plusSeconds(3), T0.plusSeconds(4)));

      assertThat(store.find(id(1))).isPresent();
      assertThat(store.watermarks()).containsExactly(new InstanceWatermark("hub-a", T0.plusSeconds(3), T0.plusSeconds(4)));
      assertThat(store.clockHighMark()).isEqualTo(T0.plusSeconds(4));
    }
  }

  @Test
  void an_append_given_no_publication_leaves_the_row_alone() {
    try (SqliteEventStore store = SqliteEventStore.open(dir)) {
      store.publishWatermark(new InstanceWatermark("hub-a", T0, T0.plusSeconds(1)));

      store.append(List.of(anEvent(1).receivedAt(T0.plusSeconds(2)).build()), () -> null);

      assertThat(store.watermarks()).containsExactly(new InstanceWatermark("hub-a", T0, T0.plusSeconds(1)));
    }
  }

  @Test
  void a_publication_whose_heartbeat_is_not_above_the_stored_one_leaves_the_row_as_it_is() {
    try (SqliteEventStore store = SqliteEventStore.open(dir)) {
      store.publishWatermark(new InstanceWatermark("hub-a", T0.plusSeconds(3), T0.plusSeconds(4)));

      // Written late: computed before the one above, it reached the writer after it.
      store.publishWatermark(new InstanceWatermark("hub-a", T0.plusSeconds(1), T0.plusSeconds(2)));
      store.publishWatermark(new InstanceWatermark("hub-a", T0.plusSeconds(1), T0.plusSeconds(4)));

      assertThat(store.watermarks()).containsExactly(new InstanceWatermark("hub-a", T0.plusSeconds(3), T0.plusSeconds(4)));
    }
  }
}
