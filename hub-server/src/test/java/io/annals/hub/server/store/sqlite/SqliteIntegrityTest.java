package io.annals.hub.server.store.sqlite;

import static io.annals.hub.server.store.TestEvents.T0;
import static io.annals.hub.server.store.TestEvents.anEvent;
import static io.annals.hub.server.store.TestEvents.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.EventFilter;
import io.annals.hub.server.store.InstanceWatermark;
import io.annals.hub.server.store.StoreCorruptException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's quick check, damage found at run time, and the clock's high mark. */
class SqliteIntegrityTest {

  @TempDir Path dir;

  /** A store of {@code n} events, closed, and the size of its file. */
  private long storeWithEvents(int n) {
    try (SqliteEventStore store = SqliteEventStore.open(dir)) {
      List<StoredEvent> events = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        events.add(anEvent(i).build());
      }
      store.append(events);
    }
    return dir.resolve(SqliteEventStore.FILE_NAME).toFile().length();
  }

  private void overwrite(long offset, int length) throws Exception {
    byte[] garbage = new byte[length];
    new Random(offset).nextBytes(garbage);
    try (RandomAccessFile file = new RandomAccessFile(dir.resolve(SqliteEventStore.FILE_NAME).toFile(), "rw")) {
      file.seek(offset);
      file.write(garbage);
    }
  }

  @Test
  void a_file_with_a_damaged_page_is_refused_at_open_with_one_line_naming_it() throws Exception {
    long size = storeWithEvents(2000);
    overwrite(size / 2 / 4096 * 4096, 4096);

    assertThatThrownBy(() -> SqliteEventStore.open(dir))
        .isInstanceOf(StoreCorruptException.class)
        .hasMessageContaining(dir.resolve(SqliteEventStore.FILE_NAME).toAbsolutePath().toString())
        .hasMessageContaining("PRAGMA quick_check found")
        .hasMessageContaining("restore it from a backup")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void with_the_startup_check_off_a_damaged_file_opens_and_the_first_read_that_meets_the_damage_answers_store_corrupt() throws Exception {
    long size = storeWithEvents(4000);
    for (long offset = 4 * 4096; offset < size; offset += 4096) {
      overwrite(offset, 4096);
    }
    assertThatThrownBy(() -> SqliteEventStore.open(dir)).as("checked by default").isInstanceOf(StoreCorruptException.class);

    try (SqliteEventStore store = SqliteEventStore.builder(dir).startupCheck(false).open()) {
      assertThatThrownBy(() -> store.query(EventFilter.none(), null, 10_000))
          .isInstanceOf(StoreCorruptException.class)
          .hasMessageContaining(SqliteEventStore.FILE_NAME);
    }
  }

  @Test
  void a_file_whose_header_is_damaged_is_refused_as_not_a_database_naming_it() throws Exception {
    storeWithEvents(10);
    overwrite(0, 100);

    assertThatThrownBy(() -> SqliteEventStore.open(dir))
        .isInstanceOf(StoreCorruptException.class)
        .hasMessageContaining(dir.resolve(SqliteEventStore.FILE_NAME).toAbsolutePath().toString())
        .hasMessageContaining("NOTADB")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void damage_found_while_open_answers_store_corrupt_and_every_later_ping_says_so() throws Exception {
    long size = storeWithEvents(4000);
    try (SqliteEventStore store = SqliteEventStore.builder(dir).readerConnections(1).open()) {
      store.ping();
      // Every page after the first few: whatever a read touches is garbage now
      for (long offset = 4 * 4096; offset < size; offset += 4096) {
        overwrite(offset, 4096);
      }

      assertThatThrownBy(() -> store.query(EventFilter.none(), null, 10_000))
          .isInstanceOf(StoreCorruptException.class)
          .hasMessageContaining(SqliteEventStore.FILE_NAME);
      assertThatThrownBy(store::ping).isInstanceOf(StoreCorruptException.class);
      assertThatThrownBy(store::ping).isInstanceOf(StoreCorruptException.class);
    }
  }

  @Test
  void the_high_mark_is_the_newest_received_at_or_the_highest_heartbeat_ever_published_and_outlives_retirement() {
    try (SqliteEventStore store = SqliteEventStore.open(dir)) {
      assertThat(store.clockHighMark()).isNull();

      StoredEvent event = anEvent(1).build();
      store.append(List.of(event));
      assertThat(store.clockHighMark()).isEqualTo(event.receivedAt());

      store.publishWatermark(new InstanceWatermark("hub-a", T0.plusSeconds(3000), T0.plusSeconds(3600)));
      store.publishWatermark(new InstanceWatermark("hub-b", T0, T0.plusSeconds(100)));
      store.retireInstance("hub-a");
      assertThat(store.clockHighMark()).isEqualTo(T0.plusSeconds(3600));
      assertThat(store.find(id(1))).isPresent();
    }
  }

  @Test
  void a_file_of_schema_version_2_gains_the_high_mark_table() throws Exception {
    storeWithEvents(1);
    try (var connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteEventStore.FILE_NAME));
        var statement = connection.createStatement()) {
      statement.execute("DROP TABLE hub_clock");
      // And what version 5 added (schemas, quarantine, catalog), so that the file is version 2 again.
      for (String table : java.util.List.of("schemas", "quarantine", "catalog", "catalog_minutes")) {
        statement.execute("DROP TABLE " + table);
      }
      statement.execute("PRAGMA user_version = 2");
    }

    try (SqliteEventStore store = SqliteEventStore.open(dir)) {
      store.publishWatermark(new InstanceWatermark("hub-a", T0, T0.plusSeconds(3600)));
      assertThat(store.clockHighMark()).isEqualTo(T0.plusSeconds(3600));
    }
    assertThat(Files.exists(dir.resolve(SqliteEventStore.FILE_NAME))).isTrue();
  }
}
