package io.annals.ops.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.ledger.MerkleProofs;
import io.annals.hub.server.schema.QuarantinedEvent;
import io.annals.hub.server.store.FeedSource;
import io.annals.hub.server.store.Position;
import io.annals.hub.server.store.mongo.MongoEventStore;
import io.annals.hub.server.store.mongo.MongoLedger;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import io.annals.hub.server.store.sqlite.SqliteLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must show 2: a real hub's embedded store migrated to MongoDB (the in-JVM wire-protocol server)
 * and back to a new embedded store: the same events, {@code received_at} included, and the same
 * ledger root at each step; a hub started on the result serves that root, signed with the same key.
 */
class MigrateTest {

  static final int EVENTS = 3000;

  @TempDir Path dir;
  MongoServer mongo;
  String uri;

  @BeforeEach
  void start_mongo() {
    mongo = new MongoServer(new MemoryBackend());
    uri = mongo.bindAndGetConnectionString();
  }

  @AfterEach
  void stop_mongo() {
    mongo.shutdownNow();
  }

  private HistoryHub.Run migrate(String... args) {
    return HistoryHub.capture((out, err) -> new MigrateCommand(out, err, false).run(args));
  }

  static List<StoredEvent> all(FeedSource feed) {
    List<StoredEvent> events = new ArrayList<>();
    Position after = null;
    while (true) {
      List<StoredEvent> page = feed.feed(Set.of(), after, Instant.MAX, 1000);
      if (page.isEmpty()) {
        return events;
      }
      events.addAll(page);
      StoredEvent last = page.get(page.size() - 1);
      after = new Position(last.receivedAt(), last.id());
    }
  }

  @Test
  void embedded_to_mongodb_and_back_keeps_every_event_with_its_received_at_and_the_same_ledger_root_at_each_step() throws Exception {
    Path first = dir.resolve("first");
    Path back = dir.resolve("back");
    String digestRoot;
    String keyId;
    try (HistoryHub hub = HistoryHub.start(first)) {
      hub.publish(EVENTS);
      hub.awaitLedger(EVENTS);
      digestRoot = hub.get("/ledger/digest").path("root_hash").asText();
      keyId = hub.get("/ledger/key").path("key_id").asText();
    }
    String mongoUri = uri + "/migrated";

    HistoryHub.Run toMongo = migrate("--from", "embedded:" + first, "--to", "mongodb:" + mongoUri, "--state", dir.resolve("s1.json").toString());
    assertThat(toMongo.exit()).as(toMongo.out() + toMongo.err()).isZero();
    assertThat(toMongo.out()).contains(EVENTS + " events copied").contains("counts equal (" + EVENTS + ")")
        .contains("ledger root " + digestRoot + " of " + EVENTS + " leaves on both sides")
        .contains("every leaf recomputed from the target's events matches");

    HistoryHub.Run toEmbedded = migrate("--from", "mongodb:" + mongoUri, "--to", "embedded:" + back);
    assertThat(toEmbedded.exit()).as(toEmbedded.out() + toEmbedded.err()).isZero();
    assertThat(toEmbedded.out()).contains("ledger root " + digestRoot + " of " + EVENTS + " leaves on both sides");

    List<StoredEvent> original;
    try (SqliteEventStore a = SqliteEventStore.open(first); SqliteLedger la = SqliteLedger.open(first)) {
      original = all(a);
      assertThat(HexFormat.of().formatHex(new MerkleProofs(la).root(EVENTS))).isEqualTo(digestRoot);
    }
    assertThat(original).hasSize(EVENTS);
    try (MongoEventStore m = MongoEventStore.connect(mongoUri, "migrated")) {
      assertThat(all(m)).isEqualTo(original);
      assertThat(HexFormat.of().formatHex(new MerkleProofs(new MongoLedger(m.database())).root(EVENTS))).isEqualTo(digestRoot);
    }
    try (SqliteEventStore c = SqliteEventStore.open(back); SqliteLedger lc = SqliteLedger.open(back)) {
      assertThat(all(c)).isEqualTo(original); // StoredEvent equality: every field, received_at included
      assertThat(HexFormat.of().formatHex(new MerkleProofs(lc).root(EVENTS))).isEqualTo(digestRoot);
    }

    // The MongoDB leg has no key file; its hubs sign with HUB_LEDGER_KEY_FILE, as migrate says. Here: the first store's key.
    assertThat(toMongo.err()).contains("sign with HUB_LEDGER_KEY_FILE: give them " + first.resolve("ledger-key.pem"));
    Files.copy(first.resolve("ledger-key.pem"), back.resolve("ledger-key.pem"));
    try (HistoryHub hub = HistoryHub.start(back)) {
      assertThat(hub.get("/ledger/digest").path("root_hash").asText()).isEqualTo(digestRoot);
      assertThat(hub.get("/ledger/key").path("key_id").asText()).isEqualTo(keyId);
    }
  }

  @Test
  void embedded_to_mongodb_and_back_carries_the_erasure_log_the_schemas_the_quarantine_and_the_catalog_counts() throws Exception {
    Path first = dir.resolve("first");
    Path back = dir.resolve("back");
    String erasureId;
    JsonNode catalog;
    JsonNode schemas;
    try (HistoryHub hub = HistoryHub.start(first)) {
      hub.put("/schemas/shop/order-placed", "{\"schema\":{\"type\":\"object\",\"required\":[\"amount\"]},\"mode\":\"enforce\"}");
      hub.put("/schemas/shop/audit", "{\"schema\":{\"type\":\"object\",\"required\":[\"who\"]},\"mode\":\"quarantine\"}");
      List<String> ids = hub.publish(9);
      HubHttp.Answer erased = hub.post("/erasures", "{\"ids\":[\"" + ids.get(0) + "\"],\"pointers\":[\"/note\"],\"reason\":\"request 1\"}");
      assertThat(erased.status()).as(erased.body()).isEqualTo(201);
      erasureId = erased.json().path("erasure_id").asText();
      HubHttp.Answer held = hub.post("/events", "{\"id\":\"" + java.util.UUID.randomUUID() + "\",\"meta\":{\"service\":\"shop\",\"type\":\"audit\","
          + "\"created_at\":\"2020-01-01T00:00:00Z\",\"aggregate_id\":\"audit/1\",\"extensions\":{\"traceparent\":\"00-4bf9-01\","
          + "\"partitionkey\":\"p1\"}},\"payload\":{\"what\":\"no who\",\"n\":3.0000}}");
      assertThat(held.status()).as(held.body()).isEqualTo(202);
      String droppedId = java.util.UUID.randomUUID().toString();
      HubHttp.Answer toDrop = hub.post("/events", "{\"id\":\"" + droppedId + "\",\"meta\":{\"service\":\"shop\",\"type\":\"audit\","
          + "\"created_at\":\"2020-01-02T00:00:00Z\",\"aggregate_id\":\"audit/2\",\"correlation_id\":\"c/2\"},\"payload\":{}}");
      assertThat(toDrop.status()).as(toDrop.body()).isEqualTo(202);
      HubHttp.Answer dropped = hub.post("/quarantine/drop", "{\"ids\":[\"" + droppedId + "\"],\"reason\":\"test data\"}");
      assertThat(dropped.status()).as(dropped.body()).isEqualTo(200);
      hub.awaitLedger(10); // 9 events and the erasure-applied event
      catalog = counts(hub.get("/catalog"));
      schemas = hub.get("/schemas");
    }
    String mongoUri = uri + "/others";
    HistoryHub.Run toMongo = migrate("--from", "embedded:" + first, "--to", "mongodb:" + mongoUri, "--state", dir.resolve("s2.json").toString());
    assertThat(toMongo.exit()).as(toMongo.out() + toMongo.err()).isZero();
    assertThat(toMongo.out()).contains("1 erasures, 2 schema versions, 1 held and 1 dropped in quarantine")
        .contains("erasure log, latest schemas, quarantine entries and catalog counts equal on both sides");
    HistoryHub.Run toEmbedded = migrate("--from", "mongodb:" + mongoUri, "--to", "embedded:" + back);
    assertThat(toEmbedded.exit()).as(toEmbedded.out() + toEmbedded.err()).isZero();
    assertThat(toEmbedded.out()).contains("1 erasures, 2 schema versions, 1 held and 1 dropped in quarantine")
        .contains("erasure log, latest schemas, quarantine entries and catalog counts equal on both sides");

    // The whole quarantine, read through each side's port: the same entries, every field (extensions, drop reason and time) equal.
    List<QuarantinedEvent> quarantine;
    try (SqliteEventStore a = SqliteEventStore.open(first)) {
      quarantine = a.schemas().entries(null, 100);
    }
    assertThat(quarantine).hasSize(2);
    assertThat(quarantine).filteredOn(QuarantinedEvent::dropped).singleElement().satisfies(q -> {
      assertThat(q.droppedReason()).isEqualTo("test data");
      assertThat(q.droppedAt()).isNotNull();
      assertThat(q.event().correlationId()).isEqualTo("c/2");
    });
    assertThat(quarantine).filteredOn(q -> !q.dropped()).singleElement().satisfies(q -> {
      assertThat(q.event().extensions()).containsEntry("traceparent", "00-4bf9-01").containsEntry("partitionkey", "p1");
      assertThat(q.event().payloadJson()).contains("3.0000");
      assertThat(q.errors()).isNotEmpty();
    });
    try (MongoEventStore m = MongoEventStore.connect(mongoUri, "others")) {
      assertThat(m.schemas().entries(null, 100)).isEqualTo(quarantine);
    }
    try (SqliteEventStore c = SqliteEventStore.open(back)) {
      assertThat(c.schemas().entries(null, 100)).isEqualTo(quarantine);
    }

    Files.copy(first.resolve("ledger-key.pem"), back.resolve("ledger-key.pem"));
    try (HistoryHub hub = HistoryHub.start(back)) {
      JsonNode log = hub.get("/erasures");
      assertThat(log.path("erasures")).hasSize(1);
      assertThat(log.path("erasures").get(0).path("erasure_id").asText()).isEqualTo(erasureId);
      assertThat(hub.get("/schemas")).isEqualTo(schemas);
      assertThat(hub.get("/quarantine").path("events")).hasSize(1);
      assertThat(counts(hub.get("/catalog"))).isEqualTo(catalog);
    }
  }

  @Test
  void a_quarantine_that_differs_after_the_copy_is_named_and_the_migration_answers_different() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    try (HistoryHub hub = HistoryHub.start(a)) {
      hub.put("/schemas/shop/audit", "{\"schema\":{\"type\":\"object\",\"required\":[\"who\"]},\"mode\":\"quarantine\"}");
      hub.publish(3);
      for (int i = 0; i < 2; i++) {
        HubHttp.Answer held = hub.post("/events", "{\"id\":\"" + java.util.UUID.randomUUID() + "\",\"meta\":{\"service\":\"shop\","
            + "\"type\":\"audit\",\"created_at\":\"2020-01-01T00:00:00Z\",\"aggregate_id\":\"audit/" + i + "\"},\"payload\":{}}");
        assertThat(held.status()).as(held.body()).isEqualTo(202);
      }
      hub.awaitLedger(3);
    }
    assertThat(migrate("--from", "embedded:" + a, "--to", "embedded:" + b).exit()).isZero();
    String changed;
    try (SqliteEventStore target = SqliteEventStore.open(b)) {
      changed = target.schemas().entries(null, 10).get(1).id();
      assertThat(target.schemas().drop(List.of(changed), "dropped on the target only", Instant.now())).isEqualTo(1);
    }

    HistoryHub.Run again = migrate("--from", "embedded:" + a, "--to", "embedded:" + b);
    assertThat(again.exit()).as(again.out() + again.err()).isEqualTo(MigrateCommand.DIFFERENT);
    assertThat(again.out()).contains("DIFFERENT: the quarantines differ at entry " + changed);
  }

  /** service/type: count of a GET /catalog answer. */
  private static JsonNode counts(JsonNode catalog) {
    com.fasterxml.jackson.databind.node.ObjectNode counts = HubHttp.JSON.createObjectNode();
    catalog.path("types").forEach(t -> counts.put(t.path("service").asText() + "/" + t.path("type").asText(), t.path("count").asLong()));
    assertThat(counts.size()).as(catalog.toString()).isPositive();
    return counts;
  }

  @Test
  void a_target_that_is_not_empty_is_refused_and_a_finished_migration_run_again_only_compares() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    try (HistoryHub hub = HistoryHub.start(a)) {
      hub.publish(10);
      hub.awaitLedger(10);
    }
    try (HistoryHub hub = HistoryHub.start(b)) {
      hub.publish(1);
    }
    HistoryHub.Run refused = migrate("--from", "embedded:" + a, "--to", "embedded:" + b);
    assertThat(refused.exit()).isEqualTo(MigrateCommand.USAGE);
    assertThat(refused.err()).contains("is not empty (1 events");

    Path c = dir.resolve("c");
    assertThat(migrate("--from", "embedded:" + a, "--to", "embedded:" + c).exit()).isZero();
    HistoryHub.Run again = migrate("--from", "embedded:" + a, "--to", "embedded:" + c);
    assertThat(again.exit()).as(again.out() + again.err()).isZero();
    assertThat(again.out()).contains("(0 created by this run), 0 leaves; counts equal (10)");

    HistoryHub.Run bad = migrate("--from", "sqlite:" + a, "--to", "embedded:" + c);
    assertThat(bad.exit()).isEqualTo(MigrateCommand.USAGE);
    assertThat(bad.err()).contains("--from must be embedded:DIR or mongodb:URI");
    HistoryHub.Run missing = migrate("--from", "embedded:" + dir.resolve("none"), "--to", "embedded:" + dir.resolve("d"));
    assertThat(missing.exit()).isEqualTo(MigrateCommand.USAGE);
    assertThat(missing.err()).contains("holds no events.db");
  }
}
