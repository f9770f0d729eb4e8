package io.annals.hub.server.http;

import static io.annals.hub.server.TestEvents.json;
import static io.annals.hub.server.TestEvents.newId;
import static io.annals.hub.server.TestEvents.node;
import static io.annals.hub.server.TestEvents.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.TestHub;
import io.annals.hub.server.store.Store;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every outcome and status code of {@code POST /events} and {@code GET /events/{id}}, for a single
 * event, a batch and NDJSON, against a real server; one subclass per storage adapter.
 */
abstract class EventApiContract {

  static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z";
  static final String NDJSON = "application/x-ndjson";

  @TempDir Path dir;
  TestHub hub;

  /** A fresh, empty store of the adapter under test. */
  abstract Store newStore(Path dir);

  @BeforeEach
  void start_hub() {
    hub = TestHub.start(newStore(dir), dir, l -> l.withMaxBodyBytes(64 * 1024).withMaxEventsPerRequest(50));
  }

  @AfterEach
  void stop_hub() {
    hub.close();
  }

  @Nested
  class Single_event {

    @Test
    void new_event_is_created_with_201_and_the_stored_envelope() {
      String id = newId();
      HttpResponse<String> answer = hub.postJson(json(id.toUpperCase()));

      assertThat(answer.statusCode()).isEqualTo(201);
      assertThat(answer.headers().firstValue("Location")).hasValue("/events/" + id);
      JsonNode body = parse(answer.body());
      assertThat(body.get("id").asText()).isEqualTo(id);
      assertThat(body.at("/meta/received_at").asText()).matches(TIME);
      assertThat(body.at("/meta/created_at").asText()).isEqualTo("2026-01-01T12:00:00.000000Z");
      assertThat(answer.body()).contains("\"n\":3.0000");
      assertThat(hub.storedCount()).isEqualTo(1);
    }

    @Test
    void the_same_event_again_is_a_duplicate_with_200_and_the_original_received_at() {
      String id = newId();
      String first = parse(hub.postJson(json(id)).body()).at("/meta/received_at").asText();

      HttpResponse<String> again = hub.postJson(json(id));

      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(parse(again.body()).at("/meta/received_at").asText()).isEqualTo(first);
      assertThat(hub.storedCount()).isEqualTo(1);
    }

    @Test
    void the_same_id_with_another_payload_is_a_conflict_showing_both() {
      String id = newId();
      hub.postJson(json(id));
      ObjectNode other = node(id);
      ((ObjectNode) other.get("payload")).put("n", new java.math.BigDecimal("3.00"));

      HttpResponse<String> answer = hub.postJson(other.toString());

      assertThat(answer.statusCode()).isEqualTo(409);
      assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(answer.body()).contains("\"stored\":").contains("\"n\":3.0000").contains("\"n\":3.00}");
      JsonNode body = parse(answer.body());
      assertThat(body.at("/stored/meta/received_at").asText()).matches(TIME);
      assertThat(body.at("/submitted/meta/received_at").isMissingNode()).isTrue();
      assertThat(hub.get("/events/" + id).body()).contains("\"n\":3.0000");
    }

    @Test
    void an_invalid_event_is_a_400_problem_naming_each_bad_field() {
      ObjectNode event = node(newId());
      ((ObjectNode) event.get("meta")).put("type", "").remove("service");
      ((ObjectNode) event.get("meta")).put("created_at", "2026-01-01T12:00:00");
      event.put("extra", 1);

      HttpResponse<String> answer = hub.postJson(event.toString());

      assertThat(answer.statusCode()).isEqualTo(400);
      assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      JsonNode body = parse(answer.body());
      assertThat(body.get("type").asText()).isEqualTo("urn:annals:problem:invalid-event");
      assertThat(body.get("status").asInt()).isEqualTo(400);
      assertThat(pointers(body.get("errors")))
          .containsExactlyInAnyOrder("/extra", "/meta/service", "/meta/type", "/meta/created_at");
      assertThat(hub.storedCount()).isZero();
    }

    @Test
    void created_at_further_in_the_future_than_the_allowed_skew_is_invalid() {
      ObjectNode event = node(newId());
      ((ObjectNode) event.get("meta")).put("created_at", Instant.now().plusSeconds(3600).toString());

      HttpResponse<String> answer = hub.postJson(event.toString());

      assertThat(answer.statusCode()).isEqualTo(400);
      assertThat(pointers(parse(answer.body()).get("errors"))).containsExactly("/meta/created_at");
    }

    @Test
    void a_received_at_sent_by_the_client_is_ignored() {
      ObjectNode event = node(newId());
      ((ObjectNode) event.get("meta")).put("received_at", "2000-01-01T00:00:00Z");

      JsonNode body = parse(hub.postJson(event.toString()).body());

      assertThat(body.at("/meta/received_at").asText()).doesNotStartWith("2000");
    }

    @Test
    void a_stored_event_is_read_back_with_received_at_and_an_unknown_one_is_a_404_problem() {
      String id = newId();
      String created = hub.postJson(json(id)).body();

      HttpResponse<String> found = hub.get("/events/" + id);
      HttpResponse<String> missing = hub.get("/events/" + newId());

      assertThat(found.statusCode()).isEqualTo(200);
      assertThat(parse(found.body())).isEqualTo(parse(created));
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
  }

  @Nested
  class Batch {

    @Test
    void a_batch_answers_200_with_one_result_per_event_in_request_order() {
      String known = newId();
      String clash = newId();
      hub.postJson(json(known));
      hub.postJson(json(clash));
      String fresh = newId();
      ObjectNode conflicting = node(clash);
      conflicting.with("payload").put("n", 4);
      ObjectNode invalid = node(newId());
      invalid.with("meta").remove("type");
      String batch = "[" + json(fresh) + "," + json(known) + "," + conflicting + "," + invalid + "]";

      HttpResponse<String> answer = hub.postJson(batch);

      assertThat(answer.statusCode()).isEqualTo(200);
      JsonNode results = parse(answer.body()).get("results");
      assertThat(outcomes(results)).containsExactly("created", "duplicate", "conflict", "invalid");
      assertThat(results.get(0).get("id").asText()).isEqualTo(fresh);
      assertThat(results.get(0).get("received_at").asText()).matches(TIME);
      assertThat(pointers(results.get(3).get("errors"))).containsExactly("/3/meta/type");
      assertThat(hub.storedCount()).isEqualTo(3);
    }

    @Test
    void a_batch_with_a_syntax_error_is_rejected_whole_with_400_and_nothing_stored() {
      HttpResponse<String> answer = hub.postJson("[" + json(newId()) + "," + json(newId()).substring(5) + "]");

      assertThat(answer.statusCode()).isEqualTo(400);
      assertThat(hub.storedCount()).isZero();
    }

    @Test
    void a_batch_over_the_event_limit_is_rejected_whole_with_413() {
      List<String> events = new ArrayList<>();
      for (int i = 0; i < 51; i++) {
        events.add("{}");
      }
      HttpResponse<String> answer = hub.postJson("[" + String.join(",", events) + "]");

      assertThat(answer.statusCode()).isEqualTo(413);
      assertThat(hub.storedCount()).isZero();
    }
  }

  @Nested
  class Ndjson {

    @Test
    void ndjson_answers_one_result_per_line_with_its_line_number_skipping_blank_lines() {
      String known = newId();
      hub.postJson(json(known));
      ObjectNode conflicting = node(known);
      conflicting.with("meta").put("aggregate_id", "payment/24");
      ObjectNode invalid = node("not-a-uuid");
      String fresh = newId();
      String body = json(fresh) + "\n\n" + json(known) + "\r\n" + conflicting + "\n" + invalid + "\n";

      HttpResponse<String> answer = hub.post(NDJSON, body.getBytes(StandardCharsets.UTF_8));

      assertThat(answer.statusCode()).isEqualTo(200);
      JsonNode results = parse(answer.body()).get("results");
      assertThat(outcomes(results)).containsExactly("created", "duplicate", "conflict", "invalid");
      assertThat(results.findValuesAsText("line")).containsExactly("1", "3", "4", "5");
      assertThat(pointers(results.get(3).get("errors"))).containsExactly("/id");
      assertThat(hub.get("/events/" + fresh).statusCode()).isEqualTo(200);
    }

    @Test
    void an_unreadable_line_rejects_the_whole_request_naming_the_line() {
      String body = json(newId()) + "\n{\"id\":\n";

      HttpResponse<String> answer = hub.post(NDJSON, body.getBytes(StandardCharsets.UTF_8));

      assertThat(answer.statusCode()).isEqualTo(400);
      assertThat(parse(answer.body()).get("detail").asText()).startsWith("NDJSON line 2");
      assertThat(hub.storedCount()).isZero();
    }
  }

  @Nested
  class Whole_request {

    @Test
    void another_content_type_is_415() {
      assertThat(hub.post("text/plain", json(newId()).getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(415);
      assertThat(hub.post(null, json(newId()).getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(415);
      assertThat(hub.storedCount()).isZero();
    }

    @Test
    void a_body_over_the_size_limit_is_413() {
      ObjectNode big = node(newId());
      big.with("payload").put("blob", "x".repeat(70 * 1024));

      HttpResponse<String> answer = hub.postJson(big.toString());

      assertThat(answer.statusCode()).isEqualTo(413);
      assertThat(parse(answer.body()).get("type").asText()).isEqualTo("urn:annals:problem:request-too-large");
      assertThat(hub.storedCount()).isZero();
    }

    @Test
    void an_empty_body_is_400() {
      assertThat(hub.post("application/json", new byte[0]).statusCode()).isEqualTo(400);
    }
  }

  @Nested
  class Health_and_metrics {

    @Test
    void live_and_ready_answer_200_while_the_store_answers() {
      assertThat(hub.get("/health/live").statusCode()).isEqualTo(200);
      assertThat(hub.get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void metrics_count_events_by_outcome_service_and_type_and_time_requests_by_route_template() {
      String id = newId();
      hub.postJson(json(id));
      hub.postJson(json(id));
      hub.get("/events/" + id);
      hub.postJson("[1]");

      assertThat(hub.metric("annals_hub_events_total{outcome=\"created\",service=\"billing\",type=\"payment-completed\"}")).isEqualTo(1.0);
      assertThat(hub.metric("annals_hub_events_total{outcome=\"duplicate\",service=\"billing\",type=\"payment-completed\"}")).isEqualTo(1.0);
      assertThat(hub.metric("annals_hub_events_total{outcome=\"invalid\",service=\"unknown\",type=\"unknown\"}")).isEqualTo(1.0);
      assertThat(hub.metric("annals_hub_http_requests_seconds_count{method=\"GET\",route=\"/events/{id}\",status=\"200\"}")).isEqualTo(1.0);
      assertThat(hub.metric("annals_hub_arrival_delay_seconds_count{service=\"billing\"}")).isEqualTo(1.0);
      assertThat(hub.metric("annals_hub_store_seconds_count{operation=\"append\",result=\"ok\"}")).isGreaterThanOrEqualTo(2.0);
      assertThat(hub.metric("annals_hub_ingest_batch_events_count")).isGreaterThanOrEqualTo(2.0);
      String all = hub.get("/metrics").body();
      assertThat(all).contains("annals_hub_store_ready ", "annals_hub_ingest_queue_events ",
          "annals_hub_feed_stable_lag_seconds ", "annals_hub_http_requests_seconds_bucket", "jvm_memory_used_bytes",
          "process_cpu_usage");
      assertThat(all).doesNotContain("route=\"/events/" + id);
    }
  }

  static List<String> pointers(JsonNode errors) {
    return errors == null ? List.of() : errors.findValuesAsText("pointer");
  }

  static List<String> outcomes(JsonNode results) {
    return results.findValuesAsText("outcome");
  }
}
