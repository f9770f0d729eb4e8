package io.annals.hub.server.http;

import static io.annals.hub.server.TestEvents.newId;
import static io.annals.hub.server.TestEvents.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.TestEvents;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code meta.extensions} on native events and CloudEvents: kept, given back, bounded, errors naming the attribute. */
class MetaExtensionsApiTest extends SqliteHubPerTest {

  static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";


  ObjectNode nativeEvent(String id) {
    ObjectNode e = TestEvents.node(id);
    e.with("meta").putObject("extensions").put("traceparent", TRACEPARENT).put("partitionkey", "p-7");
    return e;
  }

  @Test
  void a_native_event_keeps_its_extensions_natively_and_as_cloudevent_attributes() throws Exception {
    String id = newId();

    HttpResponse<String> answer = hub.postJson(nativeEvent(id).toString());

    assertThat(answer.statusCode()).isEqualTo(201);
    assertThat(parse(hub.get("/events/" + id).body()).at("/meta/extensions/traceparent").asText()).isEqualTo(TRACEPARENT);
    JsonNode ce = parse(new String(getAs("/events/" + id, CloudEventsApiTest.STRUCTURED).body(), StandardCharsets.UTF_8));
    assertThat(ce.get("traceparent").asText()).isEqualTo(TRACEPARENT);
    assertThat(ce.get("partitionkey").asText()).isEqualTo("p-7");
    assertThat(ce.get("id").asText()).isEqualTo(id);
    assertThat(ce.get("datacontenttype").asText()).isEqualTo("application/json");
    // A long poll: the event is in the feed once it is below the stable point.
    assertThat(parse(hub.get("/feed?wait=10s").body()).at("/events/0/meta/extensions/partitionkey").asText()).isEqualTo("p-7");
  }

  @Test
  void the_same_native_event_with_other_extensions_is_a_conflict_and_with_the_same_a_duplicate() {
    String id = newId();
    hub.postJson(nativeEvent(id).toString());
    ObjectNode other = nativeEvent(id);
    other.with("meta").with("extensions").put("partitionkey", "p-8");

    assertThat(hub.postJson(nativeEvent(id).toString()).statusCode()).isEqualTo(200);
    assertThat(hub.postJson(other.toString()).statusCode()).isEqualTo(409);
    assertThat(hub.postJson(TestEvents.node(id).toString()).statusCode()).isEqualTo(409);
  }

  @Test
  void bad_native_extensions_are_400_naming_each_one_and_nothing_is_stored() {
    ObjectNode e = TestEvents.node(newId());
    ObjectNode ext = e.with("meta").putObject("extensions");
    ext.put("Trace-Parent", "x");
    ext.put("count", 5);
    ext.put("long", "x".repeat(4097));
    ext.put("ctl", "a\u0001b");
    ext.put("source", "billing");
    ext.put("ce_unknown", "x");

    HttpResponse<String> answer = hub.postJson(e.toString());

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(pointers(answer)).containsExactlyInAnyOrder("/meta/extensions/Trace-Parent", "/meta/extensions/count",
        "/meta/extensions/long", "/meta/extensions/ctl", "/meta/extensions/source", "/meta/extensions/ce_unknown");
    assertThat(hub.sqliteRowCount()).isZero();
  }

  @Test
  void more_than_32_extensions_are_400_naming_the_first_one_over_the_bound_natively_and_as_cloudevent() {
    ObjectNode e = TestEvents.node(newId());
    ObjectNode ext = e.with("meta").putObject("extensions");
    ObjectNode ce = TestEvents.JSON.createObjectNode().put("specversion", "1.0").put("id", "x-1").put("source", "s")
        .put("type", "t");
    for (int i = 1; i <= 33; i++) {
      ext.put("x" + i, "v");
      ce.put("x" + i, "v");
    }

    HttpResponse<String> nativeAnswer = hub.postJson(e.toString());
    HttpResponse<String> ceAnswer = hub.post(CloudEventsApiTest.STRUCTURED, ce.toString().getBytes(StandardCharsets.UTF_8));

    assertThat(nativeAnswer.statusCode()).isEqualTo(400);
    assertThat(pointers(nativeAnswer)).containsExactly("/meta/extensions/x33");
    assertThat(ceAnswer.statusCode()).isEqualTo(400);
    assertThat(pointers(ceAnswer)).containsExactly("/x33");
    assertThat(parse(ceAnswer.body()).at("/errors/0/detail").asText()).contains("at most 32");
    assertThat(hub.sqliteRowCount()).isZero();
  }

  @Test
  void a_cloudevent_read_natively_and_sent_back_natively_is_its_own_duplicate() {
    ObjectNode ce = TestEvents.JSON.createObjectNode().put("specversion", "1.0").put("id", "order-1").put("source", "shop")
        .put("type", "order.placed").put("datacontenttype", "text/plain").put("data", "hello");
    HttpResponse<String> first = hub.post(CloudEventsApiTest.STRUCTURED, ce.toString().getBytes(StandardCharsets.UTF_8));
    ObjectNode asRead = (ObjectNode) parse(first.body());
    asRead.with("meta").remove("received_at");

    HttpResponse<String> again = hub.postJson(asRead.toString());

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
  }

  static List<String> pointers(HttpResponse<String> answer) {
    return parse(answer.body()).get("errors").findValuesAsText("pointer");
  }
}
