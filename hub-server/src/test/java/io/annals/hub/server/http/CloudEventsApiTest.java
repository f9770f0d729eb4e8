package io.annals.hub.server.http;

import static io.annals.hub.server.TestEvents.newId;
import static io.annals.hub.server.TestEvents.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.Await;
import io.annals.hub.server.TestApiKeys;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.TestHub;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * CloudEvents 1.0 over HTTP against a real hub: events are written by the official CloudEvents
 * Java SDK in structured, batch and binary mode, and read back natively and as CloudEvents parsed
 * by the SDK's own JSON format and HTTP reader.
 */
class CloudEventsApiTest extends SqliteHubPerTest {

  static final String STRUCTURED = "application/cloudevents+json";
  static final String BATCH = "application/cloudevents-batch+json";
  static final String PAYLOAD = "{\"amount\":\"3.0000/EUR\",\"n\":3.0000}";
  static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z";
  static final JsonFormat FORMAT = new JsonFormat();
  /** Serializes lists of SDK events as the JSON batch format. */
  static final ObjectMapper SDK_JSON = JsonMapper.builder().addModule(JsonFormat.getCloudEventJacksonModule()).build();


  /** A valid event as the SDK builds it; every test changes what it needs. */
  static CloudEventBuilder event(String id) {
    return CloudEventBuilder.v1()
        .withId(id)
        .withSource(URI.create("billing"))
        .withType("payment-completed")
        .withTime(OffsetDateTime.parse("2026-01-01T13:00:00.123+01:00"))
        .withSubject("payment/23")
        .withExtension("correlationid", "container/subscription/42")
        .withData("application/json", PAYLOAD.getBytes(StandardCharsets.UTF_8));
  }

  HttpResponse<String> sendStructured(CloudEvent event) {
    return send(w -> HttpMessageFactory.createWriter(w.headers::put, w::body).writeStructured(event, FORMAT));
  }

  HttpResponse<String> sendBinary(CloudEvent event) {
    return send(w -> HttpMessageFactory.createWriter(w.headers::put, w::body).writeBinary(event));
  }

  HttpResponse<String> sendBatch(List<CloudEvent> events) {
    try {
      return hub.post(BATCH, SDK_JSON.writeValueAsBytes(events));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** What an SDK writer produced, sent as POST /events. */
  HttpResponse<String> send(java.util.function.Consumer<Written> write) {
    Written w = new Written();
    write.accept(w);
    HttpRequest.Builder request = HttpRequest.newBuilder(hub.uri("/events")).timeout(Duration.ofSeconds(30))
        .POST(w.body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(w.body));
    w.headers.forEach(request::header);
    return hub.send(request.build());
  }

  static final class Written {
    final Map<String, String> headers = new TreeMap<>();
    byte[] body;

    void body(byte[] bytes) {
      body = bytes;
    }
  }

  HttpResponse<String> postWithHeaders(Map<String, String> headers, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(hub.uri("/events")).timeout(Duration.ofSeconds(30))
        .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return hub.send(request.build());
  }



  /** The answer read by the SDK's HTTP binding (it picks the mode from the headers). */
  static CloudEvent readWithSdk(HttpResponse<byte[]> answer) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    answer.headers().map().forEach((name, values) -> headers.put(name, values.get(0)));
    return HttpMessageFactory.createReader(headers, answer.body()).toEvent();
  }

  static JsonNode json(byte[] bytes) {
    return parse(new String(bytes, StandardCharsets.UTF_8));
  }

  static List<String> pointers(HttpResponse<String> answer) {
    JsonNode errors = parse(answer.body()).get("errors");
    return errors == null ? List.of() : errors.findValuesAsText("pointer");
  }

  @Nested
  class Structured_mode {

    @Test
    void an_sdk_event_is_created_with_201_and_stored_as_the_mapped_envelope() {
      String id = newId();

      HttpResponse<String> answer = sendStructured(event(id).build());

      assertThat(answer.statusCode()).isEqualTo(201);
      assertThat(answer.headers().firstValue("Location")).hasValue("/events/" + id);
      JsonNode stored = parse(hub.get("/events/" + id).body());
      assertThat(stored.get("id").asText()).isEqualTo(id);
      assertThat(stored.at("/meta/service").asText()).isEqualTo("billing");
      assertThat(stored.at("/meta/type").asText()).isEqualTo("payment-completed");
      assertThat(stored.at("/meta/created_at").asText()).isEqualTo("2026-01-01T12:00:00.123000Z");
      assertThat(stored.at("/meta/aggregate_id").asText()).isEqualTo("payment/23");
      assertThat(stored.at("/meta/correlation_id").asText()).isEqualTo("container/subscription/42");
      assertThat(hub.get("/events/" + id).body()).contains("\"payload\":" + PAYLOAD);
    }

    @Test
    void the_sdk_structured_form_is_what_the_openapi_document_describes() {
      Written w = new Written();
      HttpMessageFactory.createWriter(w.headers::put, w::body).writeStructured(event(newId()).build(), FORMAT);

      assertThat(w.headers).containsEntry("Content-Type", STRUCTURED);
      assertThat(OpenApiContract.load().validate("CloudEvent", json(w.body))).isEmpty();
    }

    @Test
    void a_stored_event_reads_back_as_a_cloudevent_that_the_sdk_parses() {
      String id = newId();
      sendStructured(event(id).build());

      HttpResponse<byte[]> answer = getAs("/events/" + id, STRUCTURED);

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.headers().firstValue("Content-Type")).hasValue(STRUCTURED);
      assertThat(answer.headers().firstValue("Vary")).hasValue("Accept");
      CloudEvent read = FORMAT.deserialize(answer.body());
      assertThat(read).isEqualTo(readWithSdk(answer));
      assertThat(read.getId()).isEqualTo(id);
      assertThat(read.getSource()).isEqualTo(URI.create("billing"));
      assertThat(read.getType()).isEqualTo("payment-completed");
      assertThat(read.getSubject()).isEqualTo("payment/23");
      assertThat(read.getTime().toInstant()).isEqualTo(OffsetDateTime.parse("2026-01-01T12:00:00.123Z").toInstant());
      assertThat(read.getDataContentType()).isEqualTo("application/json");
      assertThat(read.getExtension("correlationid")).isEqualTo("container/subscription/42");
      assertThat(read.getExtension("receivedat").toString())
          .isEqualTo(parse(hub.get("/events/" + id).body()).at("/meta/received_at").asText());
      assertThat(json(read.getData().toBytes()).get("amount").asText()).isEqualTo("3.0000/EUR");
      // The SDK re-encodes numbers as doubles when it parses; the hub's bytes keep them as sent.
      assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("\"data\":" + PAYLOAD);
    }

    @Test
    void without_the_cloudevents_accept_type_the_event_reads_back_natively() {
      String id = newId();
      sendStructured(event(id).build());

      HttpResponse<byte[]> answer = getAs("/events/" + id, "application/json, " + STRUCTURED + ";q=0");

      assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(json(answer.body()).at("/meta/service").asText()).isEqualTo("billing");
    }

    @Test
    void an_unknown_id_asked_for_as_a_cloudevent_is_a_404_problem() {
      HttpResponse<byte[]> answer = getAs("/events/" + newId(), STRUCTURED);

      assertThat(answer.statusCode()).isEqualTo(404);
      assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void an_event_without_data_is_stored_with_an_empty_payload() {
      String id = newId();

      HttpResponse<String> answer = sendStructured(event(id).withoutData().withoutDataContentType().build());

      assertThat(answer.statusCode()).isEqualTo(201);
      assertThat(parse(answer.body()).get("payload").toString()).isEqualTo("{}");
    }
  }

  @Nested
  class Binary_mode {

    @Test
    void an_sdk_event_sent_as_ce_headers_is_created_and_reads_back_as_the_same_cloudevent() {
      String id = newId();
      CloudEvent sent = event(id).build();

      HttpResponse<String> answer = sendBinary(sent);

      assertThat(answer.statusCode()).isEqualTo(201);
      assertThat(parse(answer.body()).at("/meta/aggregate_id").asText()).isEqualTo("payment/23");
      CloudEvent read = readWithSdk(getAs("/events/" + id, STRUCTURED));
      assertThat(read.getId()).isEqualTo(sent.getId());
      assertThat(read.getSource()).isEqualTo(sent.getSource());
      assertThat(read.getType()).isEqualTo(sent.getType());
      assertThat(read.getSubject()).isEqualTo(sent.getSubject());
      assertThat(read.getTime().toInstant()).isEqualTo(sent.getTime().toInstant());
      assertThat(read.getExtension("correlationid")).isEqualTo(sent.getExtension("correlationid"));
      assertThat(json(read.getData().toBytes())).isEqualTo(json(sent.getData().toBytes()));
    }

    @Test
    void a_plus_json_content_type_is_accepted_as_data() {
      String id = newId();

      HttpResponse<String> answer = sendBinary(event(id)
          .withData("application/vnd.billing.payment+json", PAYLOAD.getBytes(StandardCharsets.UTF_8)).build());

      assertThat(answer.statusCode()).isEqualTo(201);
    }

    @Test
    void percent_encoded_header_values_are_decoded_as_utf8() {
      String id = newId();
      Map<String, String> headers = binaryHeaders(id);
      headers.put("ce-subject", "payment%20%C3%BC/23");

      HttpResponse<String> answer = postWithHeaders(headers, PAYLOAD);

      assertThat(answer.statusCode()).isEqualTo(201);
      assertThat(parse(answer.body()).at("/meta/aggregate_id").asText()).isEqualTo("payment ü/23");
    }

    @Test
    void ce_header_names_are_read_in_any_case() {
      // Read from Jetty's fields since issue 29 (was the servlet's set of names): case still does not matter.
      String id = newId();
      Map<String, String> headers = new TreeMap<>();
      binaryHeaders(id).forEach((name, value) ->
          headers.put(name.startsWith("ce-") ? name.toUpperCase(java.util.Locale.ROOT) : name, value));
      headers.put("Ce-CorrelationId", "checkout/7");

      HttpResponse<String> answer = postWithHeaders(headers, PAYLOAD);

      assertThat(answer.statusCode()).isEqualTo(201);
      assertThat(parse(answer.body()).at("/id").asText()).isEqualTo(id);
      assertThat(parse(answer.body()).at("/meta/aggregate_id").asText()).isEqualTo("payment/23");
      assertThat(parse(answer.body()).at("/meta/correlation_id").asText()).isEqualTo("checkout/7");
    }

    @Test
    void data_that_is_not_json_is_stored_as_its_bytes_and_read_back_as_sent() {
      String id = newId();
      CloudEvent sent = event(id).withData("text/plain", "three euros".getBytes(StandardCharsets.UTF_8)).build();

      HttpResponse<String> answer = sendBinary(sent);

      assertThat(answer.statusCode()).isEqualTo(201);
      CloudEvent read = readWithSdk(getAs("/events/" + id, STRUCTURED));
      assertThat(read.getDataContentType()).isEqualTo("text/plain");
      assertThat(read.getData().toBytes()).isEqualTo("three euros".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void missing_headers_are_a_400_problem_naming_each_attribute_and_its_header() {
      Map<String, String> headers = binaryHeaders(newId());
      headers.remove("ce-source");
      headers.remove("ce-type");
      headers.remove("ce-specversion");

      HttpResponse<String> answer = postWithHeaders(headers, PAYLOAD);

      assertThat(answer.statusCode()).isEqualTo(400);
      assertThat(pointers(answer)).containsExactlyInAnyOrder("/specversion", "/source", "/type");
      assertThat(parse(answer.body()).get("errors").findValuesAsText("detail"))
          .anySatisfy(d -> assertThat(d).startsWith("header ce-source: required"))
          .anySatisfy(d -> assertThat(d).startsWith("header ce-type: required"));
      assertThat(hub.storedCount()).isZero();
    }

    @Test
    void a_json_body_that_does_not_parse_is_400_and_nothing_is_stored() {
      HttpResponse<String> answer = postWithHeaders(binaryHeaders(newId()), "[1, 2");

      assertThat(answer.statusCode()).isEqualTo(400);
      assertThat(hub.storedCount()).isZero();
    }

    @Test
    void json_data_that_is_not_an_object_is_kept_and_given_back_as_sent() {
      String id = newId();

      HttpResponse<String> answer = postWithHeaders(binaryHeaders(id), "[1, 2.50]");

      assertThat(answer.statusCode()).isEqualTo(201);
      assertThat(new String(getAs("/events/" + id, STRUCTURED).body(), StandardCharsets.UTF_8))
          .contains("\"data\":[1,2.50]");
    }

    Map<String, String> binaryHeaders(String id) {
      Map<String, String> headers = new TreeMap<>();
      headers.put("Content-Type", "application/json");
      headers.put("ce-specversion", "1.0");
      headers.put("ce-id", id);
      headers.put("ce-source", "billing");
      headers.put("ce-type", "payment-completed");
      headers.put("ce-time", "2026-01-01T12:00:00.123Z");
      headers.put("ce-subject", "payment/23");
      return headers;
    }
  }

  @Nested
  class Batch_mode {

    @Test
    void an_sdk_batch_answers_200_with_one_result_per_event_in_request_order() throws Exception {
      String known = newId();
      String clash = newId();
      sendStructured(event(known).build());
      sendStructured(event(clash).build());
      String fresh = newId();
      List<CloudEvent> batch = new ArrayList<>();
      batch.add(event(fresh).build());
      batch.add(event(known).build());
      batch.add(event(clash).withSubject("payment/24").build());
      batch.add(event(newId()).withType("t".repeat(300)).build());

      HttpResponse<String> answer = sendBatch(batch);

      assertThat(answer.statusCode()).isEqualTo(200);
      JsonNode results = parse(answer.body()).get("results");
      assertThat(results.findValuesAsText("outcome")).containsExactly("created", "duplicate", "conflict", "invalid");
      assertThat(results.get(0).get("id").asText()).isEqualTo(fresh);
      assertThat(results.get(3).get("errors").findValuesAsText("pointer")).containsExactly("/3/type");
      assertThat(hub.storedCount()).isEqualTo(3);
      List<CloudEvent> readBack = new ArrayList<>();
      for (String id : List.of(fresh, known, clash)) {
        readBack.add(FORMAT.deserialize(getAs("/events/" + id, STRUCTURED).body()));
      }
      assertThat(readBack).extracting(CloudEvent::getSubject).containsExactly("payment/23", "payment/23", "payment/23");
      // The SDK reads the hub's own events as a batch, too: the batch format round-trips.
      List<CloudEvent> again = SDK_JSON.readValue(SDK_JSON.writeValueAsBytes(readBack), new TypeReference<>() {});
      assertThat(again).isEqualTo(readBack);
    }

    @Test
    void an_empty_batch_is_200_with_no_results() {
      HttpResponse<String> answer = hub.post(BATCH, "[]".getBytes(StandardCharsets.UTF_8));

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(parse(answer.body()).get("results").size()).isZero();
    }

    @Test
    void a_batch_body_that_is_not_an_array_is_rejected_whole_with_400() {
      HttpResponse<String> answer = hub.post(BATCH, "{}".getBytes(StandardCharsets.UTF_8));

      assertThat(answer.statusCode()).isEqualTo(400);
      assertThat(parse(answer.body()).get("type").asText()).isEqualTo("urn:annals:problem:unreadable-request");
    }
  }

  @Nested
  class Reading_lists {

    @Test
    void the_feed_answers_a_cloudevents_batch_that_the_sdk_reads_with_cursor_and_stable_point_in_headers()
        throws Exception {
      // One batch is one transaction with one received_at, so the feed orders its events by id.
      List<String> ids = java.util.stream.Stream.of(newId(), newId(), newId()).sorted().toList();
      sendBatch(ids.stream().map(id -> event(id).build()).toList());
      Await.until("the feed shows the three events", () -> parse(hub.get("/feed").body()).get("events").size() == 3);

      HttpResponse<byte[]> answer = getAs("/feed?limit=2&types=payment-completed", BATCH);

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.headers().firstValue("Content-Type")).hasValue(BATCH);
      List<CloudEvent> page = SDK_JSON.readValue(answer.body(), new TypeReference<>() {});
      assertThat(page).extracting(CloudEvent::getId).containsExactlyElementsOf(ids.subList(0, 2));
      assertThat(page).allSatisfy(e -> assertThat(e.getExtension("receivedat")).isNotNull());
      String next = answer.headers().firstValue("Annals-Next-Cursor").orElseThrow();
      assertThat(answer.headers().firstValue("Annals-Stable-Until")).hasValueSatisfying(t -> assertThat(t).matches(TIME));
      List<CloudEvent> rest = SDK_JSON.readValue(getAs("/feed?after=" + next, BATCH).body(), new TypeReference<>() {});
      assertThat(rest).extracting(CloudEvent::getId).containsExactly(ids.get(2));
    }

    @Test
    void a_query_answers_a_cloudevents_batch_with_the_next_cursor_in_a_header_only_while_there_is_more()
        throws Exception {
      String first = newId();
      String second = newId();
      sendStructured(event(first).build());
      sendStructured(event(second).build());

      HttpResponse<byte[]> full = getAs("/events?service=billing&limit=1", BATCH);
      HttpResponse<byte[]> last = getAs("/events?service=billing&limit=1&cursor="
          + full.headers().firstValue("Annals-Next-Cursor").orElseThrow(), BATCH);

      assertThat(SDK_JSON.readValue(full.body(), new TypeReference<List<CloudEvent>>() {}))
          .extracting(CloudEvent::getId).containsExactly(first);
      assertThat(SDK_JSON.readValue(last.body(), new TypeReference<List<CloudEvent>>() {}))
          .extracting(CloudEvent::getId).containsExactly(second);
      assertThat(getAs("/events?service=billing&limit=2", BATCH).headers().firstValue("Annals-Next-Cursor"))
          .isPresent();
      assertThat(getAs("/events?service=billing&limit=3", BATCH).headers().firstValue("Annals-Next-Cursor"))
          .isEmpty();
    }

    @Test
    void without_a_cloudevents_accept_type_lists_answer_natively() {
      sendStructured(event(newId()).build());

      HttpResponse<byte[]> answer = getAs("/events?service=billing", "application/json");

      assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(json(answer.body()).get("events").get(0).at("/meta/service").asText()).isEqualTo("billing");
    }
  }

  @Nested
  class With_api_keys {

    @Test
    void a_producer_may_publish_cloudevents_only_with_a_source_bound_to_its_key() throws Exception {
      hub.close();
      hub = TestHub.configured(dir.resolve("keyed"), Map.of("HUB_API_KEYS_FILE",
          TestApiKeys.write(java.nio.file.Files.createDirectories(dir.resolve("keys"))).toString()));
      Written own = new Written();
      HttpMessageFactory.createWriter(own.headers::put, own::body).writeBinary(event(newId()).build());
      Written other = new Written();
      HttpMessageFactory.createWriter(other.headers::put, other::body)
          .writeBinary(event(newId()).withSource(URI.create("shipping")).build());

      HttpResponse<String> allowed = sendWithKey(own, TestApiKeys.PRODUCER);
      HttpResponse<String> refused = sendWithKey(other, TestApiKeys.PRODUCER);

      assertThat(allowed.statusCode()).isEqualTo(201);
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(pointers(refused)).containsExactly("/source");
      assertThat(hub.storedCount()).isEqualTo(1);
    }

    HttpResponse<String> sendWithKey(Written w, String key) {
      HttpRequest.Builder request = HttpRequest.newBuilder(hub.uri("/events")).timeout(Duration.ofSeconds(30))
          .header("Authorization", TestApiKeys.bearer(key)).POST(HttpRequest.BodyPublishers.ofByteArray(w.body));
      w.headers.forEach(request::header);
      return hub.send(request.build());
    }
  }

  @Nested
  class Idempotency {

    @Test
    void the_same_cloudevent_twice_is_a_duplicate_with_the_original_received_at() {
      CloudEvent event = event(newId()).build();
      String first = parse(sendStructured(event).body()).at("/meta/received_at").asText();

      HttpResponse<String> again = sendBinary(event);

      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(parse(again.body()).at("/meta/received_at").asText()).isEqualTo(first);
      assertThat(hub.storedCount()).isEqualTo(1);
    }

    @Test
    void a_cloudevent_with_the_content_of_a_native_event_is_its_duplicate() {
      String id = newId();
      ObjectNode nativeEvent = TestEvents.node(id);
      nativeEvent.with("meta").put("created_at", "2026-01-01T12:00:00.123Z");
      assertThat(hub.postJson(nativeEvent.toString()).statusCode()).isEqualTo(201);

      HttpResponse<String> answer = sendStructured(event(id).build());

      assertThat(answer.statusCode()).isEqualTo(200);
    }

    @Test
    void the_same_id_with_changed_data_is_a_409_conflict_showing_both() {
      String id = newId();
      sendStructured(event(id).build());

      HttpResponse<String> answer = sendStructured(event(id)
          .withData("application/json", "{\"amount\":\"4.0000/EUR\"}".getBytes(StandardCharsets.UTF_8)).build());

      assertThat(answer.statusCode()).isEqualTo(409);
      JsonNode body = parse(answer.body());
      assertThat(body.at("/stored/payload/amount").asText()).isEqualTo("3.0000/EUR");
      assertThat(body.at("/submitted/payload/amount").asText()).isEqualTo("4.0000/EUR");
      assertThat(hub.storedCount()).isEqualTo(1);
    }
  }

  @Nested
  class Invalid_structured_events {

    @Test
    void missing_required_attributes_are_a_400_problem_naming_each_attribute() {
      HttpResponse<String> answer = hub.post(STRUCTURED, "{\"data\":{}}".getBytes(StandardCharsets.UTF_8));

      assertThat(answer.statusCode()).isEqualTo(400);
      assertThat(parse(answer.body()).get("type").asText()).isEqualTo("urn:annals:problem:invalid-event");
      assertThat(pointers(answer))
          .containsExactlyInAnyOrder("/specversion", "/id", "/source", "/type");
      assertThat(hub.storedCount()).isZero();
    }

    @Test
    void another_specversion_is_invalid() {
      ObjectNode ce = structured(newId());
      ce.put("specversion", "0.3");

      assertThat(pointers(hub.post(STRUCTURED, bytes(ce)))).containsExactly("/specversion");
    }

    @Test
    void a_bad_attribute_name_and_a_wrong_type_are_named() {
      ObjectNode ce = structured(newId());
      ce.put("Trace-Parent", "x");
      ce.putArray("partitionkey");
      ce.put("data_base64", "not base64!");

      HttpResponse<String> answer = hub.post(STRUCTURED, bytes(ce));

      assertThat(answer.statusCode()).isEqualTo(400);
      assertThat(pointers(answer)).containsExactlyInAnyOrder("/Trace-Parent", "/partitionkey", "/data_base64");
      assertThat(hub.storedCount()).isZero();
    }

    @Test
    void values_that_break_the_envelope_rules_are_named_by_their_attribute() {
      ObjectNode ce = structured("");
      ce.put("time", OffsetDateTime.now().plusHours(1).toString());
      ce.put("source", "");
      ce.put("correlationid", 42);

      HttpResponse<String> answer = hub.post(STRUCTURED, bytes(ce));

      assertThat(pointers(answer)).containsExactlyInAnyOrder("/id", "/time", "/source", "/correlationid");
    }

    @Test
    void a_received_at_extension_sent_by_the_client_is_ignored() {
      ObjectNode ce = structured(newId());
      ce.put("receivedat", "2000-01-01T00:00:00Z");

      HttpResponse<String> answer = hub.post(STRUCTURED, bytes(ce));

      assertThat(answer.statusCode()).isEqualTo(201);
      assertThat(parse(answer.body()).at("/meta/received_at").asText()).doesNotStartWith("2000");
    }

    @Test
    void a_structured_body_that_is_an_array_is_rejected_whole_with_400() {
      HttpResponse<String> answer = hub.post(STRUCTURED, "[]".getBytes(StandardCharsets.UTF_8));

      assertThat(answer.statusCode()).isEqualTo(400);
      assertThat(parse(answer.body()).get("detail").asText()).contains(BATCH);
    }

    ObjectNode structured(String id) {
      ObjectNode ce = TestEvents.JSON.createObjectNode();
      ce.put("specversion", "1.0");
      ce.put("id", id);
      ce.put("source", "billing");
      ce.put("type", "payment-completed");
      ce.put("time", "2026-01-01T12:00:00Z");
      ce.put("subject", "payment/23");
      ce.putObject("data").put("amount", "3.0000/EUR");
      return ce;
    }

    byte[] bytes(JsonNode node) {
      return node.toString().getBytes(StandardCharsets.UTF_8);
    }
  }
}
