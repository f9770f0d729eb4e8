package io.annals.hub.server.ledger;

import io.annals.hub.server.store.Store;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.Await;
import io.annals.hub.server.LoadClients;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.TestHub;
import io.annals.hub.server.store.mongo.InJvmMongo;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must-show 4 of the ledger issue: two hubs on one MongoDB (in-JVM), writers on both. One appender
 * at a time (the lease); one tree whose leaves are exactly the stored, acknowledged events; proofs
 * from either hub verify against either hub's digest.
 */
class TwoHubsLedgerTest {

  @TempDir Path dir;
  @RegisterExtension static InJvmMongo mongo = new InJvmMongo();

  @Test
  void two_hubs_build_one_tree_of_exactly_the_acknowledged_events_and_both_serve_proofs_that_verify() throws Exception {
    // One data directory for both: they share the ledger key file, as HUB_LEDGER_KEY_FILE would.
    try (TestHub a = TestHub.start(Store.of(mongo.store("hub")), dir, UnaryOperator.identity());
        TestHub b = TestHub.start(Store.of(mongo.store("hub")), dir, UnaryOperator.identity())) {
      LoadClients onA = new LoadClients(() -> a.hub().port(), false).start(4);
      LoadClients onB = new LoadClients(() -> b.hub().port(), false).start(4);
      Await.until("200 events acknowledged by each hub", () -> onA.acknowledgedCount() >= 200 && onB.acknowledgedCount() >= 200);
      onA.stopAndJoin();
      onB.stopAndJoin();
      Map<String, String> acknowledged = new HashMap<>(onA.acknowledged());
      acknowledged.putAll(onB.acknowledged());
      int stored = a.storedCount();
      assertThat(stored).isEqualTo(acknowledged.size());

      Await.until("the tree holds every stored event", () -> digest(a).get("tree_size").asInt() >= stored);
      JsonNode fromA = digest(a);
      JsonNode fromB = digest(b);
      assertThat(fromA.get("tree_size").asInt()).isEqualTo(stored);
      assertThat(fromB.get("tree_size").asInt()).isEqualTo(stored);
      assertThat(fromB.get("root_hash").asText()).isEqualTo(fromA.get("root_hash").asText());
      JsonNode key = TestEvents.parse(a.get("/ledger/key").body());
      assertThat(Auditor.signatureVerifies(fromA, key)).isTrue();
      assertThat(Auditor.signatureVerifies(fromB, key)).isTrue();
      byte[] root = HexFormat.of().parseHex(fromA.get("root_hash").asText());

      Set<Long> indexes = new HashSet<>();
      int n = 0;
      for (String id : acknowledged.keySet()) {
        TestHub asked = n++ % 2 == 0 ? a : b;
        JsonNode proof = TestEvents.parse(asked.get("/ledger/proof/inclusion?id=" + id + "&tree_size=" + stored).body());
        long index = proof.get("leaf_index").asLong();
        assertThat(indexes.add(index)).as("leaf of %s is its own", id).isTrue();
        byte[] leaf = Auditor.leafHash(asked.get("/events/" + id).body(), proof.get("payload_salts"));
        assertThat(ReferenceRfc6962.verifyInclusion(index, stored, leaf, Auditor.hashes(proof.get("audit_path")), root)).as(id).isTrue();
      }
      assertThat(indexes).hasSize(stored);
    }
  }

  private static JsonNode digest(TestHub hub) {
    return TestEvents.parse(hub.get("/ledger/digest").body());
  }
}
