package io.annals.hub.server.http;

import static io.annals.hub.server.TestEvents.json;
import static io.annals.hub.server.TestEvents.newId;
import static io.annals.hub.server.TestEvents.node;
import static io.annals.hub.server.TestEvents.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.TestHub;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated corpus of bad input against a real hub on SQLite with the default limits. For every
 * request: never a 500, and the store grows by exactly the number of events answered
 * {@code created}, so a rejected request stores nothing.
 */
class BadInputCorpusTest {

  private static final Set<Integer> WHOLE_REJECTIONS = Set.of(400, 413, 415);
  private static final String[] CONTENT_TYPES = {"application/json", "application/x-ndjson"};
  private static final String[] CLOUD_EVENTS_TYPES = {"application/cloudevents+json", "application/cloudevents-batch+json"};

  @TempDir static Path dir;
  static TestHub hub;
  final Random random = new Random(20260101);

  @BeforeAll
  static void start_hub() {
    hub = TestHub.sqlite(dir);
  }

  @AfterAll
  static void stop_hub() {
    hub.close();
  }

  @Test
  void truncated_json_is_rejected_whole() {
    String batch = "[" + json(newId()) + "," + json(newId()) + "]";
    for (int i = 0; i < 60; i++) {
      String body = random.nextBoolean() ? batch : json(newId());
      int cut = 1 + random.nextInt(body.length() - 1);
      HttpResponse<String> answer = send(CONTENT_TYPES[random.nextInt(2)], body.substring(0, cut).getBytes(StandardCharsets.UTF_8));
      assertThat(answer.statusCode()).as("a body cut at %d of %d", cut, body.length()).isEqualTo(400);
    }
  }

  @Test
  void deep_nesting_is_rejected_and_moderate_nesting_accepted() {
    // The limit is a document depth of 64: a payload member nested 60 deep is depth 62 with the
    // event and its payload around it; an array of objects nested 60 deep is depth 61.
    for (int depth : new int[] {10, 60, 65, 1_000, 100_000}) {
      boolean moderate = depth <= 60;
      ObjectNode event = node(newId());
      String nested = "[".repeat(depth) + "]".repeat(depth);
      String body = event.toString().replace("\"payload\":{", "\"payload\":{\"deep\":" + nested + ",");
      HttpResponse<String> deepPayload = send("application/json", body.getBytes(StandardCharsets.UTF_8));
      String objects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
      HttpResponse<String> deepBatch = send("application/json", ("[" + objects + "]").getBytes(StandardCharsets.UTF_8));

      if (moderate) {
        assertThat(deepPayload.statusCode()).as("payload nested %d deep: %s", depth, deepPayload.body()).isEqualTo(201);
        // Read, and judged as the event it is not (no id, an unknown member): invalid, not unreadable.
        assertThat(deepBatch.statusCode()).as("batch nested %d deep", depth).isEqualTo(200);
        assertThat(parse(deepBatch.body()).get("results").findValuesAsText("outcome")).containsExactly("invalid");
      } else {
        for (HttpResponse<String> answer : List.of(deepPayload, deepBatch)) {
          assertThat(answer.statusCode()).as("nested %d deep", depth).isEqualTo(400);
          assertThat(answer.body()).contains("urn:annals:problem:unreadable-request", "nesting depth");
        }
      }
    }
  }

  @Test
  void huge_strings_and_bodies_are_rejected_whole_and_a_payload_string_just_under_the_limits_is_stored() {
    // Default limits: strings of 1,000,000 characters, events of 1 MiB, bodies of 10 MiB.
    ObjectNode underLimits = node(newId());
    underLimits.with("payload").put("blob", "x".repeat(999_000));
    assertThat(send("application/json", underLimits.toString().getBytes(StandardCharsets.UTF_8)).statusCode())
        .isEqualTo(201);
    for (int length : new int[] {1_000_001, 3_000_000}) {
      ObjectNode event = node(newId());
      event.with("payload").put("blob", "x".repeat(length));
      HttpResponse<String> answer = send("application/json", event.toString().getBytes(StandardCharsets.UTF_8));
      assertThat(answer.statusCode()).as("a string of %d characters", length).isEqualTo(400);
      assertThat(answer.body()).contains("urn:annals:problem:unreadable-request", "String value length");
    }
    ObjectNode overBody = node(newId());
    overBody.with("payload").put("blob", "x".repeat(11 * 1024 * 1024));
    HttpResponse<String> tooLarge = send("application/json", overBody.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.body()).contains("urn:annals:problem:request-too-large");
    for (int length : new int[] {999_000, 1_000_001, 2_000_000}) {
      ObjectNode longName = node(newId());
      longName.with("meta").put("service", "s".repeat(length));
      HttpResponse<String> answer = send("application/json", longName.toString().getBytes(StandardCharsets.UTF_8));
      assertThat(answer.statusCode()).as("a service name of %d characters", length).isEqualTo(400);
    }
  }

  @Test
  void every_field_of_every_wrong_type_is_invalid_and_named() {
    String[] fields = {"/id", "/meta", "/meta/service", "/meta/type", "/meta/created_at", "/meta/aggregate_id",
        "/meta/correlation_id", "/payload"};
    String[] values = {"1", "1.5", "true", "null", "[]", "{}", "\"\"", "\"x\"", "[1,{\"a\":null}]", "-0", "1e999"};
    // Values of the right type for a field (an id and a created_at must be more than a string).
    Map<String, Set<String>> rightType = Map.of("/meta", Set.of("{}"), "/meta/service", Set.of("\"x\""),
        "/meta/type", Set.of("\"x\""), "/meta/aggregate_id", Set.of("\"x\""),
        "/meta/correlation_id", Set.of("null", "\"x\""), "/payload", Set.of("{}"));
    for (String field : fields) {
      for (String value : values) {
        if (rightType.getOrDefault(field, Set.of()).contains(value)) {
          continue;
        }
        ObjectNode event = node(newId());
        String name = field.substring(field.lastIndexOf('/') + 1);
        ObjectNode parent = field.startsWith("/meta/") ? event.with("meta") : event;
        parent.set(name, parse(value));
        HttpResponse<String> answer = send("application/json", event.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(answer.statusCode()).as("%s = %s", field, value).isEqualTo(400);
        assertThat(answer.body()).as("%s = %s", field, value).contains("\"pointer\":\"" + field + "\"");
      }
    }
  }

  @Test
  void invalid_utf8_anywhere_is_rejected_whole() {
    byte[][] bad = {{(byte) 0xFF}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xE2, (byte) 0x82},
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
    for (int i = 0; i < 40; i++) {
      byte[] good = ("[" + json(newId()) + "]").getBytes(StandardCharsets.UTF_8);
      int at = random.nextInt(good.length);
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.write(good, 0, at);
      body.writeBytes(bad[i % bad.length]);
      body.write(good, at, good.length - at);
      HttpResponse<String> answer = send(CONTENT_TYPES[i % 2], body.toByteArray());
      assertThat(answer.statusCode()).isEqualTo(400);
    }
  }

  @Test
  void duplicate_keys_at_any_level_are_rejected_whole() {
    String id = newId();
    String[] bodies = {
        json(id).replaceFirst("\\{", "{\"id\":\"" + newId() + "\","),
        json(id).replace("\"meta\":{", "\"meta\":{\"type\":\"other\","),
        json(id).replace("\"payload\":{", "\"payload\":{\"n\":1,"),
        json(id).replace("\"payload\":{", "\"payload\":{\"x\":{\"a\":1,\"a\":1},"),
        "[" + json(newId()) + "," + json(id).replace("\"meta\":{", "\"meta\":{\"service\":\"x\",") + "]"};
    for (String body : bodies) {
      assertThat(send("application/json", body.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
    }
  }

  @Test
  void ten_thousand_element_batches_are_answered_and_one_more_is_413() {
    List<String> valid = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      valid.add(json(newId()));
      invalid.add(i % 2 == 0 ? "{}" : "7");
    }
    HttpResponse<String> created = send("application/json", ("[" + String.join(",", valid) + "]").getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> rejected = send("application/json", ("[" + String.join(",", invalid) + "]").getBytes(StandardCharsets.UTF_8));
    invalid.add("{}");
    HttpResponse<String> tooMany = send("application/json", ("[" + String.join(",", invalid) + "]").getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> tooManyLines = send("application/x-ndjson", String.join("\n", invalid).getBytes(StandardCharsets.UTF_8));

    assertThat(created.statusCode()).isEqualTo(200);
    assertThat(parse(created.body()).get("results").findValuesAsText("outcome")).hasSize(10_000).containsOnly("created");
    assertThat(rejected.statusCode()).isEqualTo(200);
    assertThat(parse(rejected.body()).get("results").findValuesAsText("outcome")).hasSize(10_000).containsOnly("invalid");
    assertThat(tooMany.statusCode()).isEqualTo(413);
    assertThat(tooManyLines.statusCode()).isEqualTo(413);
  }

  @Test
  void wrong_content_types_empty_bodies_and_odd_documents_never_store_anything() {
    int storedBefore = hub.sqliteRowCount();
    byte[] event = json(newId()).getBytes(StandardCharsets.UTF_8);
    for (String type : new String[] {null, "", "text/plain", "application/xml", "multipart/form-data; boundary=x",
        "application/json; charset=latin1", "application/jsonx", "*/*", "application/cloudevents+json; charset=latin1"}) {
      assertThat(send(type, event).statusCode()).isEqualTo(415);
    }
    // A native envelope sent as a CloudEvent is read, and is an invalid CloudEvent: nothing stored.
    assertThat(send("application/cloudevents+json", event).statusCode()).isEqualTo(400);
    for (String body : new String[] {"", " ", "\n\n", "null", "1", "\"s\"", "true", "[[]]", "[null]", "{}",
        "{\"id\":", "NaN", "[1,]", "{\"a\":1}//", "{} {}", "\u0000", "1e999999999",
        "[" + "9".repeat(2000) + "]"}) {
      for (String type : CONTENT_TYPES) {
        send(type, body.getBytes(StandardCharsets.UTF_8));
      }
      for (String type : CLOUD_EVENTS_TYPES) {
        send(type, body.getBytes(StandardCharsets.UTF_8));
      }
    }
    for (int i = 0; i < 30; i++) {
      byte[] noise = new byte[1 + random.nextInt(200)];
      random.nextBytes(noise);
      send(CONTENT_TYPES[i % 2], noise);
    }
    assertThat(hub.sqliteRowCount()).as("events stored").isEqualTo(storedBefore);
  }

  @Test
  void a_byte_order_mark_before_an_event_is_passed_over_as_rfc_8259_allows() {
    String id = newId();
    byte[] withMark = ("\uFEFF" + json(id)).getBytes(StandardCharsets.UTF_8);

    assertThat(send("application/json", withMark).statusCode()).isEqualTo(201);
    assertThat(hub.get("/events/" + id).statusCode()).isEqualTo(200);
  }

  @Test
  void random_byte_flips_of_a_valid_event_never_yield_a_500() {
    for (int i = 0; i < 150; i++) {
      byte[] body = json(newId()).getBytes(StandardCharsets.UTF_8);
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        body[random.nextInt(body.length)] = (byte) random.nextInt(256);
      }
      send(CONTENT_TYPES[i % 2], body);
    }
  }

  @Test
  void odd_paths_and_ids_on_the_read_side_never_yield_a_500() {
    Map<String, Integer> expected = Map.of("/events/x", 404, "/events/%00", 400, "/events/" + "a".repeat(5000), 404,
        "/events/" + newId().toUpperCase(), 404, "/events/..%2F..%2Fetc", 400, "/nope", 404, "/events/a/b", 404);
    expected.forEach((path, status) -> assertThat(hub.get(path).statusCode()).as(path).isEqualTo(status));
  }

  /** Sends one body and checks the invariants every answer must keep. */
  private HttpResponse<String> send(String contentType, byte[] body) {
    int before = hub.sqliteRowCount();
    HttpResponse<String> answer = hub.post(contentType, body);
    int after = hub.sqliteRowCount();
    int status = answer.statusCode();
    assertThat(status).as("status for %s", preview(body)).isNotEqualTo(500).isIn(200, 201, 400, 413, 415);
    if (WHOLE_REJECTIONS.contains(status)) {
      assertThat(after).as("stored count after a rejected request").isEqualTo(before);
      assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    } else {
      assertThat(after - before).isEqualTo(created(status, answer.body()));
    }
    return answer;
  }

  private static int created(int status, String body) {
    if (status == 201) {
      return 1;
    }
    JsonNode results = parse(body).get("results");
    return results == null ? 0 : (int) results.findValuesAsText("outcome").stream().filter("created"::equals).count();
  }

  private static String preview(byte[] body) {
    String s = new String(body, 0, Math.min(body.length, 120), StandardCharsets.UTF_8);
    return s + (body.length > 120 ? "… (" + body.length + " bytes)" : "");
  }
}
