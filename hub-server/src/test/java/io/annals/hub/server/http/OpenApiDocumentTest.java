package io.annals.hub.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.annals.hub.server.Await;
import io.annals.hub.server.TestApiKeys;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.TestHub;
import io.annals.hub.server.auth.Authorizer;
import io.annals.hub.server.auth.Operation;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.mongo.MongoEventStore;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document cannot drift from the code: every route the hub serves is documented and
 * every documented path is served; and real answers of every endpoint, success and error, from
 * real hubs (with API keys, with a tiny rate limit, and with its store down) are validated
 * against the document's schemas, until every documented answer has been seen at least once.
 */
class OpenApiDocumentTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String CE = "application/cloudevents+json";
  private static final String CE_BATCH = "application/cloudevents-batch+json";

  @TempDir Path dir;

  private final OpenApiContract contract = OpenApiContract.load();
  private final List<String> violations = new ArrayList<>();

  @Test
  void the_document_is_valid_openapi_3_1() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);

    SwaggerParseResult result = new OpenAPIV3Parser().readContents(OpenApiContract.text(), null, options);

    assertThat(result.getMessages()).isEmpty();
    assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
  }

  @Test
  void the_hub_serves_the_committed_document_without_a_key() throws Exception {
    try (TestHub hub = keyedHub()) {
      HttpResponse<byte[]> answer = call(hub, "GET", "/openapi.json", null, Map.of(), null);

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(TestEvents.parse(new String(answer.body(), StandardCharsets.UTF_8))).isEqualTo(contract.document());
    }
  }

  @Test
  void every_route_the_hub_serves_is_documented_and_every_documented_operation_is_served() throws Exception {
    try (TestHub hub = keyedHub()) {
      Javalin app = HubApp.create(hub.hub().services(), hub.hub().routes());
      Set<String> served = new TreeSet<>();
      Map<String, Set<Operation>> tags = new LinkedHashMap<>();
      for (var handler : app.unsafeConfig().pvt.internalRouter.allHttpHandlers()) {
        var endpoint = handler.getEndpoint();
        if (!endpoint.getMethod().isHttpMethod() || endpoint.getMethod() == HandlerType.HEAD) {
          continue;
        }
        String route = endpoint.getMethod().name() + " " + endpoint.getPath().replace('<', '{').replace('>', '}');
        served.add(route);
        tags.put(route, endpoint.getRoles().stream().filter(Operation.class::isInstance).map(Operation.class::cast)
            .collect(Collectors.toSet()));
      }

      assertThat(contract.documentedOperations()).isEqualTo(served);
      // Each route carries the one Operation whose method and path it documents.
      tags.forEach((route, operations) -> assertThat(operations).as(route)
          .singleElement().satisfies(op -> assertThat(op.method() + " " + op.path()).isEqualTo(route)));
      assertThat(EnumSet.allOf(Operation.class).stream().map(op -> op.method() + " " + op.path()))
          .containsExactlyInAnyOrderElementsOf(served);
    }
  }

  @Test
  void open_operations_need_no_key_and_every_other_documents_401_403_and_429() {
    for (Operation op : Operation.values()) {
      JsonNode operation = contract.operation(op.method(), op.path());
      JsonNode responses = operation.path("responses");
      if (Authorizer.isOpen(op)) {
        assertThat(operation.path("security").isArray() && operation.path("security").isEmpty()).as(op + " is open").isTrue();
        assertThat(responses.has("401") || responses.has("403") || responses.has("429")).as(op + " is never refused").isFalse();
      } else {
        assertThat(operation.has("security")).as(op + " uses the document's bearer requirement").isFalse();
        assertThat(responses.has("401") && responses.has("403") && responses.has("429")).as(op + " documents refusals").isTrue();
      }
    }
  }

  @Test
  void the_schemas_reject_what_the_hub_never_answers() {
    ObjectNode event = TestEvents.node(TestEvents.newId());
    event.with("meta").put("received_at", "2026-01-01T12:00:00.000000Z").put("created_at", "2026-01-01T12:00:00.000000Z");
    assertThat(contract.validate("StoredEvent", event)).isEmpty();

    event.with("meta").put("received_at", "2026-01-01T12:00:00Z");
    event.put("extra", 1);

    assertThat(contract.validate("StoredEvent", event)).hasSize(2);
    assertThat(contract.validate("FeedPage", TestEvents.parse("{\"events\":[],\"next\":null}"))).isNotEmpty();
  }

  @Test
  void real_answers_of_every_endpoint_match_the_document_and_every_documented_answer_occurs() throws Exception {
    try (TestHub hub = keyedHub()) {
      publishing(hub);
      reading(hub);
      erasing(hub);
      schemas(hub);
      refusals(hub);
    }
    try (TestHub limited = TestHub.configured(Files.createDirectories(dir.resolve("limited")), Map.of(
        "HUB_API_KEYS_FILE", keysFile().toString(), "HUB_RATE_LIMIT", "0.001", "HUB_RATE_BURST", "1"))) {
      rateLimited(limited);
    }
    storeDown();
    try (TestHub off = TestHub.configured(Files.createDirectories(dir.resolve("ledger-off")), Map.of("HUB_LEDGER", "off"))) {
      for (String path : List.of("/ledger/digest", "/ledger/key", "/ledger/proof/inclusion", "/ledger/proof/consistency",
          "/ledger/leaves")) {
        expect(off, 404, "GET", path, path, null, Map.of(), null);
      }
      expect(off, 200, "GET", "/health/ready", "/health/ready", null, Map.of(), null);
    }

    Set<String> missing = new TreeSet<>(contract.documentedAnswers());
    missing.removeAll(contract.seenAnswers());
    missing.forEach(answer -> violations.add(answer + ": documented, but the hub never gave it in this test"));
    assertThat(violations).as("differences between the document and the hub's real answers").isEmpty();
  }

  /** Schemas, quarantine and catalog (docs/schemas.md): every documented answer of each. */
  private void schemas(TestHub hub) {
    String admin = TestApiKeys.ADMIN;
    String reader = TestApiKeys.READER;
    String paid = "/schemas/billing/payment-completed";
    String template = "/schemas/{service}/{type}";
    expect(hub, 409, "PUT", template, paid, admin, json(),
        "{\"schema\":{\"properties\":{\"amount\":{\"type\":\"number\"}}},\"mode\":\"enforce\"}");
    expect(hub, 201, "PUT", template, paid, admin, json(), "{\"schema\":{\"type\":\"object\"},\"mode\":\"enforce\"}");
    expect(hub, 400, "PUT", template, paid, admin, json(), "{\"schema\":{\"$ref\":\"http://example.com/s\"},\"mode\":\"x\"}");
    expect(hub, 200, "GET", "/schemas", reader, Map.of(), null);
    expect(hub, 200, "GET", template, paid, reader, Map.of(), null);
    expect(hub, 404, "GET", template, "/schemas/billing/nothing", reader, Map.of(), null);
    expect(hub, 200, "GET", template + "/{version}", paid + "/1", reader, Map.of(), null);
    expect(hub, 404, "GET", template + "/{version}", paid + "/9", reader, Map.of(), null);

    expect(hub, 201, "PUT", template, "/schemas/billing/schema-test", admin, json(),
        "{\"schema\":{\"required\":[\"never\"]},\"mode\":\"quarantine\"}");
    String held = TestEvents.newId();
    ObjectNode event = TestEvents.node(held);
    event.with("meta").put("type", "schema-test");
    expect(hub, 202, "POST", "/events", admin, json(), event.toString());
    expect(hub, 200, "GET", "/quarantine", "/quarantine?service=billing&limit=10", admin, Map.of(), null);
    expect(hub, 400, "GET", "/quarantine", "/quarantine?limit=0", admin, Map.of(), null);
    expect(hub, 200, "POST", "/quarantine/release", admin, json(), "{\"ids\":[\"" + held + "\"]}");
    expect(hub, 400, "POST", "/quarantine/release", admin, json(), "{}");
    expect(hub, 200, "POST", "/quarantine/drop", admin, json(), "{\"ids\":[\"" + held + "\"],\"reason\":\"test\"}");
    expect(hub, 400, "POST", "/quarantine/drop", admin, json(), "{\"ids\":[\"" + held + "\"]}");
    expect(hub, 200, "GET", "/catalog", reader, Map.of(), null);
  }

  private void publishing(TestHub hub) {
    String admin = TestApiKeys.ADMIN;
    String id = TestEvents.newId();
    expect(hub, 201, "POST", "/events", admin, json(), TestEvents.json(id));
    expect(hub, 200, "POST", "/events", admin, json(), TestEvents.json(id));
    ObjectNode changed = TestEvents.node(id);
    changed.with("payload").put("n", 4);
    expect(hub, 409, "POST", "/events", admin, json(), changed.toString());
    ObjectNode invalid = TestEvents.node("not-a-uuid");
    invalid.with("meta").remove("type");
    expect(hub, 400, "POST", "/events", admin, json(), invalid.toString());
    expect(hub, 400, "POST", "/events", admin, json(), "{\"id\":");
    String batch = "[" + TestEvents.json(TestEvents.newId()) + "," + TestEvents.json(id) + "," + changed + "," + invalid + "]";
    expect(hub, 200, "POST", "/events/batch", admin, json(), batch);
    expect(hub, 200, "POST", "/events/batch", admin, json(), "[" + TestEvents.json(TestEvents.newId()) + "]");
    expect(hub, 400, "POST", "/events/batch", admin, json(), "[{\"id\":");
    expect(hub, 200, "POST", "/events/batch", admin, Map.of("Content-Type", "application/x-ndjson"),
        TestEvents.json(TestEvents.newId()) + "\n" + invalid + "\n");
    // A producer publishing another service's event: forbidden, alone (403) and in a batch (a result).
    ObjectNode shipping = TestEvents.node(TestEvents.newId());
    shipping.with("meta").put("service", "shipping");
    expect(hub, 403, "POST", "/events", TestApiKeys.PRODUCER, json(), shipping.toString());
    expect(hub, 200, "POST", "/events/batch", TestApiKeys.PRODUCER, json(), "[" + shipping + "]");
    expect(hub, 413, "POST", "/events", admin, json(), "[" + (TestEvents.json(TestEvents.newId()) + ",").repeat(400) + "{}]");
    expect(hub, 413, "POST", "/events/batch", admin, json(), "[" + (TestEvents.json(TestEvents.newId()) + ",").repeat(400) + "{}]");
    expect(hub, 415, "POST", "/events", admin, Map.of("Content-Type", "text/plain"), "hello");
    expect(hub, 415, "POST", "/events/batch", admin, Map.of("Content-Type", "text/plain"), "hello");

    // CloudEvents: structured, batch and binary.
    String ceId = TestEvents.newId();
    expect(hub, 201, "POST", "/events", admin, Map.of("Content-Type", CE), cloudEvent(ceId).toString());
    expect(hub, 200, "POST", "/events", admin, Map.of("Content-Type", CE), cloudEvent(ceId).toString());
    ObjectNode noSource = cloudEvent(TestEvents.newId());
    noSource.remove("source");
    expect(hub, 400, "POST", "/events", admin, Map.of("Content-Type", CE), noSource.toString());
    expect(hub, 200, "POST", "/events/batch", admin, Map.of("Content-Type", CE_BATCH),
        "[" + cloudEvent(TestEvents.newId()) + "," + noSource + "]");
    // As real producers send them: an id that is not a UUID, no time or subject, an extension.
    ObjectNode asSent = cloudEvent("A234-1234-1234");
    asSent.remove("time");
    asSent.remove("subject");
    asSent.put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    expect(hub, 201, "POST", "/events", admin, Map.of("Content-Type", CE), asSent.toString());
    Map<String, String> binary = new LinkedHashMap<>(Map.of("Content-Type", "application/json", "ce-specversion", "1.0",
        "ce-id", TestEvents.newId(), "ce-source", "billing", "ce-type", "payment-completed",
        "ce-time", "2026-01-01T12:00:00Z", "ce-subject", "payment/23"));
    expect(hub, 201, "POST", "/events", admin, binary, "{\"amount\":\"3.0000/EUR\"}");
    String textId = TestEvents.newId();
    binary.put("ce-id", textId);
    binary.put("Content-Type", "text/plain");
    expect(hub, 201, "POST", "/events", admin, binary, "three euros");
    expect(hub, 200, "GET", "/events/{id}", "/events/" + textId, admin, Map.of("Accept", CE), null);
    binary.put("Content-Type", "application/json; charset=latin-1");
    expect(hub, 415, "POST", "/events", admin, binary, "{}");
  }

  private void reading(TestHub hub) {
    String reader = TestApiKeys.READER;
    String id = TestEvents.newId();
    expect(hub, 201, "POST", "/events", TestApiKeys.ADMIN, json(), TestEvents.json(id));
    expect(hub, 200, "GET", "/events/{id}", "/events/" + id, reader, Map.of(), null);
    expect(hub, 200, "GET", "/events/{id}", "/events/" + id, reader, Map.of("Accept", CE), null);
    expect(hub, 404, "GET", "/events/{id}", "/events/" + TestEvents.newId(), reader, Map.of(), null);

    expect(hub, 200, "GET", "/events", "/events?limit=1", reader, Map.of(), null);
    expect(hub, 200, "GET", "/events", "/events?service=billing", reader, Map.of(), null);
    expect(hub, 200, "GET", "/events", "/events?limit=2", reader, Map.of("Accept", CE_BATCH), null);
    expect(hub, 400, "GET", "/events", "/events?limit=0&colour=red", reader, Map.of(), null);

    String aggregate = "/aggregates/" + URLEncoder.encode("payment/23", StandardCharsets.UTF_8) + "/events";
    String history = "/aggregates/{aggregate_id}/events";
    expect(hub, 200, "GET", history, aggregate + "?limit=1", reader, Map.of(), null);
    expect(hub, 200, "GET", history, aggregate, reader, Map.of("Accept", CE_BATCH), null);
    expect(hub, 400, "GET", history, aggregate + "?as_of=yesterday", reader, Map.of(), null);

    Await.until("the feed shows the stored events", () -> TestEvents.parse(new String(
        call(hub, "GET", "/feed?limit=1", reader, Map.of(), null).body(), StandardCharsets.UTF_8)).path("events").size() == 1);
    expect(hub, 200, "GET", "/feed", "/feed?limit=2&types=payment-completed", reader, Map.of(), null);
    expect(hub, 200, "GET", "/feed", "/feed?limit=2", reader, Map.of("Accept", CE_BATCH), null);
    expect(hub, 400, "GET", "/feed", "/feed?after=not-a-cursor", reader, Map.of(), null);
    expect(hub, 200, "GET", "/feed", "/feed?limit=2&wait=1s", reader, Map.of(), null);
    expect(hub, 400, "GET", "/feed", "/feed?wait=61s", reader, Map.of(), null);
    streamOpens(hub, "/feed/stream?limit=2", reader);
    expect(hub, 400, "GET", "/feed/stream", "/feed/stream?limit=0", reader, Map.of(), null);
    expect(hub, 200, "GET", "/feed/lag", "/feed/lag", reader, Map.of(), null);
    expect(hub, 200, "GET", "/feed/lag", "/feed/lag?types=nothing-of-this-type", reader, Map.of(), null);
    expect(hub, 400, "GET", "/feed/lag", "/feed/lag?limit=5", reader, Map.of(), null);

    Await.until("the ledger has a leaf", () -> TestEvents.parse(new String(
        call(hub, "GET", "/ledger/digest", reader, Map.of(), null).body(), StandardCharsets.UTF_8)).path("tree_size").asLong() >= 1);
    expect(hub, 200, "GET", "/ledger/digest", "/ledger/digest", reader, Map.of(), null);
    expect(hub, 200, "GET", "/ledger/key", "/ledger/key", reader, Map.of(), null);
    String leafId = TestEvents.parse(new String(call(hub, "GET", "/feed?limit=1", reader, Map.of(), null).body(),
        StandardCharsets.UTF_8)).path("events").path(0).path("id").asText();
    String inclusion = "/ledger/proof/inclusion";
    expect(hub, 200, "GET", inclusion, inclusion + "?id=" + leafId + "&tree_size=1", reader, Map.of(), null);
    expect(hub, 400, "GET", inclusion, inclusion + "?id=" + leafId + "&tree_size=0", reader, Map.of(), null);
    expect(hub, 404, "GET", inclusion, inclusion + "?id=" + TestEvents.newId(), reader, Map.of(), null);
    String consistency = "/ledger/proof/consistency";
    expect(hub, 200, "GET", consistency, consistency + "?from=1&to=1", reader, Map.of(), null);
    expect(hub, 400, "GET", consistency, consistency + "?from=1", reader, Map.of(), null);
    expect(hub, 200, "GET", "/ledger/leaves", "/ledger/leaves?from=0&limit=1", reader, Map.of(), null);
    expect(hub, 400, "GET", "/ledger/leaves", "/ledger/leaves?limit=0", reader, Map.of(), null);
    for (String path : List.of("/console", "/console/index.html", "/console/console.js", "/console/console.css",
        "/console/icon.svg")) {
      expect(hub, 200, "GET", path.equals("/console") ? path : "/console/{file}", path, null, Map.of(), null);
    }
    expect(hub, 404, "GET", "/console/{file}", "/console/openapi.json", null, Map.of(), null);
    for (String path : List.of("/docs", "/docs/index.html", "/docs/docs.js", "/docs/swagger-ui.css",
        "/docs/swagger-ui-bundle.js", "/docs/favicon-16x16.png", "/docs/favicon-32x32.png")) {
      expect(hub, 200, "GET", path.equals("/docs") ? path : "/docs/{file}", path, null, Map.of(), null);
    }
    expect(hub, 404, "GET", "/docs/{file}", "/docs/swagger-ui.js", null, Map.of(), null);

    expect(hub, 200, "GET", "/health/live", "/health/live", null, Map.of(), null);
    expect(hub, 200, "GET", "/health/ready", "/health/ready", null, Map.of(), null);
    expect(hub, 200, "GET", "/metrics", "/metrics", reader, Map.of(), null);
    expect(hub, 200, "GET", "/openapi.json", "/openapi.json", null, Map.of(), null);
  }

  private void erasing(TestHub hub) {
    String admin = TestApiKeys.ADMIN;
    String id = TestEvents.newId();
    expect(hub, 201, "POST", "/events", admin, json(), TestEvents.json(id));
    String erasure = "{\"erasure_id\":\"openapi-1\",\"ids\":[\"" + id + "\"],\"pointers\":[\"/n\"],\"reason\":\"test\"}";
    expect(hub, 201, "POST", "/erasures", admin, json(), erasure);
    expect(hub, 200, "POST", "/erasures", admin, json(), erasure);
    expect(hub, 400, "POST", "/erasures", admin, json(), "{\"reason\":\"names nothing\"}");
    expect(hub, 200, "GET", "/erasures", "/erasures?limit=1", admin, Map.of(), null);
    expect(hub, 400, "GET", "/erasures", "/erasures?limit=0", admin, Map.of(), null);
    expect(hub, 200, "GET", "/erasures/{id}", "/erasures/openapi-1", admin, Map.of(), null);
    expect(hub, 404, "GET", "/erasures/{id}", "/erasures/no-such", admin, Map.of(), null);
  }

  /** 401 without a key and 403 for a role that may not, on every operation that needs a key. */
  private void refusals(TestHub hub) {
    for (Operation op : Operation.values()) {
      if (Authorizer.isOpen(op)) {
        continue;
      }
      String path = samplePath(op);
      Map<String, String> headers = sampleHeaders(op);
      String body = sampleBody(op);
      expect(hub, 401, op.method(), op.path(), path, null, headers, body);
      expect(hub, 403, op.method(), op.path(), path, ingest(op) ? TestApiKeys.READER : TestApiKeys.PRODUCER,
          headers, body);
    }
  }

  /** With a budget of one request per key, the second request of a key is refused on every operation. */
  private void rateLimited(TestHub hub) {
    call(hub, "GET", "/health/live", TestApiKeys.ADMIN, Map.of(), null);
    expect(hub, 201, "POST", "/events", TestApiKeys.ADMIN, json(), TestEvents.json(TestEvents.newId()));
    for (Operation op : Operation.values()) {
      if (!Authorizer.isOpen(op)) {
        expect(hub, 429, op.method(), op.path(), samplePath(op), TestApiKeys.ADMIN,
            sampleHeaders(op), sampleBody(op));
      }
    }
  }

  /** A hub whose MongoDB went away: every endpoint that needs the store answers 503. */
  private void storeDown() throws Exception {
    MongoServer server = new MongoServer(new MemoryBackend());
    try {
      String uri = server.bindAndGetConnectionString();
      MongoEventStore store = MongoEventStore.builder(uri, "openapi")
          .serverSelectionTimeout(Duration.ofMillis(500))
          .connectTimeout(Duration.ofMillis(500))
          .socketTimeout(Duration.ofSeconds(1))
          .connect();
      try (TestHub hub = TestHub.start(Store.of(store), Files.createDirectories(dir.resolve("mongo")), l -> l.withMaxWait(Duration.ofSeconds(5)))) {
        server.shutdownNow();
        expect(hub, 503, "GET", "/health/ready", "/health/ready", null, Map.of(), null);
        for (Operation op : Operation.values()) {
          JsonNode documented = contract.operation(op.method(), op.path()).path("responses");
          if (documented.has("503") && op != Operation.HEALTH_READY) {
            expect(hub, 503, op.method(), op.path(), samplePath(op), null, sampleHeaders(op),
                sampleBody(op));
          }
        }
      }
    } finally {
      server.shutdownNow();
    }
  }

  private static boolean ingest(Operation op) {
    return op == Operation.INGEST || op == Operation.INGEST_BATCH;
  }

  private static Map<String, String> sampleHeaders(Operation op) {
    return op == Operation.INGEST || op == Operation.INGEST_BATCH || op == Operation.ERASE ? json() : Map.of();
  }

  /** A new event for POST /events, a batch of one for POST /events/batch, an erasure for POST /erasures, else no body. */
  private static String sampleBody(Operation op) {
    return switch (op) {
      case INGEST -> TestEvents.json(TestEvents.newId());
      case INGEST_BATCH -> "[" + TestEvents.json(TestEvents.newId()) + "]";
      case ERASE -> "{\"ids\":[\"" + TestEvents.newId() + "\"],\"reason\":\"sample\"}";
      default -> null;
    };
  }

  private static String samplePath(Operation op) {
    return switch (op) {
      case GET_EVENT -> "/events/" + TestEvents.newId();
      case AGGREGATE_HISTORY -> "/aggregates/payment%2F23/events";
      case GET_ERASURE -> "/erasures/sample";
      case SCHEMA_REGISTER, SCHEMA_VERSIONS -> "/schemas/billing/payment-completed";
      case SCHEMA_VERSION -> "/schemas/billing/payment-completed/1";
      default -> op.path();
    };
  }

  private TestHub keyedHub() throws Exception {
    Path data = Files.createDirectories(dir.resolve("keyed-" + System.nanoTime()));
    return TestHub.configured(data, Map.of("HUB_API_KEYS_FILE", keysFile().toString(), "HUB_MAX_BODY_BYTES", "64KiB", "HUB_MAX_EVENT_BYTES", "64KiB",
        "HUB_FEED_LAG", "100ms"));
  }

  private Path keysFile() throws Exception {
    Path keys = dir.resolve("keys");
    if (!Files.exists(keys)) {
      Files.createDirectories(keys);
      return TestApiKeys.write(keys);
    }
    return keys.resolve("api-keys.json");
  }

  private static ObjectNode cloudEvent(String id) {
    ObjectNode ce = TestEvents.JSON.createObjectNode();
    ce.put("specversion", "1.0").put("id", id).put("source", "billing").put("type", "payment-completed")
        .put("time", "2026-01-01T12:00:00Z").put("subject", "payment/23").put("correlationid", "order/7");
    ce.putObject("data").put("amount", "3.0000/EUR");
    return ce;
  }

  private static Map<String, String> json() {
    return Map.of("Content-Type", "application/json");
  }

  private void expect(TestHub hub, int status, String method, String path, String key, Map<String, String> headers, String body) {
    expect(hub, status, method, path, path, key, headers, body);
  }

  /** Sends a request and checks its answer against the document; {@code template} is the documented path. */
  private void expect(TestHub hub, int status, String method, String template, String path, String key,
      Map<String, String> headers, String body) {
    HttpResponse<byte[]> answer = call(hub, method, path, key, headers, body);
    String text = new String(answer.body(), StandardCharsets.UTF_8);
    if (answer.statusCode() != status) {
      violations.add(method + " " + path + ": expected " + status + ", was " + answer.statusCode() + ": "
          + text.substring(0, Math.min(300, text.length())));
    }
    violations.addAll(contract.check(method, template, answer));
    if (body != null && status == 201 && headers.containsKey("ce-specversion")) {
      // CloudEvents binary mode: the body is the event's data, which the operation's description
      // (not its application/json schema, which is the native event) says is a Payload when it is
      // JSON; other media types are kept byte for byte (the `*/*` body of the document).
      if (headers.get("Content-Type").startsWith("application/json")) {
        contract.validate("Payload", TestEvents.parse(body)).forEach(m -> violations.add("binary-mode data: " + m));
      }
    } else if (body != null && status == 201) {
      // What the hub stores must be what the document describes as a request.
      violations.addAll(contract.checkRequest(method, template, headers.get("Content-Type"), body));
    }
  }

  /** A stream never ends: its answer is checked on its status and headers, the body left unread. */
  private void streamOpens(TestHub hub, String path, String key) {
    HttpRequest request = HttpRequest.newBuilder(hub.uri(path)).timeout(Duration.ofSeconds(60))
        .header("Authorization", TestApiKeys.bearer(key)).GET().build();
    HttpResponse<byte[]> answer;
    try {
      // ofInputStream's body is there with the headers; closing it at once leaves the stream unread.
      answer = HTTP.send(request, info -> HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofInputStream(),
          in -> {
            try {
              in.close();
            } catch (java.io.IOException e) {
              // closed either way
            }
            return new byte[0];
          }));
    } catch (Exception e) {
      throw new AssertionError("GET " + path + " failed", e);
    }
    if (answer.statusCode() != 200) {
      violations.add("GET " + path + ": expected 200, was " + answer.statusCode());
    }
    violations.addAll(contract.check("GET", "/feed/stream", answer));
  }

  private static HttpResponse<byte[]> call(TestHub hub, String method, String path, String key, Map<String, String> headers,
      String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hub.uri(path).toString())).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    if (key != null) {
      request.header("Authorization", TestApiKeys.bearer(key));
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed", e);
    }
  }
}
