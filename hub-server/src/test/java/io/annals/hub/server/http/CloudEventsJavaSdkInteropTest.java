package io.annals.hub.server.http;

import static io.annals.hub.server.TestEvents.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.Await;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
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
import org.junit.jupiter.api.Test;

/**
 * Issue 23, "Must show" 1 for the official CloudEvents Java SDK: events as real producers send them
 * (ids that are not UUIDs, no {@code time} or {@code subject}, a W3C {@code traceparent}, binary
 * and textual data that is not JSON) go in through every mode the SDK writes (structured with its
 * two data encodings, binary, batch), and each comes back, read by the SDK's own parsers from the
 * single-event, list and feed answers, equal to what was sent; sent again, it is a duplicate.
 */
class CloudEventsJavaSdkInteropTest extends SqliteHubPerTest {

  static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  /** Not UTF-8, not JSON: what a protobuf body looks like to the hub. */
  static final byte[] PROTOBUF = {0x0a, 0x03, 'a', 'b', 'c', 0x10, (byte) 0x96, 0x01, (byte) 0xff, 0x00};


  /** The events a producer that never heard of Annals sends; {@code tag} keeps their ids apart between modes. */
  static List<CloudEvent> producerEvents(String tag) {
    return List.of(
        // The CloudEvents spec's own example shape: id not a UUID, no time, no subject, XML data.
        CloudEventBuilder.v1().withId("A234-1234-1234-" + tag).withSource(URI.create("https://github.com/cloudevents/spec/pull"))
            .withType("com.github.pull_request.opened")
            .withData("text/xml", "<much wow=\"xml\"/>".getBytes(StandardCharsets.UTF_8)).build(),
        // A retry counter as id, trace context, JSON data, no time and no subject.
        CloudEventBuilder.v1().withId("1-" + tag).withSource(URI.create("/orders"))
            .withType("order.placed").withExtension("traceparent", TRACEPARENT)
            .withExtension("tracestate", "congo=t61rcWkgMzE").withExtension("partitionkey", "order-7")
            .withData("application/json", "{\"amount\":\"3.0000\",\"n\":3.0000}".getBytes(StandardCharsets.UTF_8)).build(),
        // Bytes that are neither text nor JSON, with a dataschema and a time with an offset.
        CloudEventBuilder.v1().withId("blob-" + tag).withSource(URI.create("urn:sensor:7"))
            .withType("reading").withSubject("sensor/7").withTime(OffsetDateTime.parse("2026-01-01T12:00:00.123456Z"))
            .withDataSchema(URI.create("https://example.com/schemas/reading.proto"))
            .withData("application/protobuf", PROTOBUF).build(),
        // No data at all.
        CloudEventBuilder.v1().withId("ping-" + tag).withSource(URI.create("heartbeat")).withType("ping").build());
  }

  @Test
  void structured_mode_events_come_back_equal_from_single_list_and_feed_reads_and_resending_is_duplicate() {
    // The SDK's two JSON encodings of data that is not JSON: data_base64 (default), or a string.
    for (boolean asString : List.of(false, true)) {
      EventFormat format = asString ? new JsonFormat().withForceNonJsonDataToString() : new JsonFormat();
      List<CloudEvent> sent = new ArrayList<>(producerEvents(asString ? "t" : "s"));
      if (asString) {
        // As a JSON string the SDK writes the protobuf bytes unescaped: not UTF-8, so not JSON, and refused as such.
        sent.remove(2);
      }
      List<String> ids = new ArrayList<>();
      for (CloudEvent event : sent) {
        HttpResponse<String> answer = send(w -> HttpMessageFactory.createWriter(w.headers::put, w::body).writeStructured(event, format));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        ids.add(parse(answer.body()).get("id").asText());
        HttpResponse<String> again = send(w -> HttpMessageFactory.createWriter(w.headers::put, w::body).writeStructured(event, format));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
      }
      assertReadBackEqual(sent, ids);
    }
  }

  @Test
  void binary_mode_events_come_back_equal_from_single_list_and_feed_reads_and_resending_is_duplicate() {
    List<CloudEvent> sent = producerEvents("b");
    List<String> ids = new ArrayList<>();
    for (CloudEvent event : sent) {
      HttpResponse<String> answer = send(w -> HttpMessageFactory.createWriter(w.headers::put, w::body).writeBinary(event));
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
      ids.add(parse(answer.body()).get("id").asText());
      assertThat(send(w -> HttpMessageFactory.createWriter(w.headers::put, w::body).writeBinary(event)).statusCode()).isEqualTo(200);
    }
    assertReadBackEqual(sent, ids);
  }

  @Test
  void batch_mode_events_come_back_equal_from_single_list_and_feed_reads_and_resending_is_duplicate() throws Exception {
    List<CloudEvent> sent = producerEvents("x");

    HttpResponse<String> answer = hub.post(CloudEventsApiTest.BATCH, CloudEventsApiTest.SDK_JSON.writeValueAsBytes(sent));
    HttpResponse<String> again = hub.post(CloudEventsApiTest.BATCH, CloudEventsApiTest.SDK_JSON.writeValueAsBytes(sent));

    JsonNode results = parse(answer.body()).get("results");
    assertThat(results.findValuesAsText("outcome")).as(answer.body()).containsOnly("created").hasSize(sent.size());
    assertThat(parse(again.body()).get("results").findValuesAsText("outcome")).containsOnly("duplicate").hasSize(sent.size());
    assertReadBackEqual(sent, results.findValuesAsText("id"));
  }

  @Test
  void the_same_event_in_binary_and_in_structured_mode_is_one_event() {
    for (CloudEvent event : producerEvents("c")) {
      HttpResponse<String> first = send(w -> HttpMessageFactory.createWriter(w.headers::put, w::body).writeBinary(event));
      HttpResponse<String> second = send(w -> HttpMessageFactory.createWriter(w.headers::put, w::body)
          .writeStructured(event, new JsonFormat()));

      assertThat(first.statusCode()).isEqualTo(201);
      assertThat(second.statusCode()).as(event.getId() + ": " + second.body()).isEqualTo(200);
    }
    assertThat(hub.storedCount()).isEqualTo(4);
  }

  @Test
  void a_non_uuid_id_becomes_the_documented_uuidv5_of_source_and_id() {
    CloudEvent event = producerEvents("v").get(1);

    HttpResponse<String> answer = send(w -> HttpMessageFactory.createWriter(w.headers::put, w::body).writeBinary(event));

    JsonNode stored = parse(answer.body());
    // Computed outside Java, as docs/decisions.md tells anyone to:
    // python3 -c "import uuid; print(uuid.uuid5(uuid.UUID('9c3eaa74-ba8d-4a3a-a21b-6e49a070125d'), '/orders\x001-v'))"
    assertThat(stored.get("id").asText()).isEqualTo("c898e688-e613-51d6-9d0a-f2cc0ec70444");
    assertThat(stored.at("/meta/extensions/ce_id").asText()).isEqualTo(event.getId());
    assertThat(stored.at("/meta/extensions/ce_absent").asText()).isEqualTo("time subject");
    assertThat(stored.at("/meta/aggregate_id").asText()).isEqualTo("/orders");
    assertThat(stored.at("/meta/extensions/traceparent").asText()).isEqualTo(TRACEPARENT);
  }

  /** Each event read back three ways (GET /events/{id}, GET /events?service=, GET /feed) as the SDK parses them. */
  void assertReadBackEqual(List<CloudEvent> sent, List<String> ids) {
    for (int i = 0; i < sent.size(); i++) {
      CloudEvent s = sent.get(i);
      CloudEvent single = CloudEventsApiTest.readWithSdk(getAs("/events/" + ids.get(i), CloudEventsApiTest.STRUCTURED));
      assertEqualToSent(single, s);
      CloudEvent listed = readBatch(getAs("/events?service=" + java.net.URLEncoder.encode(s.getSource().toString(),
          StandardCharsets.UTF_8), CloudEventsApiTest.BATCH)).stream()
          .filter(e -> e.getId().equals(s.getId())).findFirst().orElseThrow();
      assertEqualToSent(listed, s);
    }
    Await.until("the feed shows the events", () -> parse(hub.get("/feed?limit=1000").body()).get("events").size() >= hub.storedCount());
    List<CloudEvent> feed = readBatch(getAs("/feed?limit=1000", CloudEventsApiTest.BATCH));
    for (CloudEvent s : sent) {
      assertEqualToSent(feed.stream().filter(e -> e.getId().equals(s.getId())).findFirst().orElseThrow(), s);
    }
  }

  /** Equal as the SDK compares events, once the hub's own extension {@code receivedat} is taken off. */
  static void assertEqualToSent(CloudEvent read, CloudEvent sent) {
    assertThat(read.getExtension("receivedat")).isNotNull();
    CloudEvent withoutHubExtension = CloudEventBuilder.v1(read).withoutExtension("receivedat").build();
    if (sent.getData() != null && isJson(sent.getDataContentType())) {
      // JSON data: the SDK parses it into a tree when reading, so compare the trees, then the rest.
      assertThat(parse(new String(read.getData().toBytes(), StandardCharsets.UTF_8)))
          .isEqualTo(parse(new String(sent.getData().toBytes(), StandardCharsets.UTF_8)));
      assertThat(CloudEventBuilder.v1(withoutHubExtension).withoutData().build())
          .isEqualTo(CloudEventBuilder.v1(sent).withoutData().build());
      return;
    }
    assertThat(withoutHubExtension).isEqualTo(sent);
  }

  static boolean isJson(String contentType) {
    return contentType == null || contentType.startsWith("application/json") || contentType.contains("+json");
  }

  static List<CloudEvent> readBatch(HttpResponse<byte[]> answer) {
    try {
      return CloudEventsApiTest.SDK_JSON.readValue(answer.body(), new TypeReference<>() {});
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }



  HttpResponse<String> send(java.util.function.Consumer<CloudEventsApiTest.Written> write) {
    CloudEventsApiTest.Written w = new CloudEventsApiTest.Written();
    write.accept(w);
    HttpRequest.Builder request = HttpRequest.newBuilder(hub.uri("/events")).timeout(Duration.ofSeconds(30))
        .POST(w.body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(w.body));
    w.headers.forEach(request::header);
    return hub.send(request.build());
  }
}
