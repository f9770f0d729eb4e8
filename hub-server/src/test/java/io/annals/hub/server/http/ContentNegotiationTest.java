package io.annals.hub.server.http;

import static io.annals.hub.server.TestEvents.newId;
import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.TestEvents;
import io.annals.hub.server.TestHub;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 9110 §12.5.1 negotiation on every read route that has more than one form: a table of
 * {@code Accept} headers (orders, q-values, wildcards, {@code q=0}, malformed ranges) with the media
 * type expected for one event ({@code GET /events/{id}}) and for a list ({@code GET /events},
 * {@code GET /aggregates/{aggregate_id}/events}, {@code GET /feed}), against a real hub.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContentNegotiationTest {

  static final String JSON = "application/json";
  static final String CE = "application/cloudevents+json";
  static final String BATCH = "application/cloudevents-batch+json";
  static final String NONE = "406";
  static final String ABSENT = null;

  @TempDir static Path dir;
  TestHub hub;
  String eventPath;

  @BeforeAll
  void start_hub_with_one_event() {
    hub = TestHub.sqlite(dir);
    String id = newId();
    assertThat(hub.postJson(TestEvents.json(id)).statusCode()).isEqualTo(201);
    eventPath = "/events/" + id;
  }

  @AfterAll
  void stop_hub() {
    hub.close();
  }

  /** Accept header, expected type for one event, expected type for a list. */
  static List<Arguments> table() {
    return List.of(
        Arguments.of(ABSENT, JSON, JSON),
        Arguments.of("*/*", JSON, JSON),
        Arguments.of("application/*", JSON, JSON),
        Arguments.of("application/json", JSON, JSON),
        Arguments.of("APPLICATION/JSON", JSON, JSON),
        Arguments.of(CE, CE, BATCH),
        Arguments.of(BATCH, NONE, BATCH),
        // What the generated Java client sends: equal weights, so the client's order decides.
        Arguments.of("application/json, application/cloudevents+json, application/problem+json", JSON, JSON),
        Arguments.of("application/cloudevents+json, application/json", CE, BATCH),
        Arguments.of("application/json;q=1, application/cloudevents+json;q=0.5", JSON, JSON),
        Arguments.of("application/cloudevents-batch+json;q=0.2, application/json;q=0.9", JSON, JSON),
        Arguments.of("application/json;q=0.5, application/cloudevents+json;q=0.8, "
            + "application/cloudevents-batch+json;q=0.9", CE, BATCH),
        Arguments.of("application/cloudevents+json;q=0.5, application/json;q=0.5", CE, BATCH),
        Arguments.of("application/json ; q=0.5 , application/cloudevents+json ; q=0.5", JSON, JSON),
        Arguments.of("application/*;q=0.5, application/cloudevents+json", CE, BATCH),
        // q=0 refuses a type even where a wildcard would take it.
        Arguments.of("*/*;q=0.1, application/json;q=0", CE, BATCH),
        Arguments.of("application/cloudevents+json;q=0, */*", JSON, JSON),
        Arguments.of("text/*, application/cloudevents-batch+json;q=0.3", NONE, BATCH),
        Arguments.of("application/json;q=0", NONE, NONE),
        Arguments.of("text/html", NONE, NONE),
        Arguments.of("application/problem+json", NONE, NONE),
        // A range whose q is not a qvalue is ignored, as if it were not there.
        Arguments.of("application/json;q=2, application/cloudevents+json", CE, BATCH),
        // Parameters other than q do not stop a range from naming its type.
        Arguments.of("application/json;charset=utf-8;q=0.4, application/cloudevents+json;q=0.3", JSON, JSON));
  }

  @ParameterizedTest(name = "[{index}] Accept: {0}")
  @MethodSource("table")
  void every_read_route_answers_the_media_type_the_accept_header_prefers(String accept, String one, String list) {
    List<String> wrong = new ArrayList<>();
    check(eventPath, accept, one, wrong);
    check("/events?type=payment-completed&limit=10", accept, list, wrong);
    check("/aggregates/payment%2F23/events", accept, list, wrong);
    check("/feed?limit=10", accept, list, wrong);
    assertThat(wrong).as("Accept: " + accept).isEmpty();
  }

  @Test
  void a_406_is_a_problem_naming_the_media_types_the_route_has() {
    HttpResponse<String> answer = get("/feed", "text/html");
    assertThat(answer.statusCode()).isEqualTo(406);
    assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(Problem.CONTENT_TYPE));
    assertThat(answer.body()).contains("urn:annals:problem:not-acceptable").contains(BATCH).contains(JSON);
    assertThat(answer.headers().allValues("Vary")).contains("Accept");
  }

  @Test
  void several_accept_field_lines_are_one_list() {
    HttpResponse<String> answer = hub.send(HttpRequest.newBuilder(hub.uri(eventPath)).timeout(Duration.ofSeconds(30))
        .header("Accept", "application/json;q=0.1").header("Accept", "application/cloudevents+json").GET().build());
    assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(CE));
  }

  private void check(String path, String accept, String expected, List<String> wrong) {
    HttpResponse<String> answer = get(path, accept);
    String got = answer.statusCode() == 406 ? NONE
        : answer.statusCode() + " " + answer.headers().firstValue("Content-Type").orElse("(none)").replaceAll(";.*", "");
    String want = expected.equals(NONE) ? NONE : "200 " + expected;
    if (!got.equals(want)) {
      wrong.add(path + ": expected " + want + ", got " + got + " " + answer.body());
    }
    if (!answer.headers().allValues("Vary").contains("Accept")) {
      wrong.add(path + ": no Vary: Accept on the " + got + " answer");
    }
  }

  private HttpResponse<String> get(String path, String accept) {
    HttpRequest.Builder request = HttpRequest.newBuilder(hub.uri(path)).timeout(Duration.ofSeconds(30)).GET();
    if (accept != null) {
      request.header("Accept", accept);
    }
    return hub.send(request.build());
  }
}
