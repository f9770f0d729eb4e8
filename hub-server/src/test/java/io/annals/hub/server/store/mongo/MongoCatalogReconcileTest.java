package io.annals.hub.server.store.mongo;

import static io.annals.hub.server.store.TestEvents.anEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.schema.CatalogEntry;
import io.annals.hub.server.store.EpochMicros;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MongoDB counts the catalog after the insert, not in its transaction: a crash in between leaves
 * events the catalog has not counted. Opening the store recounts from the checkpoint, so the
 * catalog equals the stored events again (docs/schemas.md).
 */
class MongoCatalogReconcileTest {

  @RegisterExtension static InJvmMongo mongo = new InJvmMongo();

  @Test
  void events_stored_without_their_count_are_counted_when_the_store_opens_again_old_ones_from_the_checkpoint() {
    String database = "reconcile-" + System.nanoTime();
    Instant now = Instant.now();
    try (MongoEventStore store = mongo.store(database)) {
      store.append(List.of(anEvent(1).type("paid").receivedAt(now.minusSeconds(7200)).build(),
          anEvent(2).type("paid").receivedAt(now.minusSeconds(10)).build()));
      // As if the hub died after these inserts and before their $inc: stored, not counted.
      store.database().getCollection(MongoEventStore.EVENTS).insertMany(List.of(
          EventDocuments.toDocument(anEvent(3).type("paid").receivedAt(now.minusSeconds(5)).build()),
          EventDocuments.toDocument(anEvent(4).type("cancelled").receivedAt(now.minusSeconds(3)).build())));
      assertThat(store.schemas().entries(now)).extracting(CatalogEntry::count).containsExactly(2L);
    }
    try (MongoEventStore reopened = mongo.store(database)) {
      assertThat(reopened.schemas().entries(now)).extracting(CatalogEntry::type, CatalogEntry::count)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("cancelled", 1L), org.assertj.core.groups.Tuple.tuple("paid", 3L));
      // Counted live again; and an old event stored uncounted before the checkpoint moved is in it too.
      reopened.append(List.of(anEvent(5).type("paid").receivedAt(now).build()));
      reopened.database().getCollection(MongoEventStore.EVENTS).insertOne(
          EventDocuments.toDocument(anEvent(6).type("paid").receivedAt(now.minusSeconds(20)).build()));
    }
    try (MongoEventStore third = mongo.store(database)) {
      assertThat(third.schemas().entries(now)).extracting(CatalogEntry::type, CatalogEntry::count)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("cancelled", 1L), org.assertj.core.groups.Tuple.tuple("paid", 5L));
    }
  }

  @Test
  void an_old_event_stored_uncounted_below_the_checkpoint_makes_the_next_open_recount_everything_once() {
    String database = "recount-" + System.nanoTime();
    Instant now = Instant.now();
    try (MongoEventStore store = mongo.store(database)) {
      store.append(List.of(anEvent(1).type("paid").receivedAt(now.minusSeconds(7200)).build()));
    }
    try (MongoEventStore reopened = mongo.store(database)) {
      // A migration of old history: stored below the checkpoint this open just moved, and not counted
      reopened.database().getCollection(MongoEventStore.EVENTS).insertOne(
          EventDocuments.toDocument(anEvent(2).type("paid").receivedAt(now.minusSeconds(3600)).build()));
      assertThat(reopened.schemas().entries(now)).extracting(CatalogEntry::count).containsExactly(1L);
    }
    try (MongoEventStore third = mongo.store(database)) {
      assertThat(third.schemas().entries(now)).extracting(CatalogEntry::type, CatalogEntry::count, CatalogEntry::firstReceivedAt)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("paid", 2L, EpochMicros.truncate(now.minusSeconds(7200))));
    }
  }
}
