package io.annals.hub.server.store.sqlite;

import static io.annals.hub.server.store.StoreContract.allPages;
import static io.annals.hub.server.store.TestEvents.T0;
import static io.annals.hub.server.store.TestEvents.anEvent;
import static io.annals.hub.server.store.TestEvents.id;
import static io.annals.hub.server.store.TestEvents.micros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annals.hub.server.event.Outcome;
import io.annals.hub.server.store.AggregatePosition;
import io.annals.hub.server.store.EpochMicros;
import io.annals.hub.server.store.EventFilter;
import io.annals.hub.server.store.Position;
import io.annals.hub.server.store.StoreUnavailableException;
import io.annals.hub.server.store.sqlite.SqliteQueries.Sql;
import io.annals.testsupport.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the embedded store has, beyond the port contracts (which run in
 * {@code io.annals.hub.server.store}, through {@link SqliteUnderTest}): its file, its locks, its
 * query plans.
 */
class SqliteEventStoreTest {

  @TempDir Path tempDir;

  private SqliteEventStore store;

  private Path dataDir() {
    return tempDir.resolve("data");
  }

  @BeforeEach
  void open_the_store() {
    store = SqliteEventStore.builder(dataDir()).busyTimeout(SqliteUnderTest.BUSY_TIMEOUT).open();
  }

  @AfterEach
  void close_the_store() {
    store.close();
  }

  /** The store under test, for its SQLite-only hooks (checkpoint counts, query plans). */
  private SqliteEventStore sqlite() {
    return store;
  }

  @Test
  void the_store_creates_its_data_directory_and_a_wal_file_with_the_schema_version() throws Exception {
    // Given the store opened on a directory that did not exist (see openStore)
    Path file = dataDir().resolve(SqliteEventStore.FILE_NAME);

    // Then the file is there, in WAL mode, at the current schema version
    assertThat(file).isRegularFile();
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = other.createStatement()) {
      assertThat(single(statement, "PRAGMA journal_mode")).isEqualTo("wal");
      assertThat(single(statement, "PRAGMA user_version")).isEqualTo(String.valueOf(SqliteSchema.VERSION));
    }
  }

  @Test
  void committed_pages_are_copied_from_the_log_into_the_file_and_flushed_by_the_background_checkpointer()
      throws Exception {
    // Given the file as created, and a writer whose own checkpoint waits for a log of 64 MiB
    Path file = dataDir().resolve(SqliteEventStore.FILE_NAME);
    long createdSize = Files.size(file);
    String payload = "{\"text\":\"" + "x".repeat(2000) + "\"}";

    // When about 1 MB of events is committed (far below the writer's own threshold)
    store.append(IntStream.range(0, 500).mapToObj(n -> anEvent(n).payload(payload).build()).toList());

    // Then the background thread copies them into the file soon after, without any reader or close,
    // and flushes the file itself (so that the writer's own checkpoint has little left to flush)
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while ((Files.size(file) < createdSize + 500 * 2000 || sqlite().backgroundSyncs() == 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(Files.size(file)).isGreaterThan(createdSize + 500 * 2000);
    assertThat(sqlite().backgroundCheckpoints()).isPositive();
    assertThat(sqlite().backgroundSyncs()).isPositive();
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = other.createStatement()) {
      assertThat(single(statement, "SELECT count(*) FROM events")).isEqualTo("500");
    }
  }

  @Test
  void a_file_from_a_newer_hub_is_refused_with_its_version() throws Exception {
    // Given a file whose schema version is beyond this hub's
    Path newer = tempDir.resolve("newer");
    Files.createDirectories(newer);
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + newer.resolve(SqliteEventStore.FILE_NAME));
        Statement statement = other.createStatement()) {
      statement.execute("PRAGMA user_version = " + (SqliteSchema.VERSION + 1));
    }

    // Then opening it fails and says why
    assertThatThrownBy(() -> SqliteEventStore.open(newer))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("schema version " + (SqliteSchema.VERSION + 1))
        .hasMessageContaining("up to " + SqliteSchema.VERSION);
  }

  @Test
  void a_file_of_version_1_is_migrated_in_place_and_reads_as_before() throws Exception {
    // Given a file written by a hub of schema version 1: its tables, its aggregate index, events
    Path old = tempDir.resolve("v1");
    Files.createDirectories(old);
    Path file = old.resolve(SqliteEventStore.FILE_NAME);
    try (Connection v1 = DriverManager.getConnection("jdbc:sqlite:" + file); Statement statement = v1.createStatement()) {
      statement.execute("CREATE TABLE events (id TEXT NOT NULL PRIMARY KEY, service TEXT NOT NULL, type TEXT NOT NULL,"
          + " created_at INTEGER NOT NULL, aggregate_id TEXT NOT NULL, correlation_id TEXT, received_at INTEGER NOT NULL,"
          + " payload TEXT NOT NULL)");
      for (String index : List.of("events_by_received ON events (received_at, id)", "events_by_type ON events (type, received_at, id)",
          "events_by_service ON events (service, received_at, id)", "events_by_correlation ON events (correlation_id, received_at, id)",
          "events_by_aggregate ON events (aggregate_id, created_at, received_at, id)")) {
        statement.execute("CREATE INDEX " + index);
      }
      statement.execute("CREATE TABLE hub_instances (instance_id TEXT NOT NULL PRIMARY KEY, watermark INTEGER NOT NULL,"
          + " heartbeat INTEGER NOT NULL)");
      for (int n = 0; n < 6; n++) {
        // weeks apart, the last before 1970
        long created = n < 5 ? micros(0).getEpochSecond() * 1_000_000 - n * 700_000_000_000L : -1;
        statement.execute("INSERT INTO events VALUES ('" + id(n) + "', 's', 't', " + created + ", 'order/7', "
            + (n == 2 ? "'checkout/2'" : "NULL") + ", " + n + ", '{}')");
      }
      statement.execute("PRAGMA user_version = 1");
    }

    // When this hub opens it
    try (SqliteEventStore migrated = SqliteEventStore.open(old)) {
      // Then it is at the current version, its history reads in order, and new appends are found too
      migrated.append(List.of(anEvent(9).aggregateId("order/7").createdAt(T0.plusSeconds(1_000_000_000)).build()));
      assertThat(migrated.aggregateHistory("order/7", null, null, 100)).extracting(e -> e.id())
          .containsExactly(id(5), id(4), id(3), id(2), id(1), id(0), id(9));
      assertThat(migrated.query(new EventFilter(null, null, null, "checkout/2", null, null), null, 10))
          .extracting(e -> e.id()).containsExactly(id(2));
    }
    try (Connection after = DriverManager.getConnection("jdbc:sqlite:" + file); Statement statement = after.createStatement()) {
      assertThat(single(statement, "PRAGMA user_version")).isEqualTo(String.valueOf(SqliteSchema.VERSION));
      assertThat(single(statement, "SELECT count(*) FROM sqlite_schema WHERE name IN ('events_by_aggregate', 'events_by_correlation')"))
          .isEqualTo("0");
      assertThat(single(statement, "SELECT count(*) FROM created_weeks")).isEqualTo("7");
      assertThat(single(statement, "SELECT count(*) FROM received_weeks")).isEqualTo("2");
      // Version 5 counted the catalog of the events already there; the append after it counted its own.
      assertThat(single(statement, "SELECT count FROM catalog WHERE service = 's' AND type = 't'")).isEqualTo("6");
    }
  }

  @Test
  void a_file_of_version_6_is_migrated_in_place_and_its_quarantine_keeps_the_extensions_of_events_held_after() throws Exception {
    // Given a file as a hub of schema version 6 left it: a quarantine without extensions, an event held in it
    Path old = tempDir.resolve("v6");
    io.annals.hub.server.schema.QuarantinedEvent before = io.annals.hub.server.schema.QuarantinedEvent.held(
        anEvent(1).service("shop").type("paid").build().event(), T0, 1, List.of());
    try (SqliteEventStore v6 = SqliteEventStore.open(old)) {
      v6.schemas().hold(List.of(before));
    }
    Path file = old.resolve(SqliteEventStore.FILE_NAME);
    try (Connection v6 = DriverManager.getConnection("jdbc:sqlite:" + file); Statement statement = v6.createStatement()) {
      statement.execute("ALTER TABLE quarantine DROP COLUMN extensions");
      statement.execute("PRAGMA user_version = 6");
    }

    // When this hub opens it
    io.annals.hub.server.schema.QuarantinedEvent after = io.annals.hub.server.schema.QuarantinedEvent.held(
        anEvent(2).service("shop").type("paid").extensions(Map.of("partitionkey", "p2")).build().event(), T0, 1, List.of());
    try (SqliteEventStore migrated = SqliteEventStore.open(old)) {
      // Then the entry held before reads as it was, and one held now keeps its extensions
      migrated.schemas().hold(List.of(after));
      assertThat(migrated.schemas().entries(null, 10)).containsExactly(before, after);
      assertThat(migrated.schemas().find(List.of(id(2))).get(0).event().extensions()).containsExactly(Map.entry("partitionkey", "p2"));
    }
    try (Connection v7 = DriverManager.getConnection("jdbc:sqlite:" + file); Statement statement = v7.createStatement()) {
      assertThat(single(statement, "PRAGMA user_version")).isEqualTo(String.valueOf(SqliteSchema.VERSION));
      assertThat(single(statement, "SELECT extensions FROM quarantine WHERE id = '" + id(2) + "'")).isEqualTo("{\"partitionkey\":\"p2\"}");
    }
  }

  @Test
  void bad_settings_are_refused_with_the_bad_value() {
    assertThatThrownBy(() -> SqliteEventStore.builder(dataDir()).busyTimeout(Duration.ZERO).open())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("busyTimeout").hasMessageContaining("PT0S");
    assertThatThrownBy(() -> SqliteEventStore.builder(dataDir()).readerConnections(0).open())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readerConnections must be >= 1, was 0");
  }

  @Test
  void a_data_directory_that_cannot_be_created_makes_the_store_unavailable() throws Exception {
    Path aFile = Files.writeString(tempDir.resolve("not-a-directory"), "x");

    assertThatThrownBy(() -> SqliteEventStore.open(aFile.resolve("data")))
        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("not-a-directory");
  }

  @Test
  void a_closed_store_answers_writes_reads_and_pings_as_unavailable() {
    store.close();

    assertThatThrownBy(() -> store.append(List.of(anEvent(1).build())))
        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("the SQLite store is closed");
    assertThatThrownBy(() -> store.find(id(1)))
        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("the SQLite store is closed");
    assertThatThrownBy(store::ping)
        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("the SQLite store is closed");
  }

  @Test
  void a_write_lock_held_by_another_connection_makes_appends_unavailable_until_it_is_released() throws Exception {
    Path file = dataDir().resolve(SqliteEventStore.FILE_NAME);
    // An append before, so that the writer holds prepared statements of the connection it then discards
    assertThat(store.append(List.of(anEvent(0).build()))).extracting(r -> r.outcome()).containsExactly(Outcome.CREATED);
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = other.createStatement()) {
      // Given another connection holding the write lock
      statement.execute("BEGIN EXCLUSIVE");

      // When an append comes, it waits the busy timeout and then reports the store unavailable
      assertThatThrownBy(() -> store.append(List.of(anEvent(1).build())))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("append of 1 event(s) failed")
          .hasMessageContaining("busy or locked");
      // while reads still answer (WAL)
      assertThat(store.find(id(1))).isEmpty();

      // When the lock is released
      statement.execute("ROLLBACK");
    }

    // Then appends work again, on a fresh connection with statements of its own
    assertThat(store.append(List.of(anEvent(1).build(), anEvent(0).build())))
        .extracting(r -> r.outcome()).containsExactly(Outcome.CREATED, Outcome.DUPLICATE);
    assertThat(store.find(id(1))).isPresent();
  }

  @Test
  void the_clock_is_the_injected_clock_and_steps_back_with_it_for_the_received_at_clock_to_see() {
    TestClock clock = new TestClock(T0.plusNanos(123_456_789));
    try (SqliteEventStore clocked = SqliteEventStore.builder(tempDir.resolve("clocked")).clock(clock).open()) {
      assertThat(clocked.clock()).isEqualTo(T0.plusNanos(123_456_000));

      clock.set(T0.minusSeconds(1));
      assertThat(clocked.clock()).isEqualTo(T0.minusSeconds(1));

      clock.set(T0.plusSeconds(1));
      assertThat(clocked.clock()).isEqualTo(T0.plusSeconds(1));
    }
  }

  @Test
  void a_feed_over_more_types_than_are_merged_keeps_exactly_those_types() {
    // Given events of types t0..t99, and a feed asking for more types than one sub-select each
    store.append(IntStream.range(0, 100).mapToObj(n -> anEvent(n).type("t" + n).receivedAt(micros(n)).build()).toList());
    Set<String> wanted = IntStream.range(0, SqliteQueries.MAX_TYPES_MERGED + 1).map(i -> i + 20)
        .mapToObj(i -> "t" + i).collect(Collectors.toSet());

    // Then it answers those types only, in order, paged
    List<String> seen = allPages(after -> store.feed(wanted, after, micros(1000), 7), 7);
    assertThat(seen).containsExactlyElementsOf(IntStream.range(20, 20 + SqliteQueries.MAX_TYPES_MERGED + 1)
        .mapToObj(n -> id(n)).toList());
  }

  @Test
  void every_query_shape_is_answered_from_an_index() {
    // Given some rows, so the planner sees a real table
    store.append(IntStream.range(0, 50).mapToObj(n -> anEvent(n).receivedAt(micros(n)).build()).toList());
    Position after = new Position(micros(3), id(3));
    Map<String, Sql> shapes = new LinkedHashMap<>();
    shapes.put("find", new Sql(SqliteQueries.FIND, List.of(id(1))));
    shapes.put("query, first page", SqliteQueries.query(EventFilter.none(), null, 10));
    shapes.put("query, no filter", SqliteQueries.query(EventFilter.none(), after, 10));
    shapes.put("query, received range", SqliteQueries.query(new EventFilter(null, null, null, null, micros(1), micros(9)), after, 10));
    shapes.put("query by type", SqliteQueries.query(new EventFilter("t", null, null, null, null, null), after, 10));
    shapes.put("query by service", SqliteQueries.query(new EventFilter(null, "s", null, null, null, micros(9)), after, 10));
    shapes.put("query by aggregate", SqliteQueries.query(new EventFilter(null, null, "a", null, null, null), after, 10));
    shapes.put("query by correlation", SqliteQueries.query(new EventFilter(null, null, null, "c", micros(1), null), after, 10));
    shapes.put("query by correlation, first page, received before",
        SqliteQueries.query(new EventFilter(null, null, null, "c", null, micros(9)), null, 10));
    shapes.put("query, all filters", SqliteQueries.query(new EventFilter("t", "s", "a", "c", micros(1), micros(9)), after, 10));
    shapes.put("history", SqliteQueries.aggregateHistory("a", null, null, 10));
    shapes.put("history as of, after", SqliteQueries.aggregateHistory("a", T0, new AggregatePosition(T0, T0, id(1)), 10));
    shapes.put("feed, all types", SqliteQueries.feed(Set.of(), after, micros(40), 10));
    shapes.put("feed, one type", SqliteQueries.feed(Set.of("t"), after, micros(40), 10));
    shapes.put("feed, three types", SqliteQueries.feed(Set.of("t", "u", "v"), after, micros(40), 10));
    shapes.put("feed, many types", SqliteQueries.feed(
        IntStream.range(0, SqliteQueries.MAX_TYPES_MERGED + 1).mapToObj(i -> "t" + i).collect(Collectors.toSet()),
        after, micros(40), 10));

    shapes.put("feed count, all types", SqliteQueries.countFeed(Set.of(), after, micros(40)));
    shapes.put("feed count, first page", SqliteQueries.countFeed(Set.of(), null, micros(40)));
    shapes.put("feed count, one type", SqliteQueries.countFeed(Set.of("t"), after, micros(40)));
    shapes.put("feed count, three types", SqliteQueries.countFeed(Set.of("t", "u", "v"), after, micros(40)));

    // (the check below does catch a full scan)
    assertThat(sqlite().explain(new Sql("SELECT id FROM events WHERE payload = ?", List.of("{}")))).contains("SCAN events");

    // By aggregate or correlation id: a seek per week that holds events, never a walk of the whole index.
    for (String shape : List.of("query by aggregate", "query, all filters", "history", "history as of, after")) {
      assertThat(sqlite().explain(shapes.get(shape))).as("plan of %s", shape)
          .anyMatch(line -> line.startsWith("SEARCH events USING INDEX events_by_week_aggregate (created_week=? AND aggregate_id=?"));
    }
    for (String shape : List.of("query by correlation", "query by correlation, first page, received before")) {
      assertThat(sqlite().explain(shapes.get(shape))).as("plan of %s", shape)
          .anyMatch(line -> line.startsWith("SEARCH events USING INDEX events_by_week_correlation (received_week=? AND correlation_id=?"));
    }
    shapes.forEach((shape, sql) -> {
      List<String> plan = sqlite().explain(sql);
      assertThat(plan).as("plan of %s: %s", shape, plan)
          .anyMatch(line -> line.contains("events USING INDEX") || line.contains("events USING COVERING INDEX"))
          .noneMatch(line -> line.startsWith("SCAN events") && !line.contains("USING INDEX") && !line.contains("USING COVERING INDEX"));
    });
  }

  @Test
  void the_feed_count_reads_only_an_index_never_the_rows() {
    store.append(IntStream.range(0, 50).mapToObj(n -> anEvent(n).type("t" + n % 3).receivedAt(micros(n)).build()).toList());
    Position after = new Position(micros(3), id(3));

    for (Sql count : List.of(SqliteQueries.countFeed(Set.of(), after, micros(40)),
        SqliteQueries.countFeed(Set.of("t1"), after, micros(40)),
        SqliteQueries.countFeed(Set.of("t0", "t1", "t2"), null, micros(40)))) {
      assertThat(sqlite().explain(count)).as("plan of %s", count.text())
          .anyMatch(line -> line.contains("USING COVERING INDEX"));
    }
  }

  @Test
  void each_append_deletes_the_minute_counts_older_than_two_hours_before_its_newest_event() throws Exception {
    long first = Math.floorDiv(EpochMicros.of(T0), SqliteSchemas.MINUTE_MICROS);
    store.append(List.of(anEvent(1).receivedAt(T0).build(), anEvent(2).receivedAt(T0.plusSeconds(60)).build()));
    assertThat(catalogMinutes()).containsExactly(first, first + 1);

    // 121 minutes on, the first minute falls out of the two hours kept and the next is just inside
    store.append(List.of(anEvent(3).receivedAt(T0.plus(Duration.ofMinutes(121))).build()));
    assertThat(catalogMinutes()).containsExactly(first + 1, first + 121);

    // and the next append prunes from its own newest minute, not from the one before's
    store.append(List.of(anEvent(4).receivedAt(T0.plus(Duration.ofMinutes(122))).build()));
    assertThat(catalogMinutes()).containsExactly(first + 121, first + 122);
  }

  /** The minutes that hold counts for the catalog's last hour, read past the store. */
  private List<Long> catalogMinutes() throws Exception {
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dataDir().resolve(SqliteEventStore.FILE_NAME));
        Statement statement = other.createStatement();
        ResultSet rs = statement.executeQuery("SELECT DISTINCT minute FROM catalog_minutes ORDER BY minute")) {
      List<Long> minutes = new java.util.ArrayList<>();
      while (rs.next()) {
        minutes.add(rs.getLong(1));
      }
      return minutes;
    }
  }

  private static String single(Statement statement, String sql) throws Exception {
    try (ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
