package io.annals.hub.server.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.TestHub;
import io.annals.hub.server.event.Event;
import io.annals.hub.server.event.StoredEvent;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must-shows 1 and 3 of the schema issue, over HTTP on a real hub: a schema is checked against
 * every stored event of its type (100,000 here, one of them bad), and a schema naming any address
 * outside itself is refused without the hub ever calling it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemaRegistrationTest {

  static final int STORED = 100_000;
  static final String GOOD = "{\"amount\":12.5,\"currency\":\"EUR\",\"lines\":[{\"sku\":\"a-1\",\"qty\":2}]}";
  static final String BAD = "{\"amount\":\"12.5\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"a-1\",\"qty\":2}]}";

  @TempDir static Path dir;
  private TestHub hub;
  private String badId;

  @BeforeAll
  void store_100000_events_one_of_them_with_a_string_amount() {
    // The ledger off: its appender would hash the same 100,000 events while the check's CPU is measured.
    hub = TestHub.configured(dir, java.util.Map.of("HUB_LEDGER", "off"));
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    int bad = 61_234;
    List<StoredEvent> batch = new ArrayList<>();
    for (int i = 0; i < STORED; i++) {
      String id = UUID.randomUUID().toString();
      if (i == bad) {
        badId = id;
      }
      batch.add(new StoredEvent(new Event(id, "shop", "order-paid", t, "order/" + i, null, i == bad ? BAD : GOOD),
          t.plusNanos(i * 1000L)));
      if (batch.size() == 5000) {
        hub.hub().store().log().append(batch);
        batch.clear();
      }
    }
    // Another type of the same service, which no check of order-paid may read.
    hub.hub().store().log().append(List.of(new StoredEvent(new Event(UUID.randomUUID().toString(), "shop", "order-cancelled",
        t, "order/x", null, "{\"amount\":\"not a number\"}"), t.plusSeconds(3600))));
  }

  @AfterAll
  void close() {
    hub.close();
  }

  static String amountSchema(String amountType) {
    return "{\"schema\":{\"type\":\"object\",\"required\":[\"amount\",\"currency\"],\"properties\":{"
        + "\"amount\":{\"type\":" + amountType + "},\"currency\":{\"type\":\"string\",\"pattern\":\"^[A-Z]{3}$\"},"
        + "\"lines\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/line\"}}},"
        + "\"$defs\":{\"line\":{\"type\":\"object\",\"required\":[\"sku\",\"qty\"],\"properties\":{\"qty\":{\"type\":\"integer\",\"minimum\":1}}}}},"
        + "\"mode\":\"enforce\"}";
  }

  private HttpResponse<String> put(String path, String body) {
    return hub.send(HttpRequest.newBuilder(hub.uri(path)).timeout(Duration.ofSeconds(120))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  @Test
  void a_schema_one_stored_event_of_100000_fails_is_refused_naming_that_event_and_the_pointer() {
    int versionsBefore = versions();
    HttpResponse<String> answer = timedRegistration("\"number\"");

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(409);
    JsonNode problem = TestEvents.parse(answer.body());
    assertThat(problem.get("checked").asLong()).as("every stored event was read").isEqualTo(STORED);
    assertThat(problem.get("failures")).hasSize(1);
    assertThat(problem.at("/failures/0/id").asText()).isEqualTo(badId);
    assertThat(problem.at("/failures/0/errors/0/pointer").asText()).isEqualTo("/payload/amount");
    assertThat(problem.at("/failures/0/errors/0/detail").asText()).contains("string");
    assertThat(versions()).as("nothing registered").isEqualTo(versionsBefore);
  }

  /** CPU time of this JVM (hub and test): on a shared machine the wall-clock rate says little. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * Registers the amount schema for order-paid and prints how fast the history was checked: a
   * figure for the record (README, docs/schemas.md), not an assertion (no timing thresholds in unit tests).
   */
  private HttpResponse<String> timedRegistration(String amountType) {
    long start = System.nanoTime();
    long cpu = processCpuNanos();
    HttpResponse<String> answer = put("/schemas/shop/order-paid", amountSchema(amountType));
    long wallNanos = System.nanoTime() - start;
    long cpuNanos = processCpuNanos() - cpu;
    System.out.printf("schema check of %,d stored events: %,.0f events/s wall, %.1f CPU µs per event (%,.0f events per CPU-second)%n",
        STORED, STORED / (wallNanos / 1e9), cpuNanos / 1e3 / STORED, STORED / (cpuNanos / 1e9));
    return answer;
  }

  private int versions() {
    HttpResponse<String> r = hub.get("/schemas/shop/order-paid");
    return r.statusCode() == 404 ? 0 : TestEvents.parse(r.body()).get("versions").size();
  }

  @Test
  void a_schema_every_stored_event_passes_is_registered_after_reading_every_one_of_them() {
    HttpResponse<String> answer = timedRegistration("[\"number\",\"string\"]");

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
    JsonNode v = TestEvents.parse(answer.body());
    assertThat(v.get("checked").asLong()).isEqualTo(STORED);
    int version = v.get("version").asInt();
    assertThat(answer.headers().firstValue("Location")).hasValue("/schemas/shop/order-paid/" + version);
    assertThat(TestEvents.parse(hub.get("/schemas/shop/order-paid/" + version).body()).at("/schema/properties/amount/type/1").asText())
        .isEqualTo("string");
  }

  @Test
  void with_a_bound_only_the_newest_events_are_checked() {
    HttpResponse<String> answer = put("/schemas/shop/order-paid",
        amountSchema("\"number\"").replace("\"mode\"", "\"check_newest\":1000,\"mode\""));

    assertThat(answer.statusCode()).as("the bad event is older than the newest 1000: " + answer.body()).isEqualTo(201);
    assertThat(TestEvents.parse(answer.body()).get("checked").asLong()).isEqualTo(1000);
  }

  @Test
  void a_schema_with_a_ref_to_an_http_address_is_refused_and_the_address_is_never_called() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger calls = new AtomicInteger();
    server.createContext("/", exchange -> {
      calls.incrementAndGet();
      byte[] schema = "{\"type\":\"object\"}".getBytes();
      exchange.sendResponseHeaders(200, schema.length);
      exchange.getResponseBody().write(schema);
      exchange.close();
    });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/amount.json";
      List<String[]> cases = List.of(
          new String[] {"{\"schema\":{\"$ref\":\"" + url + "\"},\"mode\":\"enforce\"}", "/schema/$ref"},
          new String[] {"{\"schema\":{\"properties\":{\"amount\":{\"$ref\":\"" + url + "#/x\"}}},\"mode\":\"enforce\"}",
              "/schema/properties/amount/$ref"},
          new String[] {"{\"schema\":{\"$schema\":\"" + url + "\"},\"mode\":\"enforce\"}", "/schema/$schema"},
          new String[] {"{\"schema\":{\"$id\":\"" + url + "\",\"$ref\":\"other.json\"},\"mode\":\"enforce\"}", "/schema/$id"},
          new String[] {"{\"schema\":{\"$dynamicRef\":\"" + url + "\"},\"mode\":\"enforce\"}", "/schema/$dynamicRef"});
      for (String[] c : cases) {
        HttpResponse<String> answer = put("/schemas/shop/refs", c[0]);
        assertThat(answer.statusCode()).as(c[0] + " -> " + answer.body()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(TestEvents.parse(answer.body()).at("/errors").findValuesAsText("pointer")).contains(c[1]);
      }
      assertThat(calls.get()).as("requests the test server received").isZero();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void a_schema_that_is_not_json_schema_2020_12_is_refused_naming_the_member() {
    HttpResponse<String> answer = put("/schemas/shop/meta", "{\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":12}}},\"mode\":\"enforce\"}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
    assertThat(TestEvents.parse(answer.body()).at("/errors").findValuesAsText("pointer")).contains("/schema/properties/a/type");
  }

  @Test
  void a_body_without_schema_or_mode_is_refused_naming_both() {
    HttpResponse<String> answer = put("/schemas/shop/body", "{\"mode\":\"strict\",\"extra\":1}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
    assertThat(TestEvents.parse(answer.body()).at("/errors").findValuesAsText("pointer"))
        .containsExactlyInAnyOrder("/schema", "/mode", "/extra");
    assertThat(put("/schemas/shop/body", "not json").statusCode()).isEqualTo(400);
    assertThat(put("/schemas/shop/body", "{\"schema\":{},\"mode\":\"enforce\",\"check_newest\":0}").statusCode()).isEqualTo(400);
  }
}
