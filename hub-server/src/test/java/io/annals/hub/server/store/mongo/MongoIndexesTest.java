package io.annals.hub.server.store.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Opening the store and its ledger creates the indexes their queries are planned on (the results would be the same without them). */
class MongoIndexesTest {

  @RegisterExtension static InJvmMongo mongo = new InJvmMongo();

  @Test
  void opening_the_store_creates_the_indexes_of_every_query_on_the_events() {
    try (MongoEventStore store = mongo.store("indexes-" + System.nanoTime())) {
      List<String> names = new ArrayList<>();
      store.database().getCollection(MongoEventStore.EVENTS).listIndexes().forEach(index -> names.add(index.getString("name")));

      assertThat(names).contains("events_by_received", "events_by_type", "events_by_service", "events_by_correlation",
          "events_by_aggregate");
    }
  }

  @Test
  void opening_the_ledger_creates_the_index_that_finds_an_events_leaf() {
    try (MongoEventStore store = mongo.store("ledger-indexes-" + System.nanoTime())) {
      new MongoLedger(store.database());
      List<String> names = new ArrayList<>();
      store.database().getCollection("ledger_leaves").listIndexes().forEach(index -> names.add(index.getString("name")));

      assertThat(names).contains("ledger_by_event");
    }
  }
}
