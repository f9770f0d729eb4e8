package io.annals.hub.server.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.Await;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.TestHub;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must-show 2 of the schema issue on a real hub: enforce and quarantine for a single event, a batch,
 * NDJSON and CloudEvents (structured, batch and binary); released events reach the feed exactly
 * once with their own id and created_at, dropped ones never.
 */
class SchemaIngestionTest {

  static final String SCHEMA = "{\"type\":\"object\",\"required\":[\"amount\"],\"properties\":{\"amount\":{\"type\":\"number\"}}}";
  static final String GOOD = "{\"amount\":12.5}";
  static final String BAD = "{\"amount\":\"twelve\"}";

  @TempDir Path dir;
  TestHub hub;

  @BeforeEach
  void start() {
    hub = TestHub.configured(dir, Map.of("HUB_FEED_LAG", "100ms"));
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private HttpResponse<String> register(String type, String mode, String schema) {
    return hub.send(HttpRequest.newBuilder(hub.uri("/schemas/shop/" + type)).timeout(Duration.ofSeconds(60))
        .PUT(HttpRequest.BodyPublishers.ofString("{\"schema\":" + schema + ",\"mode\":\"" + mode + "\"}")).build());
  }

  private HttpResponse<String> post(String path, String body) {
    return hub.send(HttpRequest.newBuilder(hub.uri(path)).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  static ObjectNode event(String id, String type, String payload) {
    ObjectNode e = TestEvents.node(id);
    ((ObjectNode) e.get("meta")).put("service", "shop").put("type", type);
    e.set("payload", TestEvents.parse(payload));
    return e;
  }

  static String cloudEvent(String id, String type, String payload) {
    return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"shop\",\"type\":\"" + type + "\","
        + "\"time\":\"2026-01-01T12:00:00Z\",\"subject\":\"order/1\",\"datacontenttype\":\"application/json\",\"data\":" + payload + "}";
  }

  private HttpResponse<String> binary(String id, String type, String payload) {
    return hub.send(HttpRequest.newBuilder(hub.uri("/events")).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").header("ce-specversion", "1.0").header("ce-id", id)
        .header("ce-source", "shop").header("ce-type", type).header("ce-time", "2026-01-01T12:00:00Z")
        .header("ce-subject", "order/1").POST(HttpRequest.BodyPublishers.ofString(payload)).build());
  }

  private static List<String> pointers(JsonNode node) {
    return node.path("errors").findValuesAsText("pointer");
  }

  @Test
  void in_enforce_mode_a_failing_payload_is_invalid_by_pointer_in_every_form_and_nothing_is_stored() {
    assertThat(register("order-paid", "enforce", SCHEMA).statusCode()).isEqualTo(201);
    String[] ids = {TestEvents.newId(), TestEvents.newId(), TestEvents.newId(), TestEvents.newId(), TestEvents.newId(),
        TestEvents.newId(), TestEvents.newId(), TestEvents.newId()};

    HttpResponse<String> single = hub.postJson(event(ids[0], "order-paid", BAD).toString());
    assertThat(single.statusCode()).as(single.body()).isEqualTo(400);
    assertThat(pointers(TestEvents.parse(single.body()))).containsExactly("/payload/amount");

    HttpResponse<String> batch = hub.postJson("[" + event(ids[1], "order-paid", GOOD) + "," + event(ids[2], "order-paid", BAD) + "]");
    JsonNode results = TestEvents.parse(batch.body()).get("results");
    assertThat(results.findValuesAsText("outcome")).containsExactly("created", "invalid");
    assertThat(pointers(results.get(1))).containsExactly("/1/payload/amount");

    HttpResponse<String> ndjson = hub.post("application/x-ndjson",
        (event(ids[3], "order-paid", BAD) + "\n" + event(ids[4], "order-paid", GOOD) + "\n").getBytes(StandardCharsets.UTF_8));
    JsonNode lines = TestEvents.parse(ndjson.body()).get("results");
    assertThat(lines.findValuesAsText("outcome")).containsExactly("invalid", "created");
    assertThat(pointers(lines.get(0))).containsExactly("/payload/amount");
    assertThat(lines.get(0).get("line").asInt()).isEqualTo(1);

    HttpResponse<String> structured = hub.post("application/cloudevents+json",
        cloudEvent(ids[5], "order-paid", BAD).getBytes(StandardCharsets.UTF_8));
    assertThat(structured.statusCode()).as(structured.body()).isEqualTo(400);
    assertThat(pointers(TestEvents.parse(structured.body()))).containsExactly("/data/amount");

    HttpResponse<String> ceBatch = hub.post("application/cloudevents-batch+json",
        ("[" + cloudEvent(ids[6], "order-paid", GOOD) + "," + cloudEvent(ids[7], "order-paid", BAD) + "]").getBytes(StandardCharsets.UTF_8));
    JsonNode ceResults = TestEvents.parse(ceBatch.body()).get("results");
    assertThat(ceResults.findValuesAsText("outcome")).containsExactly("created", "invalid");
    assertThat(pointers(ceResults.get(1))).containsExactly("/1/data/amount");

    HttpResponse<String> bin = binary(TestEvents.newId(), "order-paid", BAD);
    assertThat(bin.statusCode()).as(bin.body()).isEqualTo(400);
    assertThat(pointers(TestEvents.parse(bin.body()))).containsExactly("/amount");

    assertThat(hub.storedCount()).as("only the passing events").isEqualTo(3);
    assertThat(hub.get("/events/" + ids[2]).statusCode()).isEqualTo(404);
    assertThat(hub.metric("annals_hub_events_total{outcome=\"invalid\",service=\"shop\"")).isEqualTo(6);
  }

  @Test
  void a_type_without_a_schema_is_not_checked_and_another_service_with_the_same_type_is_not_either() {
    assertThat(register("order-paid", "enforce", SCHEMA).statusCode()).isEqualTo(201);
    assertThat(hub.postJson(event(TestEvents.newId(), "order-shipped", BAD).toString()).statusCode()).isEqualTo(201);
    ObjectNode other = event(TestEvents.newId(), "order-paid", BAD);
    ((ObjectNode) other.get("meta")).put("service", "warehouse");
    assertThat(hub.postJson(other.toString()).statusCode()).isEqualTo(201);
  }

  @Test
  void in_quarantine_mode_failing_events_are_kept_aside_then_released_into_the_feed_once_or_dropped_never() {
    assertThat(register("order-paid", "quarantine", SCHEMA).statusCode()).isEqualTo(201);
    List<String> held = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      held.add(TestEvents.newId());
    }
    String good = TestEvents.newId();

    HttpResponse<String> single = hub.postJson(event(held.get(0), "order-paid", BAD).toString());
    assertThat(single.statusCode()).as(single.body()).isEqualTo(202);
    assertThat(TestEvents.parse(single.body()).get("outcome").asText()).isEqualTo("quarantined");
    assertThat(pointers(TestEvents.parse(single.body()))).containsExactly("/payload/amount");
    assertThat(hub.postJson(event(held.get(0), "order-paid", BAD).toString()).statusCode()).as("a retry is kept once").isEqualTo(202);

    JsonNode batch = TestEvents.parse(hub.postJson("[" + event(good, "order-paid", GOOD) + "," + event(held.get(1), "order-paid", BAD) + "]").body());
    assertThat(batch.get("results").findValuesAsText("outcome")).containsExactly("created", "quarantined");
    JsonNode ndjson = TestEvents.parse(hub.post("application/x-ndjson",
        (event(held.get(2), "order-paid", BAD) + "\n").getBytes(StandardCharsets.UTF_8)).body());
    assertThat(ndjson.get("results").findValuesAsText("outcome")).containsExactly("quarantined");
    HttpResponse<String> structured = hub.post("application/cloudevents+json",
        cloudEvent(held.get(3), "order-paid", BAD).getBytes(StandardCharsets.UTF_8));
    assertThat(structured.statusCode()).as(structured.body()).isEqualTo(202);
    assertThat(pointers(TestEvents.parse(structured.body()))).containsExactly("/data/amount");
    JsonNode ceBatch = TestEvents.parse(hub.post("application/cloudevents-batch+json",
        ("[" + cloudEvent(held.get(4), "order-paid", BAD) + "]").getBytes(StandardCharsets.UTF_8)).body());
    assertThat(ceBatch.get("results").findValuesAsText("outcome")).containsExactly("quarantined");
    assertThat(binary(held.get(5), "order-paid", BAD).statusCode()).isEqualTo(202);
    assertThat(hub.postJson(event(held.get(6), "order-paid", BAD).toString()).statusCode()).isEqualTo(202);

    // Kept aside: listed for admins, not stored, not in the feed.
    JsonNode listed = TestEvents.parse(hub.get("/quarantine?service=shop&type=order-paid").body());
    assertThat(listed.get("events").findValuesAsText("id")).containsExactlyInAnyOrderElementsOf(held);
    assertThat(listed.at("/events/0/errors/0/pointer").asText()).isEqualTo("/payload/amount");
    assertThat(hub.get("/quarantine?type=order-shipped").body()).contains("\"events\":[]");
    assertThat(hub.storedCount()).isEqualTo(1);
    assertThat(hub.metric("annals_hub_quarantine_held")).isEqualTo(7);
    assertThat(hub.metric("annals_hub_events_total{outcome=\"quarantined\"")).isEqualTo(8);

    // Released against the schema as it is now: still failing, they stay.
    JsonNode stillBad = TestEvents.parse(post("/quarantine/release", "{\"ids\":[\"" + held.get(0) + "\"]}").body());
    assertThat(stillBad.at("/results/0/outcome").asText()).isEqualTo("invalid");
    assertThat(stillBad.at("/results/0/errors/0/pointer").asText()).isEqualTo("/payload/amount");

    // One dropped with a reason: gone from the list, never released.
    JsonNode dropped = TestEvents.parse(post("/quarantine/drop", "{\"ids\":[\"" + held.get(6) + "\"],\"reason\":\"test data\"}").body());
    assertThat(dropped.get("dropped").asInt()).isEqualTo(1);
    assertThat(post("/quarantine/drop", "{\"ids\":[\"" + held.get(5) + "\"]}").statusCode()).as("a reason is required").isEqualTo(400);

    // A schema that accepts them (and the stored history), then the release.
    assertThat(register("order-paid", "quarantine", SCHEMA.replace("\"type\":\"number\"", "\"type\":[\"number\",\"string\"]"))
        .statusCode()).isEqualTo(201);
    String all = String.join("\",\"", held);
    JsonNode released = TestEvents.parse(post("/quarantine/release", "{\"ids\":[\"" + all + "\"]}").body());
    assertThat(released.get("results").findValuesAsText("outcome"))
        .containsExactly("created", "created", "created", "created", "created", "created", "not_found");
    JsonNode again = TestEvents.parse(post("/quarantine/release", "{\"ids\":[\"" + all + "\"]}").body());
    assertThat(again.get("results").findValuesAsText("outcome")).containsOnly("not_found");

    Await.until("the feed holds the 7 stored events", () -> feedIds().size() == 7);
    List<String> feed = feedIds();
    assertThat(feed).doesNotHaveDuplicates().containsAll(held.subList(0, 6)).doesNotContain(held.get(6)).contains(good);
    JsonNode stored = TestEvents.parse(hub.get("/events/" + held.get(3)).body());
    assertThat(stored.at("/meta/created_at").asText()).startsWith("2026-01-01T12:00:00");
    assertThat(stored.at("/payload/amount").asText()).isEqualTo("twelve");
    assertThat(hub.get("/events/" + held.get(6)).statusCode()).isEqualTo(404);
    assertThat(hub.get("/quarantine").body()).contains("\"events\":[]");
    assertThat(hub.metric("annals_hub_quarantine_held")).isZero();
  }

  private List<String> feedIds() {
    JsonNode page = TestEvents.parse(hub.get("/feed?limit=1000").body());
    return page.get("events").findValuesAsText("id");
  }

  @Test
  void quarantine_bodies_that_cannot_be_used_are_refused_naming_the_member() {
    HttpResponse<String> noIds = post("/quarantine/release", "{\"id\":[]}");
    assertThat(noIds.statusCode()).isEqualTo(400);
    assertThat(pointers(TestEvents.parse(noIds.body()))).containsExactlyInAnyOrder("/ids", "/id");
    assertThat(post("/quarantine/release", "[1]").statusCode()).isEqualTo(400);
    assertThat(post("/quarantine/release", "{\"ids\":[1]}").statusCode()).isEqualTo(400);
    assertThat(hub.get("/quarantine?limit=0").statusCode()).isEqualTo(400);
    assertThat(hub.get("/quarantine?limit=x").statusCode()).isEqualTo(400);
  }
}
