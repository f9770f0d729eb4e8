package io.annals.hub.server.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.Await;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.TestHub;
import io.annals.hub.server.ledger.Auditor;
import io.annals.hub.server.ledger.ReferenceRfc6962;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure of personal data on a real hub (issue 22; docs/erasure.md), run against each store.
 * Proofs are checked as an auditor would, with the suite's own leaf encoding ({@link Auditor}).
 */
public abstract class ErasureApiContract {

  static final String EMAIL = "jane.doe.erasure@example.org";
  static final String NAME = "Jane Q. Erasurova";

  @TempDir protected Path dir;

  protected abstract TestHub startHub(Path dataDir);

  /** An event of customer/7 with a personal e-mail and name beside an amount. */
  static ObjectNode personal(String id, String email, String name) {
    ObjectNode e = TestEvents.node(id);
    e.with("meta").put("aggregate_id", "customer/7");
    e.with("payload").put("email", email).put("name", name);
    return e;
  }

  static List<String> publishPersonal(TestHub hub, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = TestEvents.newId();
      assertThat(hub.postJson(personal(id, i == 0 ? EMAIL : "other" + i + "@example.com", i == 0 ? NAME : "Other " + i).toString())
          .statusCode()).isEqualTo(201);
      ids.add(id);
    }
    return ids;
  }

  static HttpResponse<String> postErasure(TestHub hub, String body, String apiKey) {
    HttpRequest.Builder r = HttpRequest.newBuilder(hub.uri("/erasures")).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (apiKey != null) {
      r.header("Authorization", "Bearer " + apiKey);
    }
    return hub.send(r.build());
  }

  static JsonNode erase(TestHub hub, String body) {
    HttpResponse<String> r = postErasure(hub, body, null);
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    return TestEvents.parse(r.body());
  }

  static JsonNode getJson(TestHub hub, String path) {
    HttpResponse<String> r = hub.get(path);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return TestEvents.parse(r.body());
  }

  static JsonNode awaitTree(TestHub hub, long size) {
    Await.until("the ledger holds " + size + " leaves", () -> getJson(hub, "/ledger/digest").get("tree_size").asLong() >= size);
    return getJson(hub, "/ledger/digest");
  }

  static JsonNode event(TestHub hub, String id) {
    return getJson(hub, "/events/" + id);
  }

  @Test
  void erased_members_become_markers_with_the_erasure_and_its_time_in_every_read_form() {
    try (TestHub hub = startHub(dir)) {
      List<String> ids = publishPersonal(hub, 3);
      JsonNode answer = erase(hub, "{\"ids\":[\"" + ids.get(0) + "\"],\"pointers\":[\"/email\",\"/name\"],\"reason\":\"GDPR art. 17, ticket 991\"}");
      String erasureId = answer.get("erasure_id").asText();
      assertThat(answer.get("applied_to").get(0).asText()).isEqualTo(ids.get(0));
      assertThat(answer.get("pending")).isEmpty();

      List<JsonNode> forms = new ArrayList<>();
      forms.add(event(hub, ids.get(0)).get("payload"));
      forms.add(first(getJson(hub, "/events?aggregate_id=customer/7").get("events"), ids.get(0)).get("payload"));
      forms.add(first(getJson(hub, "/aggregates/customer%2F7/events").get("events"), ids.get(0)).get("payload"));
      Await.until("the event is below the stable point", () -> first(getJson(hub, "/feed?types=payment-completed").get("events"), ids.get(0)) != null);
      forms.add(first(getJson(hub, "/feed?types=payment-completed").get("events"), ids.get(0)).get("payload"));
      HttpResponse<String> ce = hub.send(HttpRequest.newBuilder(hub.uri("/events/" + ids.get(0)))
          .header("Accept", "application/cloudevents+json").GET().build());
      assertThat(ce.statusCode()).isEqualTo(200);
      forms.add(TestEvents.parse(ce.body()).get("data"));
      for (JsonNode payload : forms) {
        assertThat(payload.get("amount").asText()).isEqualTo("3.0000/EUR");
        for (String member : List.of("email", "name")) {
          JsonNode marker = payload.get(member).get("annals:erased");
          assertThat(marker.get("erasure_id").asText()).isEqualTo(erasureId);
          assertThat(marker.get("erased_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        }
      }
      assertThat(forms.toString()).doesNotContain(EMAIL).doesNotContain(NAME);
      // The other events keep their members.
      assertThat(event(hub, ids.get(1)).get("payload").get("email").asText()).isEqualTo("other1@example.com");
    }
  }

  private static JsonNode first(JsonNode events, String id) {
    for (JsonNode e : events) {
      if (e.get("id").asText().equals(id)) {
        return e;
      }
    }
    return null;
  }

  @Test
  void digests_and_inclusion_proofs_taken_before_the_erasure_verify_after_it() throws Exception {
    try (TestHub hub = startHub(dir)) {
      List<String> ids = publishPersonal(hub, 4);
      JsonNode digest = awaitTree(hub, 4);
      long size = digest.get("tree_size").asLong();
      byte[] root = HexFormat.of().parseHex(digest.get("root_hash").asText());
      JsonNode proofBefore = getJson(hub, "/ledger/proof/inclusion?id=" + ids.get(0) + "&tree_size=" + size);
      assertThat(proofBefore.get("payload_salts").has("email")).isTrue();

      erase(hub, "{\"ids\":[\"" + ids.get(0) + "\",\"" + ids.get(2) + "\"],\"pointers\":[\"/email\"],\"reason\":\"request 12\"}");
      erase(hub, "{\"ids\":[\"" + ids.get(2) + "\"],\"reason\":\"request 13: everything\"}");

      for (String id : List.of(ids.get(0), ids.get(2))) {
        String after = hub.get("/events/" + id).body();
        assertThat(after).doesNotContain("@example");
        JsonNode proofNow = getJson(hub, "/ledger/proof/inclusion?id=" + id + "&tree_size=" + size);
        // The erased members' salts are gone from the ledger ...
        assertThat(proofNow.get("payload_salts").has("email")).isFalse();
        // ... and the event as read now still hashes to the leaf proven in the digest from before.
        byte[] leaf = Auditor.leafHash(after, proofNow.get("payload_salts"));
        assertThat(HexFormat.of().formatHex(leaf)).isEqualTo(proofNow.get("leaf_hash").asText());
        assertThat(ReferenceRfc6962.verifyInclusion(proofNow.get("leaf_index").asLong(), size, leaf,
            Auditor.hashes(proofNow.get("audit_path")), root)).isTrue();
      }
      // The proof handed out before the erasure (old salts, old path) verifies the erased event too.
      byte[] leaf = Auditor.leafHash(hub.get("/events/" + ids.get(0)).body(), proofBefore.get("payload_salts"));
      assertThat(HexFormat.of().formatHex(leaf)).isEqualTo(proofBefore.get("leaf_hash").asText());
      assertThat(ReferenceRfc6962.verifyInclusion(proofBefore.get("leaf_index").asLong(), size, leaf,
          Auditor.hashes(proofBefore.get("audit_path")), root)).isTrue();
      // The tree only grew (the erasure-applied events), the digest's root is unchanged at its size.
      JsonNode later = awaitTree(hub, size + 2);
      JsonNode consistency = getJson(hub, "/ledger/proof/consistency?from=" + size + "&to=" + later.get("tree_size").asLong());
      assertThat(consistency.get("proof")).isNotNull();
    }
  }

  @Test
  void the_feed_gets_one_erasure_applied_event_with_ids_and_pointers_and_no_values() {
    try (TestHub hub = startHub(dir)) {
      List<String> ids = publishPersonal(hub, 2);
      String body = "{\"erasure_id\":\"er-feed-1\",\"ids\":[\"" + ids.get(0) + "\"],\"pointers\":[\"/email\"],\"reason\":\"r\"}";
      HttpResponse<String> first = postErasure(hub, body, null);
      HttpResponse<String> again = postErasure(hub, body, null);
      assertThat(first.statusCode()).isEqualTo(201);
      assertThat(again.statusCode()).as("an erasure applied again under its id").isEqualTo(200);

      Await.until("the erasure-applied event is in the feed",
          () -> getJson(hub, "/feed?types=erasure-applied").get("events").size() > 0);
      JsonNode events = getJson(hub, "/feed?types=erasure-applied").get("events");
      assertThat(events).hasSize(1);
      JsonNode e = events.get(0);
      assertThat(e.get("meta").get("service").asText()).isEqualTo("annals");
      assertThat(e.get("payload").get("erasure_id").asText()).isEqualTo("er-feed-1");
      assertThat(e.get("payload").get("event_ids").get(0).asText()).isEqualTo(ids.get(0));
      assertThat(e.get("payload").get("pointers").get(0).asText()).isEqualTo("/email");
      assertThat(e.toString()).doesNotContain(EMAIL).doesNotContain("\"r\"");
      assertThat(hub.metric("annals_hub_erasures_total")).isEqualTo(1.0);
    }
  }

  @Test
  void a_resent_erased_event_is_duplicate_and_with_a_remaining_member_changed_is_conflict() {
    try (TestHub hub = startHub(dir)) {
      List<String> ids = publishPersonal(hub, 2);
      ObjectNode original = personal(ids.get(0), EMAIL, NAME);
      erase(hub, "{\"ids\":[\"" + ids.get(0) + "\"],\"pointers\":[\"/email\",\"/name\"],\"reason\":\"r\"}");

      HttpResponse<String> resent = hub.postJson(original.toString());
      assertThat(resent.statusCode()).as(resent.body()).isEqualTo(200);
      assertThat(resent.body()).doesNotContain(EMAIL).doesNotContain(NAME);
      assertThat(hub.get("/events/" + ids.get(0)).body()).doesNotContain(EMAIL);

      ObjectNode changed = original.deepCopy();
      changed.with("payload").put("amount", "4.0000/EUR");
      HttpResponse<String> conflict = hub.postJson(changed.toString());
      assertThat(conflict.statusCode()).as(conflict.body()).isEqualTo(409);
      assertThat(hub.get("/events/" + ids.get(0)).body()).contains("3.0000/EUR").doesNotContain(EMAIL);
    }
  }

  @Test
  void an_erasure_of_an_id_not_stored_yet_applies_when_the_event_arrives() {
    try (TestHub hub = startHub(dir)) {
      publishPersonal(hub, 1);
      String late = TestEvents.newId();
      JsonNode answer = erase(hub, "{\"erasure_id\":\"er-late\",\"ids\":[\"" + late + "\"],\"pointers\":[\"/email\"],\"reason\":\"restore\"}");
      assertThat(answer.get("pending").get(0).asText()).isEqualTo(late);

      HttpResponse<String> created = hub.postJson(personal(late, EMAIL, NAME).toString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      JsonNode payload = event(hub, late).get("payload");
      assertThat(payload.get("email").get("annals:erased").get("erasure_id").asText()).isEqualTo("er-late");
      assertThat(payload.get("name").asText()).isEqualTo(NAME);
      assertThat(payload.toString()).doesNotContain(EMAIL);
      // Its leaf commits to the marker; the tree verifies like any other leaf.
      JsonNode digest = awaitTree(hub, 3);
      JsonNode proof = getJson(hub, "/ledger/proof/inclusion?id=" + late + "&tree_size=" + digest.get("tree_size").asLong());
      try {
        assertThat(HexFormat.of().formatHex(Auditor.leafHash(hub.get("/events/" + late).body(), proof.get("payload_salts"))))
            .isEqualTo(proof.get("leaf_hash").asText());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  @Test
  void erasure_by_aggregate_or_correlation_id_touches_only_their_events() {
    try (TestHub hub = startHub(dir)) {
      List<String> customer = publishPersonal(hub, 2);
      String other = TestEvents.newId();
      ObjectNode o = personal(other, "keep@example.com", "Keep Me");
      o.with("meta").put("aggregate_id", "customer/8").put("correlation_id", "order/5");
      assertThat(hub.postJson(o.toString()).statusCode()).isEqualTo(201);

      JsonNode byAggregate = erase(hub, "{\"aggregate_id\":\"customer/7\",\"pointers\":[\"/email\"],\"reason\":\"r\"}");
      List<String> named = new ArrayList<>();
      byAggregate.get("event_ids").forEach(n -> named.add(n.asText()));
      assertThat(named).containsExactlyInAnyOrderElementsOf(customer);
      assertThat(event(hub, other).get("payload").get("email").asText()).isEqualTo("keep@example.com");

      JsonNode byCorrelation = erase(hub, "{\"correlation_id\":\"order/5\",\"pointers\":[\"/name\"],\"reason\":\"r\"}");
      assertThat(byCorrelation.get("event_ids")).hasSize(1);
      assertThat(event(hub, other).get("payload").get("name").has("annals:erased")).isTrue();
      assertThat(event(hub, other).get("payload").get("email").asText()).isEqualTo("keep@example.com");
    }
  }

  @Test
  void erasures_are_listed_in_pages_and_read_by_id_in_a_stable_shape() {
    try (TestHub hub = startHub(dir)) {
      List<String> ids = publishPersonal(hub, 4);
      for (int i = 0; i < 3; i++) {
        erase(hub, "{\"erasure_id\":\"er-" + i + "\",\"ids\":[\"" + ids.get(i) + "\"],\"reason\":\"ticket " + i + "\"}");
      }
      JsonNode page = getJson(hub, "/erasures?limit=2");
      assertThat(page.get("erasures")).hasSize(2);
      JsonNode rest = getJson(hub, "/erasures?limit=2&cursor=" + page.get("next").asText());
      assertThat(rest.get("erasures")).hasSize(1);
      assertThat(rest.get("next").isNull()).isTrue();
      List<String> listed = new ArrayList<>();
      page.get("erasures").forEach(e -> listed.add(e.get("erasure_id").asText()));
      rest.get("erasures").forEach(e -> listed.add(e.get("erasure_id").asText()));
      assertThat(listed).containsExactlyInAnyOrder("er-0", "er-1", "er-2");

      JsonNode one = getJson(hub, "/erasures/er-1");
      assertThat(one.fieldNames()).toIterable()
          .containsExactly("erasure_id", "requested_at", "requested_by", "reason", "pointers", "event_ids");
      assertThat(one.get("requested_by").asText()).isEqualTo("anonymous");
      assertThat(one.get("reason").asText()).isEqualTo("ticket 1");
      assertThat(one.get("pointers").isNull()).isTrue();
      assertThat(one.get("event_ids").get(0).asText()).isEqualTo(ids.get(1));
      assertThat(hub.get("/erasures/no-such").statusCode()).isEqualTo(404);

      // An export's record posted back as it is listed re-applies it under its id: idempotent.
      HttpResponse<String> reapplied = postErasure(hub, one.toString(), null);
      assertThat(reapplied.statusCode()).as(reapplied.body()).isEqualTo(200);
      assertThat(getJson(hub, "/erasures").get("erasures")).hasSize(3);
    }
  }

  @Test
  void requests_naming_nothing_every_event_or_deeper_members_are_refused_with_400_naming_why() {
    try (TestHub hub = startHub(dir)) {
      List<String> ids = publishPersonal(hub, 2);
      assertRefused(hub, "{\"reason\":\"r\"}", "", "names nothing");
      assertRefused(hub, "{\"ids\":[],\"reason\":\"r\"}", "/ids", "non-empty");
      assertRefused(hub, "{\"ids\":[\"" + ids.get(0) + "\"]}", "/reason", "required");
      assertRefused(hub, "{\"ids\":[\"" + ids.get(0) + "\"],\"aggregate_id\":\"customer/7\",\"reason\":\"r\"}", "", "exactly one");
      assertRefused(hub, "{\"ids\":[\"" + ids.get(0) + "\",\"" + ids.get(1) + "\"],\"reason\":\"r\"}", "", "every event");
      assertRefused(hub, "{\"aggregate_id\":\"customer/7\",\"reason\":\"r\"}", "", "every event");
      assertRefused(hub, "{\"aggregate_id\":\"customer/999\",\"reason\":\"r\"}", "/aggregate_id", "no stored event");
      assertRefused(hub, "{\"ids\":[\"" + ids.get(0) + "\"],\"pointers\":[\"/address/street\"],\"reason\":\"r\"}", "/pointers/0", "top-level");
      assertRefused(hub, "{\"ids\":[\"not-a-uuid\"],\"reason\":\"r\"}", "/ids/0", "UUID");
      assertRefused(hub, "{\"ids\":[\"" + ids.get(0) + "\"],\"reason\":\"r\",\"colour\":1}", "/colour", "unknown");
      assertRefused(hub, "[1]", "", "JSON object");
      assertRefused(hub, "{not json", "", "not JSON");
      // Nothing was erased by any of them.
      assertThat(hub.get("/events/" + ids.get(0)).body()).contains(EMAIL);
      assertThat(getJson(hub, "/erasures").get("erasures")).isEmpty();
    }
  }

  private static void assertRefused(TestHub hub, String body, String pointer, String why) {
    HttpResponse<String> r = postErasure(hub, body, null);
    assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    JsonNode problem = TestEvents.parse(r.body());
    assertThat(problem.get("detail").asText()).as(body).contains(why);
    if (problem.has("errors")) {
      assertThat(problem.get("errors").findValuesAsText("pointer")).as(body).contains(pointer);
    }
  }

  /** The URI of a path on the hub, for tests that build their own requests. */
  static URI uri(TestHub hub, String path) {
    return hub.uri(path);
  }
}
