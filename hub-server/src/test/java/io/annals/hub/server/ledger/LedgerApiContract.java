package io.annals.hub.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.Await;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.TestHub;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger endpoints on a real hub, checked as an auditor would: the suite's own RFC 6962 code
 * ({@link ReferenceRfc6962}), its own leaf encoding from docs/ledger.md and the JDK's Ed25519
 * verifier ({@link Auditor}); nothing of the hub's ledger package.
 */
public abstract class LedgerApiContract {

  @TempDir protected Path dir;

  protected abstract TestHub startHub(Path dataDir);

  protected static JsonNode getJson(TestHub hub, String path) {
    HttpResponse<String> r = hub.get(path);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return TestEvents.parse(r.body());
  }

  protected static List<String> publish(TestHub hub, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = TestEvents.newId();
      ObjectNode e = TestEvents.node(id);
      e.with("payload").put("email", "person" + i + "@example.com").putObject("nested").put("k", "}\"" + i);
      if (i % 3 == 0) {
        e.with("meta").remove("correlation_id");
      }
      assertThat(hub.postJson(e.toString()).statusCode()).isEqualTo(201);
      ids.add(id);
    }
    return ids;
  }

  protected static JsonNode awaitSize(TestHub hub, long size) {
    Await.until("the ledger holds " + size + " leaves", () -> getJson(hub, "/ledger/digest").get("tree_size").asLong() >= size);
    return getJson(hub, "/ledger/digest");
  }

  @Test
  void every_event_is_proven_in_a_signed_digest_and_later_digests_are_consistent_with_earlier_ones() throws Exception {
    try (TestHub hub = startHub(dir)) {
      List<String> ids = publish(hub, 10);
      JsonNode first = awaitSize(hub, 10);
      ids.addAll(publish(hub, 13));
      JsonNode second = awaitSize(hub, 23);
      JsonNode key = getJson(hub, "/ledger/key");

      assertThat(first.get("tree_size").asLong()).isEqualTo(10);
      assertThat(second.get("tree_size").asLong()).isEqualTo(23);
      assertThat(Auditor.signatureVerifies(first, key)).isTrue();
      assertThat(Auditor.signatureVerifies(second, key)).isTrue();
      assertThat(key.get("key_id").asText()).isEqualTo(second.get("key_id").asText());

      byte[] root = HexFormat.of().parseHex(second.get("root_hash").asText());
      List<Long> indexes = new ArrayList<>();
      for (String id : ids) {
        String event = hub.get("/events/" + id).body();
        JsonNode proof = getJson(hub, "/ledger/proof/inclusion?id=" + id + "&tree_size=23");
        byte[] leaf = Auditor.leafHash(event, proof.get("payload_salts"));
        assertThat(HexFormat.of().formatHex(leaf)).as(id).isEqualTo(proof.get("leaf_hash").asText());
        long index = proof.get("leaf_index").asLong();
        assertThat(ReferenceRfc6962.verifyInclusion(index, 23, leaf, Auditor.hashes(proof.get("audit_path")), root)).as(id).isTrue();
        indexes.add(index);
      }
      assertThat(indexes).doesNotHaveDuplicates().allMatch(i -> i >= 0 && i < 23);

      JsonNode consistency = getJson(hub, "/ledger/proof/consistency?from=10&to=23");
      assertThat(ReferenceRfc6962.verifyConsistency(10, 23, HexFormat.of().parseHex(first.get("root_hash").asText()), root,
          Auditor.hashes(consistency.get("proof")))).isTrue();
      // The same proof does not tie the later root to any other earlier root.
      byte[] forged = HexFormat.of().parseHex(first.get("root_hash").asText());
      forged[0] ^= 1;
      assertThat(ReferenceRfc6962.verifyConsistency(10, 23, forged, root, Auditor.hashes(consistency.get("proof")))).isFalse();
    }
  }

  @Test
  void bad_proof_parameters_are_answered_400_naming_each_and_an_unknown_event_404() {
    try (TestHub hub = startHub(dir)) {
      publish(hub, 2);
      awaitSize(hub, 2);
      String id = TestEvents.newId();
      assertProblem(hub, "/ledger/proof/inclusion", 400, "id");
      assertProblem(hub, "/ledger/proof/inclusion?id=" + id + "&tree_size=abc", 400, "tree_size");
      assertProblem(hub, "/ledger/proof/inclusion?id=" + id + "&tree_size=0", 400, "tree_size");
      assertProblem(hub, "/ledger/proof/inclusion?id=" + id + "&tree_size=3", 400, "tree_size");
      assertProblem(hub, "/ledger/proof/inclusion?id=" + id + "&colour=red", 400, "colour");
      assertProblem(hub, "/ledger/proof/inclusion?id=" + id, 404, null);
      assertProblem(hub, "/ledger/proof/consistency", 400, "from");
      assertProblem(hub, "/ledger/proof/consistency?from=1", 400, "to");
      assertProblem(hub, "/ledger/proof/consistency?from=2&to=1", 400, "from");
      assertProblem(hub, "/ledger/proof/consistency?from=1&to=99999999999999999999999", 400, "to");
      assertProblem(hub, "/ledger/proof/consistency?from=-1&to=2", 400, "from");
    }
  }

  @Test
  void leaves_are_paged_in_index_order_with_the_salts_and_hashes_of_each_events_inclusion_proof() throws Exception {
    try (TestHub hub = startHub(dir)) {
      List<String> ids = publish(hub, 5);
      awaitSize(hub, 5);
      JsonNode first = getJson(hub, "/ledger/leaves?limit=3");
      JsonNode rest = getJson(hub, "/ledger/leaves?from=" + first.get("next").asLong() + "&limit=3");
      assertThat(first.get("next").asLong()).isEqualTo(3);
      assertThat(rest.get("next").isNull()).as("a short page ends the leaves").isTrue();
      List<JsonNode> leaves = new ArrayList<>();
      first.get("leaves").forEach(leaves::add);
      rest.get("leaves").forEach(leaves::add);
      assertThat(leaves).hasSize(5);
      for (int i = 0; i < leaves.size(); i++) {
        JsonNode leaf = leaves.get(i);
        assertThat(leaf.get("leaf_index").asLong()).isEqualTo(i);
        JsonNode proof = getJson(hub, "/ledger/proof/inclusion?id=" + leaf.get("id").asText());
        assertThat(proof.get("leaf_index").asLong()).isEqualTo(i);
        assertThat(leaf.get("leaf_hash")).isEqualTo(proof.get("leaf_hash"));
        assertThat(leaf.get("payload_salts")).isEqualTo(proof.get("payload_salts"));
        String event = hub.get("/events/" + leaf.get("id").asText()).body();
        assertThat(TestEvents.parse(event).path("meta").path("received_at")).isEqualTo(leaf.get("received_at"));
        assertThat(HexFormat.of().formatHex(Auditor.leafHash(event, leaf.get("payload_salts")))).isEqualTo(leaf.get("leaf_hash").asText());
      }
      assertThat(leaves.stream().map(l -> l.get("id").asText())).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(getJson(hub, "/ledger/leaves?from=5").get("leaves")).isEmpty();
      assertProblem(hub, "/ledger/leaves?limit=1001", 400, "limit");
      assertProblem(hub, "/ledger/leaves?from=-1", 400, "from");
      assertProblem(hub, "/ledger/leaves?colour=red", 400, "colour");
    }
  }

  @Test
  void a_cloud_event_with_extensions_quarantined_by_a_schema_and_released_is_stored_with_its_extensions_and_its_leaf_verifies()
      throws Exception {
    try (TestHub hub = startHub(dir)) {
      HttpResponse<String> registered = hub.send(java.net.http.HttpRequest.newBuilder(hub.uri("/schemas/shop/order-paid"))
          .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"schema\":{\"type\":\"object\",\"required\":[\"amount\"]},"
              + "\"mode\":\"quarantine\"}")).build());
      assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
      String id = TestEvents.newId();
      String cloudEvent = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"shop\",\"type\":\"order-paid\","
          + "\"time\":\"2026-01-01T12:00:00Z\",\"subject\":\"order/1\",\"datacontenttype\":\"application/json\","
          + "\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\",\"partitionkey\":\"p7\","
          + "\"data\":{\"total\":3.0000}}";
      HttpResponse<String> held = hub.post("application/cloudevents+json", cloudEvent.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(held.statusCode()).as(held.body()).isEqualTo(202);

      // A schema that accepts it, then the release.
      HttpResponse<String> accepting = hub.send(java.net.http.HttpRequest.newBuilder(hub.uri("/schemas/shop/order-paid"))
          .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"schema\":{\"type\":\"object\"},\"mode\":\"quarantine\"}")).build());
      assertThat(accepting.statusCode()).as(accepting.body()).isEqualTo(201);
      HttpResponse<String> released = hub.send(java.net.http.HttpRequest.newBuilder(hub.uri("/quarantine/release"))
          .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"ids\":[\"" + id + "\"]}"))
          .build());
      assertThat(TestEvents.parse(released.body()).at("/results/0/outcome").asText()).as(released.body()).isEqualTo("created");

      String event = hub.get("/events/" + id).body();
      JsonNode extensions = TestEvents.parse(event).at("/meta/extensions");
      assertThat(extensions.path("traceparent").asText()).as(event).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
      assertThat(extensions.path("partitionkey").asText()).as(event).isEqualTo("p7");
      assertThat(extensions.size()).as(event).isEqualTo(2);
      assertThat(event).contains("\"payload\":{\"total\":3.0000}");

      JsonNode digest = awaitSize(hub, 1);
      JsonNode proof = getJson(hub, "/ledger/proof/inclusion?id=" + id + "&tree_size=1");
      byte[] leaf = Auditor.leafHash(event, proof.get("payload_salts"));
      assertThat(HexFormat.of().formatHex(leaf)).isEqualTo(proof.get("leaf_hash").asText());
      assertThat(ReferenceRfc6962.verifyInclusion(proof.get("leaf_index").asLong(), 1, leaf, Auditor.hashes(proof.get("audit_path")),
          HexFormat.of().parseHex(digest.get("root_hash").asText()))).isTrue();
    }
  }

  private static void assertProblem(TestHub hub, String path, int status, String parameter) {
    HttpResponse<String> r = hub.get(path);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).as(path).startsWith("application/problem+json");
    if (parameter != null) {
      assertThat(TestEvents.parse(r.body()).get("errors").findValuesAsText("parameter")).as(path).contains(parameter);
    }
  }
}
