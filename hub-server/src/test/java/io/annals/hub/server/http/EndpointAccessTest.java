package io.annals.hub.server.http;

import static io.annals.hub.server.TestApiKeys.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.Hub;
import io.annals.hub.server.TestApiKeys;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.TestHub;
import io.annals.hub.server.auth.Operation;
import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint against every kind of caller, on a real hub with a keys file: the access table of
 * docs/decisions.md ("Roles per endpoint"), written out status by status rather than derived from
 * the code under test.
 */
class EndpointAccessTest {

  /** Who calls. */
  enum Caller {
    NO_KEY(null), WRONG_KEY(TestApiKeys.WRONG), PRODUCER(TestApiKeys.PRODUCER), READER(TestApiKeys.READER),
    ADMIN(TestApiKeys.ADMIN);

    final String key;

    Caller(String key) {
      this.key = key;
    }
  }

  /**
   * The expected status of each endpoint for each caller, in {@link Caller} order: no key, wrong
   * key, producer, reader, admin.
   */
  private static final Map<Operation, List<Integer>> TABLE = Map.ofEntries(
      Map.entry(Operation.INGEST, List.of(401, 401, 201, 403, 201)),
      Map.entry(Operation.INGEST_BATCH, List.of(401, 401, 200, 403, 200)),
      Map.entry(Operation.GET_EVENT, List.of(401, 401, 403, 200, 200)),
      Map.entry(Operation.QUERY_EVENTS, List.of(401, 401, 403, 200, 200)),
      Map.entry(Operation.AGGREGATE_HISTORY, List.of(401, 401, 403, 200, 200)),
      Map.entry(Operation.FEED, List.of(401, 401, 403, 200, 200)),
      // A stream that is allowed never ends: asked with a bad limit, it shows the role check passed (400).
      Map.entry(Operation.FEED_STREAM, List.of(401, 401, 403, 400, 400)),
      Map.entry(Operation.FEED_LAG, List.of(401, 401, 403, 200, 200)),
      Map.entry(Operation.METRICS, List.of(401, 401, 403, 200, 200)),
      Map.entry(Operation.HEALTH_LIVE, List.of(200, 200, 200, 200, 200)),
      Map.entry(Operation.HEALTH_READY, List.of(200, 200, 200, 200, 200)),
      Map.entry(Operation.OPENAPI, List.of(200, 200, 200, 200, 200)),
      Map.entry(Operation.LEDGER_DIGEST, List.of(401, 401, 403, 200, 200)),
      Map.entry(Operation.LEDGER_KEY, List.of(401, 401, 403, 200, 200)),
      // Without their required parameters: the role is decided before the parameters are read.
      Map.entry(Operation.LEDGER_INCLUSION, List.of(401, 401, 403, 400, 400)),
      Map.entry(Operation.LEDGER_CONSISTENCY, List.of(401, 401, 403, 400, 400)),
      // Admins only; the request names nothing, so an admin gets 400: the role is decided first.
      Map.entry(Operation.ERASE, List.of(401, 401, 403, 403, 400)),
      Map.entry(Operation.LIST_ERASURES, List.of(401, 401, 403, 403, 200)),
      Map.entry(Operation.GET_ERASURE, List.of(401, 401, 403, 403, 404)),
      Map.entry(Operation.SCHEMA_REGISTER, List.of(401, 401, 403, 403, 201)),
      Map.entry(Operation.SCHEMAS, List.of(401, 401, 403, 200, 200)),
      Map.entry(Operation.SCHEMA_VERSIONS, List.of(401, 401, 403, 200, 200)),
      Map.entry(Operation.SCHEMA_VERSION, List.of(401, 401, 403, 200, 200)),
      Map.entry(Operation.QUARANTINE, List.of(401, 401, 403, 403, 200)),
      Map.entry(Operation.QUARANTINE_RELEASE, List.of(401, 401, 403, 403, 200)),
      Map.entry(Operation.QUARANTINE_DROP, List.of(401, 401, 403, 403, 200)),
      Map.entry(Operation.CATALOG, List.of(401, 401, 403, 200, 200)),
      Map.entry(Operation.LEDGER_LEAVES, List.of(401, 401, 403, 200, 200)),
      // The console's page and files are static and hold no data; the page reads with the key it is given.
      Map.entry(Operation.CONSOLE, List.of(200, 200, 200, 200, 200)),
      Map.entry(Operation.CONSOLE_FILE, List.of(200, 200, 200, 200, 200)),
      Map.entry(Operation.DOCS, List.of(200, 200, 200, 200, 200)),
      Map.entry(Operation.DOCS_FILE, List.of(200, 200, 200, 200, 200)));

  @TempDir static Path dir;
  static TestHub hub;
  static String storedId;

  @BeforeAll
  static void start_hub_with_keys_and_one_stored_event() throws Exception {
    Path keys = TestApiKeys.write(Files.createDirectories(dir.resolve("keys")));
    hub = TestHub.configured(Files.createDirectories(dir.resolve("data")), Map.of("HUB_API_KEYS_FILE", keys.toString()));
    storedId = TestEvents.newId();
    HttpResponse<String> created = hub.send(post("/events", TestEvents.json(storedId), TestApiKeys.ADMIN));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    HttpResponse<String> schema = hub.send(request(Operation.SCHEMA_REGISTER, TestApiKeys.ADMIN));
    assertThat(schema.statusCode()).as(schema.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop_hub() {
    hub.close();
  }

  static Stream<Arguments> every_endpoint_for_every_caller() {
    List<Arguments> rows = new ArrayList<>();
    for (Operation operation : Operation.values()) {
      for (Caller caller : Caller.values()) {
        rows.add(Arguments.of(operation, caller, TABLE.get(operation).get(caller.ordinal())));
      }
    }
    return rows.stream();
  }

  @Test
  void the_table_has_a_row_for_every_operation() {
    assertThat(TABLE.keySet()).containsExactlyInAnyOrderElementsOf(EnumSet.allOf(Operation.class));
  }

  @ParameterizedTest(name = "{0} by {1} answers {2}")
  @MethodSource("every_endpoint_for_every_caller")
  void each_endpoint_answers_each_caller_as_the_table_says(Operation operation, Caller caller, int expected) {
    HttpResponse<String> answer = hub.send(request(operation, caller.key));

    assertThat(answer.statusCode()).as("%s by %s: %s", operation, caller, answer.body()).isEqualTo(expected);
    if (expected == 401) {
      assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"annals\"");
    }
    if (expected == 401 || expected == 403) {
      assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
          type -> assertThat(type).startsWith("application/problem+json"));
      assertThat(TestEvents.parse(answer.body()).get("status").asInt()).isEqualTo(expected);
      assertThat(answer.body()).doesNotContain(TestApiKeys.WRONG).doesNotContain(TestApiKeys.PRODUCER)
          .doesNotContain(TestApiKeys.READER);
    }
  }

  @Test
  void a_wrong_key_a_malformed_header_and_another_scheme_all_answer_401_like_no_key() {
    for (String header : List.of(bearer(TestApiKeys.WRONG), "Bearer", "Bearer  ", TestApiKeys.READER,
        "Basic " + TestApiKeys.READER, "Bearer " + TestApiKeys.READER + "x", "Bearer " + TestApiKeys.READER + " extra")) {
      HttpResponse<String> answer = hub.send(HttpRequest.newBuilder(hub.uri("/metrics"))
          .header("Authorization", header).GET().build());

      assertThat(answer.statusCode()).as(header).isEqualTo(401);
    }
  }

  @Test
  void the_bearer_scheme_is_case_insensitive() {
    HttpResponse<String> answer = hub.send(HttpRequest.newBuilder(hub.uri("/metrics"))
        .header("Authorization", "bEaReR " + TestApiKeys.READER).GET().build());

    assertThat(answer.statusCode()).isEqualTo(200);
  }

  @Test
  void refused_requests_are_counted_by_reason() {
    double before = unauthenticatedCount();

    hub.send(HttpRequest.newBuilder(hub.uri("/metrics")).GET().build());
    hub.send(HttpRequest.newBuilder(hub.uri("/events/" + storedId)).header("Authorization", bearer(TestApiKeys.WRONG)).GET().build());

    assertThat(unauthenticatedCount()).isEqualTo(before + 2);
  }

  private static double unauthenticatedCount() {
    return hub.send(HttpRequest.newBuilder(hub.uri("/metrics")).header("Authorization", bearer(TestApiKeys.ADMIN))
            .GET().build()).body().lines()
        .filter(l -> l.startsWith("annals_hub_auth_denied_total{reason=\"unauthenticated\"}"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Nested
  class Routes_without_an_operation {

    @Test
    void are_refused_to_every_caller_and_their_handler_never_runs(@TempDir Path data) throws Exception {
      AtomicBoolean ran = new AtomicBoolean();
      List<Routes> routes = List.of(app -> {
        app.get("/untagged", ctx -> ran.set(true));
        app.get("/twice", ctx -> ran.set(true), Operation.METRICS, Operation.HEALTH_LIVE);
      });
      Path keys = TestApiKeys.write(Files.createDirectories(data.resolve("keys")));
      HubConfig config = HubConfig.load(Map.of("HUB_PORT", "0", "HUB_API_KEYS_FILE", keys.toString()), new String[0]);
      try (Hub tagged = Hub.builder(config, Store.of(SqliteEventStore.open(data))).routes(routes).start()) {
        for (String path : List.of("/untagged", "/twice")) {
          for (String key : Arrays.asList(null, TestApiKeys.ADMIN, TestApiKeys.READER)) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tagged.port() + path));
            if (key != null) {
              request.header("Authorization", bearer(key));
            }
            HttpResponse<String> answer = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).as(path + " " + answer.body()).isEqualTo(403);
          }
        }
      }
      assertThat(ran).isFalse();
    }
  }

  @Nested
  class Without_a_keys_file {

    @Test
    void every_endpoint_is_open_to_callers_without_a_key(@TempDir Path data) {
      try (TestHub open = TestHub.sqlite(data)) {
        assertThat(open.postJson(TestEvents.json(TestEvents.newId())).statusCode()).isEqualTo(201);
        assertThat(open.get("/metrics").statusCode()).isEqualTo(200);
        assertThat(open.get("/health/ready").statusCode()).isEqualTo(200);
      }
    }
  }

  /** A request that the caller's role makes succeed: real parameters, a new event for each POST. */
  private static HttpRequest request(Operation operation, String key) {
    if (operation == Operation.INGEST) {
      return post("/events", TestEvents.node(TestEvents.newId()).toString(), key);
    }
    if (operation == Operation.INGEST_BATCH) {
      return post("/events/batch", "[" + TestEvents.node(TestEvents.newId()) + "]", key);
    }
    if (operation == Operation.ERASE) {
      HttpRequest.Builder erase = HttpRequest.newBuilder(hub.uri("/erasures")).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"r\"}"));
      if (key != null) {
        erase.header("Authorization", bearer(key));
      }
      return erase.build();
    }
    String body = switch (operation) {
      case SCHEMA_REGISTER -> "{\"schema\":{\"type\":\"object\"},\"mode\":\"enforce\"}";
      case QUARANTINE_RELEASE -> "{\"ids\":[\"" + storedId + "\"]}";
      case QUARANTINE_DROP -> "{\"ids\":[\"" + storedId + "\"],\"reason\":\"access test\"}";
      default -> null;
    };
    if (body != null) {
      HttpRequest.Builder write = HttpRequest.newBuilder(hub.uri(operation == Operation.SCHEMA_REGISTER
          ? "/schemas/billing/access-test" : operation.path())).timeout(Duration.ofSeconds(30))
          .method(operation.method(), HttpRequest.BodyPublishers.ofString(body));
      if (key != null) {
        write.header("Authorization", bearer(key));
      }
      return write.build();
    }
    String path = switch (operation) {
      case GET_EVENT -> "/events/" + storedId;
      case QUERY_EVENTS -> "/events?service=billing&limit=10";
      case AGGREGATE_HISTORY -> "/aggregates/order-7/events";
      case FEED -> "/feed?limit=10";
      case FEED_LAG -> "/feed/lag";
      case GET_ERASURE -> "/erasures/no-such-erasure";
      case SCHEMA_VERSIONS -> "/schemas/billing/access-test";
      case SCHEMA_VERSION -> "/schemas/billing/access-test/1";
      case FEED_STREAM -> "/feed/stream?limit=0";
      case CONSOLE_FILE -> "/console/console.js";
      case DOCS_FILE -> "/docs/docs.js";
      default -> operation.path();
    };
    HttpRequest.Builder request = HttpRequest.newBuilder(hub.uri(path)).timeout(Duration.ofSeconds(30)).GET();
    if (key != null) {
      request.header("Authorization", bearer(key));
    }
    return request.build();
  }

  private static HttpRequest post(String path, String body, String key) {
    HttpRequest.Builder request = HttpRequest.newBuilder(hub.uri(path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Authorization", bearer(key));
    }
    return request.build();
  }
}
