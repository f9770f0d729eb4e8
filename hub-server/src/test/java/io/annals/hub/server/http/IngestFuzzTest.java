package io.annals.hub.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.TestApiKeys;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.TestHub;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes {@code POST /events} of a real hub with a keys file and small limits (64 KiB bodies, 20
 * events, 8 KiB events, nesting 16, strings of 4,096 characters): generated and mutated bodies
 * ({@link FuzzBodies}), any content type, any {@code Authorization}, stray headers, fixed-length
 * and chunked. Whatever comes, the hub never answers 5xx, a caller without a writing key is refused
 * whole, and the store grows by exactly the number of events answered {@code created}: nothing is
 * stored for a request or an event that was refused.
 */
class IngestFuzzTest {

  private static final Set<Integer> STATUSES = Set.of(200, 201, 400, 401, 403, 409, 413, 415);
  private static final List<Map.Entry<String, String>> STRAY_HEADERS = List.of(
      Map.entry("X-Forwarded-For", "10.0.0.1"),
      Map.entry("Content-Encoding", "gzip"),
      Map.entry("Accept", "text/html"),
      Map.entry("Accept-Charset", "iso-8859-1"),
      Map.entry("ce-specversion", "1.0"),
      Map.entry("ce-id", FuzzBodies.ID_POOL.get(0)),
      Map.entry("ce-source", "billing"),
      Map.entry("ce-type", "payment-completed"),
      Map.entry("ce-time", "2026-01-01T12:00:00Z"),
      Map.entry("ce-subject", "payment/1"),
      Map.entry("X-Api-Key", TestApiKeys.ADMIN),
      Map.entry("Cookie", "session=" + TestApiKeys.ADMIN));

  private static Path dir;
  private static TestHub hub;

  @BeforeContainer
  static void start_hub_with_keys_and_small_limits() throws IOException {
    dir = Files.createTempDirectory("annals-fuzz");
    Path keys = TestApiKeys.write(Files.createDirectories(dir.resolve("keys")));
    hub = TestHub.configured(Files.createDirectories(dir.resolve("data")), Map.of(
        "HUB_API_KEYS_FILE", keys.toString(),
        "HUB_MAX_BODY_BYTES", "64KiB",
        "HUB_MAX_BATCH_EVENTS", "20",
        "HUB_MAX_EVENT_BYTES", "8KiB",
        "HUB_MAX_JSON_DEPTH", "16",
        "HUB_MAX_STRING_LENGTH", "4096",
        "HUB_RATE_LIMIT", "1000000"));
  }

  @AfterContainer
  static void stop_hub() throws IOException {
    if (hub != null) {
      hub.close();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Who calls, and what they send as {@code Authorization}. */
  record Caller(String name, String authorization, boolean mayWrite, int refusedWith) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** One fuzzed request. */
  record Fuzzed(Caller caller, String contentType, List<Map.Entry<String, String>> headers, boolean chunked,
      FuzzBodies.Body body) {

    HttpRequest toHttp(URI uri) {
      HttpRequest.BodyPublisher publisher = chunked
          ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body.bytes()))
          : HttpRequest.BodyPublishers.ofByteArray(body.bytes());
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).POST(publisher);
      if (!contentType.isEmpty()) {
        request.header("Content-Type", contentType);
      }
      if (caller.authorization() != null) {
        request.header("Authorization", caller.authorization());
      }
      headers.forEach(h -> request.header(h.getKey(), h.getValue()));
      return request.build();
    }
  }

  @Property(tries = 300)
  void no_request_gets_a_5xx_and_the_store_grows_by_exactly_the_events_answered_created(@ForAll("requests") Fuzzed fuzzed) {
    int before = hub.sqliteRowCount();

    HttpResponse<String> answer = hub.send(fuzzed.toHttp(hub.uri("/events")));

    int added = hub.sqliteRowCount() - before;
    Statistics.label("status").collect(answer.statusCode());
    Statistics.label("body").collect(fuzzed.body().kind());
    Statistics.label("events created").collect(added == 0 ? "none" : added == 1 ? "one" : "several");
    assertThat(answer.statusCode()).as("status; answer %s", answer.body()).isIn(STATUSES);
    assertThat(added).as("events stored vs. answered created; answer %s", answer.body()).isEqualTo(created(answer));
    if (!fuzzed.caller().mayWrite()) {
      assertThat(answer.statusCode()).as("a caller that may not write is refused before its body").isEqualTo(
          fuzzed.caller().refusedWith());
    }
    if (answer.statusCode() == 201) {
      String id = TestEvents.parse(answer.body()).get("id").asText();
      assertThat(answer.headers().firstValue("Location")).hasValue("/events/" + id);
    }
  }

  /** How many events the answer says were created. */
  private static int created(HttpResponse<String> answer) {
    if (answer.statusCode() == 201) {
      return 1;
    }
    if (answer.statusCode() != 200) {
      return 0;
    }
    JsonNode body = TestEvents.parse(answer.body());
    int created = 0;
    for (JsonNode result : body.path("results")) {
      created += result.path("outcome").asText().equals("created") ? 1 : 0;
    }
    return created;
  }

  @Provide
  Arbitrary<Fuzzed> requests() {
    Arbitrary<Caller> callers = Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.just(new Caller("producer", TestApiKeys.bearer(TestApiKeys.PRODUCER), true, 0))),
        Tuple.of(3, Arbitraries.just(new Caller("admin", TestApiKeys.bearer(TestApiKeys.ADMIN), true, 0))),
        Tuple.of(1, Arbitraries.just(new Caller("reader", TestApiKeys.bearer(TestApiKeys.READER), false, 403))),
        Tuple.of(1, Arbitraries.just(new Caller("wrong key", TestApiKeys.bearer(TestApiKeys.WRONG), false, 401))),
        Tuple.of(1, Arbitraries.just(new Caller("no key", null, false, 401))),
        Tuple.of(1, Arbitraries.strings().withCharRange('!', '~').ofMaxLength(60)
            .map(s -> new Caller("garbage", (s.hashCode() % 2 == 0 ? "Bearer " : "Basic ") + s, false, 401))));
    Arbitrary<String> contentTypes = Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.just("application/json")),
        Tuple.of(4, Arbitraries.just("application/x-ndjson")),
        Tuple.of(1, Arbitraries.of("application/json; charset=utf-8", "application/json; charset=ISO-8859-1",
            "APPLICATION/JSON", "application/json;;;", "text/plain", "*/*", "", "application/cloudevents+json",
            "application/cloudevents-batch+json", "multipart/form-data; boundary=x", "application/x-ndjson; charset=\"UTF-8\"")));
    Arbitrary<List<Map.Entry<String, String>>> headers = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(List.<Map.Entry<String, String>>of())),
        Tuple.of(1, Arbitraries.of(STRAY_HEADERS).list().uniqueElements().ofMaxSize(4)));
    Arbitrary<Boolean> chunked = Arbitraries.of(false, false, true);
    Arbitrary<FuzzBodies.Body> bodies = Arbitraries.randomValue((Random random) -> FuzzBodies.any(random));
    return Combinators.combine(callers, contentTypes, headers, chunked, bodies).as(Fuzzed::new);
  }
}
