package io.annals.hub.server.store.mongo;

import static io.annals.hub.server.store.TestEvents.anEvent;
import static io.annals.hub.server.store.TestEvents.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.annals.hub.server.store.EpochMicros;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the MongoDB store shows on any MongoDB server beyond the port contracts (which run in
 * {@code io.annals.hub.server.store}): the shape of its documents, its settings; subclasses say
 * which server.
 */
abstract class MongoEventStoreContract {

  private static final AtomicInteger DATABASES = new AtomicInteger();

  // One database per test, kept across reopen within the test.
  private final String database = "hub_test_" + DATABASES.incrementAndGet();

  /** The connection string of the server under test. */
  protected abstract String connectionString();

  protected String database() {
    return database;
  }

  protected MongoEventStore store;

  /** Opens a store over this test's database; each test starts with an empty one. */
  protected MongoEventStore openStore() {
    return open(connectionString(), database);
  }

  /** The store as the tests open it: patient enough for a loaded machine, its clock refreshed often. */
  static MongoEventStore open(String connectionString, String database) {
    return MongoEventStore.builder(connectionString, database)
        .serverSelectionTimeout(Duration.ofSeconds(5))
        .clockRefresh(Duration.ofSeconds(1))
        .connect();
  }

  @BeforeEach
  void open_the_store() {
    store = openStore();
  }

  @AfterEach
  void close_the_store() {
    if (store != null) { // null when opening it failed or was skipped
      store.close();
    }
  }

  @Test
  void an_event_is_one_document_keyed_by_its_id_with_the_payload_as_json_text() {
    // Given an event whose decimals a BSON double would change, and one without correlation id
    store.append(List.of(
        anEvent(1).payload("{\"amount\":3.0000,\"n\":1.10}").correlationId("c/1").build(),
        anEvent(2).correlationId(null).build()));

    // Then the raw documents hold the text, times as Int64 microseconds, and no null correlation_id
    try (MongoClient raw = MongoClients.create(connectionString())) {
      Document one = raw.getDatabase(database).getCollection(MongoEventStore.EVENTS).find(new Document("_id", id(1))).first();
      Document two = raw.getDatabase(database).getCollection(MongoEventStore.EVENTS).find(new Document("_id", id(2))).first();
      assertThat(one.get("payload")).isEqualTo("{\"amount\":3.0000,\"n\":1.10}");
      assertThat(one.get("created_at")).isEqualTo(EpochMicros.of(anEvent(1).build().event().createdAt()));
      assertThat(one.get("received_at")).isInstanceOf(Long.class);
      assertThat(one.get("correlation_id")).isEqualTo("c/1");
      assertThat(two).doesNotContainKey("correlation_id");
    }
  }

  @Test
  void bad_settings_are_refused_without_repeating_the_connection_string() {
    assertThatThrownBy(
            () -> MongoEventStore.builder("mongodb://user:secret@", database).connect())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a MongoDB connection string")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(
            () -> MongoEventStore.builder(connectionString(), database).socketTimeout(Duration.ZERO).connect())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("socketTimeout must be between 1 ms");
  }
}
