package io.annals.hub.server.http;

import static io.annals.hub.server.TestApiKeys.bearer;
import static io.annals.hub.server.TestEvents.newId;
import static io.annals.hub.server.TestEvents.node;
import static io.annals.hub.server.TestEvents.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.TestApiKeys;
import io.annals.hub.server.TestHub;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a producer may write, event by event, and the per-event and JSON limits, on a real hub with
 * a keys file: billing-producer may publish billing and invoicing, shipping-producer shipping.
 */
class IngestAuthorizationTest {

  @TempDir Path dir;
  TestHub hub;

  @BeforeEach
  void start_hub() throws Exception {
    Path keys = TestApiKeys.write(Files.createDirectories(dir.resolve("keys")));
    hub = TestHub.configured(Files.createDirectories(dir.resolve("data")), Map.of(
        "HUB_API_KEYS_FILE", keys.toString(), "HUB_MAX_EVENT_BYTES", "2KiB", "HUB_MAX_JSON_DEPTH", "6",
        "HUB_MAX_STRING_LENGTH", "1500"));
  }

  @AfterEach
  void stop_hub() {
    hub.close();
  }

  static ObjectNode event(String id, String service) {
    ObjectNode event = node(id);
    ((ObjectNode) event.get("meta")).put("service", service);
    return event;
  }

  HttpResponse<String> post(String key, String body) {
    return hub.send(HttpRequest.newBuilder(hub.uri("/events"))
        .header("Content-Type", "application/json").header("Authorization", bearer(key))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  int storedStatus(String id) {
    return hub.send(HttpRequest.newBuilder(hub.uri("/events/" + id)).header("Authorization", bearer(TestApiKeys.ADMIN))
        .GET().build()).statusCode();
  }

  @Nested
  class Services_bound_to_the_key {

    @Test
    void a_single_event_of_a_service_not_bound_to_the_key_is_forbidden_with_403_naming_meta_service() {
      String id = newId();

      HttpResponse<String> answer = post(TestApiKeys.PRODUCER, event(id, "shipping").toString());

      assertThat(answer.statusCode()).isEqualTo(403);
      JsonNode problem = parse(answer.body());
      assertThat(problem.get("type").asText()).isEqualTo("urn:annals:problem:forbidden-service");
      assertThat(problem.at("/errors/0/pointer").asText()).isEqualTo("/meta/service");
      assertThat(problem.at("/errors/0/detail").asText()).contains("billing-producer", "billing, invoicing");
      assertThat(storedStatus(id)).isEqualTo(404);
    }

    @Test
    void every_bound_service_may_be_published() {
      assertThat(post(TestApiKeys.PRODUCER, event(newId(), "billing").toString()).statusCode()).isEqualTo(201);
      assertThat(post(TestApiKeys.PRODUCER, event(newId(), "invoicing").toString()).statusCode()).isEqualTo(201);
      assertThat(post(TestApiKeys.ADMIN, event(newId(), "anything-at-all").toString()).statusCode()).isEqualTo(201);
    }

    @Test
    void in_a_batch_the_forbidden_event_gets_its_own_outcome_and_the_others_are_stored() {
      String allowed = newId();
      String forbidden = newId();
      String body = "[" + event(allowed, "billing") + "," + event(forbidden, "shipping") + ",{\"id\":\"x\"}]";

      HttpResponse<String> answer = post(TestApiKeys.PRODUCER, body);

      assertThat(answer.statusCode()).isEqualTo(200);
      JsonNode results = parse(answer.body()).get("results");
      assertThat(results.get(0).get("outcome").asText()).isEqualTo("created");
      assertThat(results.get(1).get("outcome").asText()).isEqualTo("forbidden");
      assertThat(results.get(1).get("id").asText()).isEqualTo(forbidden);
      assertThat(results.get(1).at("/errors/0/pointer").asText()).isEqualTo("/1/meta/service");
      assertThat(results.get(1).has("received_at")).isFalse();
      assertThat(results.get(2).get("outcome").asText()).isEqualTo("invalid");
      assertThat(storedStatus(allowed)).isEqualTo(200);
      assertThat(storedStatus(forbidden)).isEqualTo(404);
      assertThat(hub.metric("annals_hub_events_total{outcome=\"forbidden\",service=\"shipping\"", TestApiKeys.ADMIN))
          .isEqualTo(1.0);
    }

    @Test
    void forbidden_is_decided_before_the_store_so_it_does_not_tell_whether_the_id_exists() {
      String id = newId();
      assertThat(post(TestApiKeys.OTHER_PRODUCER, event(id, "shipping").toString()).statusCode()).isEqualTo(201);

      // The identical event again: for its own producer a duplicate, for another one forbidden.
      HttpResponse<String> answer = post(TestApiKeys.PRODUCER, event(id, "shipping").toString());

      assertThat(answer.statusCode()).isEqualTo(403);
      assertThat(answer.body()).doesNotContain("received_at").doesNotContain("3.0000/EUR");
    }

    @Test
    void a_conflict_shows_the_stored_event_only_to_a_key_that_may_publish_its_service() {
      String id = newId();
      ObjectNode shipped = event(id, "shipping");
      ((ObjectNode) shipped.get("payload")).put("secret", "parcel-to-42-main-street");
      assertThat(post(TestApiKeys.OTHER_PRODUCER, shipped.toString()).statusCode()).isEqualTo(201);

      HttpResponse<String> producer = post(TestApiKeys.PRODUCER, event(id, "billing").toString());
      HttpResponse<String> batch = post(TestApiKeys.PRODUCER, "[" + event(id, "billing") + "]");
      HttpResponse<String> admin = post(TestApiKeys.ADMIN, event(id, "billing").toString());

      assertThat(producer.statusCode()).isEqualTo(409);
      assertThat(parse(producer.body()).has("stored")).isFalse();
      assertThat(parse(producer.body()).has("submitted")).isTrue();
      assertThat(producer.body()).doesNotContain("parcel-to-42-main-street").doesNotContain("shipping");
      assertThat(parse(batch.body()).at("/results/0/outcome").asText()).isEqualTo("conflict");
      assertThat(parse(batch.body()).at("/results/0").has("received_at")).isFalse();
      assertThat(admin.statusCode()).isEqualTo(409);
      assertThat(parse(admin.body()).at("/stored/payload/secret").asText()).isEqualTo("parcel-to-42-main-street");
    }
  }

  @Nested
  class Limits_on_one_event {

    @Test
    void an_event_larger_than_the_event_limit_is_invalid_and_named_while_the_rest_of_the_batch_is_stored() {
      String small = newId();
      String big = newId();
      ObjectNode large = event(big, "billing");
      ObjectNode payload = (ObjectNode) large.get("payload");
      for (int i = 0; i < 4; i++) {
        payload.put("part" + i, "x".repeat(1000)); // each string within the 1,500 limit, together over 2 KiB
      }

      HttpResponse<String> answer = post(TestApiKeys.PRODUCER, "[" + event(small, "billing") + "," + large + "]");
      HttpResponse<String> single = post(TestApiKeys.PRODUCER, large.toString());

      assertThat(answer.statusCode()).isEqualTo(200);
      JsonNode results = parse(answer.body()).get("results");
      assertThat(results.get(0).get("outcome").asText()).isEqualTo("created");
      assertThat(results.get(1).get("outcome").asText()).isEqualTo("invalid");
      assertThat(results.get(1).get("id").asText()).isEqualTo(big);
      assertThat(results.get(1).at("/errors/0/pointer").asText()).isEqualTo("/1");
      assertThat(results.get(1).at("/errors/0/detail").asText()).contains("2048 bytes", "HUB_MAX_EVENT_BYTES");
      assertThat(single.statusCode()).isEqualTo(400);
      assertThat(parse(single.body()).at("/errors/0/pointer").asText()).isEqualTo("");
      assertThat(storedStatus(big)).isEqualTo(404);
    }

    @Test
    void nesting_deeper_than_the_configured_depth_rejects_the_request_whole() {
      ObjectNode deep = event(newId(), "billing");
      ((ObjectNode) deep.get("payload")).putObject("a").putObject("b").putObject("c").putObject("d");
      ObjectNode fits = event(newId(), "billing");
      ((ObjectNode) fits.get("payload")).putObject("a").putObject("b").putObject("c");

      HttpResponse<String> tooDeep = post(TestApiKeys.PRODUCER, "[" + deep + "]");

      assertThat(tooDeep.statusCode()).isEqualTo(400);
      assertThat(parse(tooDeep.body()).get("detail").asText()).contains("nesting depth 6");
      assertThat(post(TestApiKeys.PRODUCER, fits.toString()).statusCode()).isEqualTo(201);
    }

    @Test
    void a_string_longer_than_the_configured_length_rejects_the_request_whole() {
      ObjectNode longString = event(newId(), "billing");
      ((ObjectNode) longString.get("payload")).put("note", "y".repeat(1501));

      HttpResponse<String> answer = post(TestApiKeys.PRODUCER, longString.toString());

      assertThat(answer.statusCode()).isEqualTo(400);
      assertThat(parse(answer.body()).get("detail").asText()).contains("string length 1500");
      assertThat(hub.sqliteRowCount()).isZero();
    }
  }

  @Test
  void the_outcomes_are_the_same_for_ndjson_lines() {
    String body = String.join("\n", List.of(event(newId(), "billing").toString(), event(newId(), "shipping").toString()));

    HttpResponse<String> answer = hub.send(HttpRequest.newBuilder(hub.uri("/events"))
        .header("Content-Type", "application/x-ndjson").header("Authorization", bearer(TestApiKeys.PRODUCER))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());

    JsonNode results = parse(answer.body()).get("results");
    assertThat(results.get(0).get("outcome").asText()).isEqualTo("created");
    assertThat(results.get(1).get("outcome").asText()).isEqualTo("forbidden");
    assertThat(results.get(1).get("line").asInt()).isEqualTo(2);
    assertThat(results.get(1).at("/errors/0/pointer").asText()).isEqualTo("/meta/service");
  }
}
