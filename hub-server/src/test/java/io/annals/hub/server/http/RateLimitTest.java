package io.annals.hub.server.http;

import static io.annals.hub.server.TestApiKeys.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.TestApiKeys;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.TestHub;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request budgets on a real hub. The budget is 2 requests at once and then one per 1,000 seconds,
 * so the third request of a caller is over budget however slowly the test runs: no timing involved.
 */
class RateLimitTest {

  @TempDir Path dir;
  TestHub hub;

  @BeforeEach
  void start_hub_with_a_tiny_budget() throws Exception {
    Path keys = TestApiKeys.write(Files.createDirectories(dir.resolve("keys")));
    hub = TestHub.configured(Files.createDirectories(dir.resolve("data")), Map.of(
        "HUB_API_KEYS_FILE", keys.toString(), "HUB_RATE_LIMIT", "0.001", "HUB_RATE_BURST", "2"));
  }

  @AfterEach
  void stop_hub() {
    hub.close();
  }

  @Test
  void a_key_over_its_budget_gets_429_with_retry_after_while_other_keys_are_unaffected() {
    assertThat(get("/metrics", TestApiKeys.READER).statusCode()).isEqualTo(200);
    assertThat(get("/metrics", TestApiKeys.READER).statusCode()).isEqualTo(200);

    HttpResponse<String> over = get("/metrics", TestApiKeys.READER);

    assertThat(over.statusCode()).isEqualTo(429);
    // At 0.001 requests/s the next one is due 1000 s after the burst began: 1000 s less the time the
    // three requests took (rounded up), which is under a second unless the machine stalls for seconds.
    assertThat(over.headers().firstValue("Retry-After")).hasValueSatisfying(
        seconds -> assertThat(Long.parseLong(seconds)).isBetween(990L, 1000L));
    assertThat(over.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(TestEvents.parse(over.body()).get("type").asText()).isEqualTo("urn:annals:problem:rate-limited");
    assertThat(over.body()).contains("reports").doesNotContain(TestApiKeys.READER);
    // Another reader, a producer and an admin each still have their whole budget.
    assertThat(get("/metrics", TestApiKeys.OTHER_READER).statusCode()).isEqualTo(200);
    assertThat(post(TestApiKeys.PRODUCER).statusCode()).isEqualTo(201);
    HttpResponse<String> metrics = get("/metrics", TestApiKeys.ADMIN);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("annals_hub_auth_denied_total{reason=\"rate_limited\"} 1.0");
  }

  @Test
  void every_request_of_a_key_spends_its_budget_even_one_its_role_may_not_make() {
    assertThat(post(TestApiKeys.READER).statusCode()).isEqualTo(403);
    assertThat(post(TestApiKeys.READER).statusCode()).isEqualTo(403);

    assertThat(get("/metrics", TestApiKeys.READER).statusCode()).isEqualTo(429);
  }

  @Test
  void guessing_keys_is_budgeted_per_address_and_leaves_real_keys_alone() {
    assertThat(get("/metrics", TestApiKeys.WRONG).statusCode()).isEqualTo(401);
    assertThat(get("/metrics", null).statusCode()).isEqualTo(401);

    HttpResponse<String> guess = get("/metrics", TestApiKeys.WRONG + "2");

    assertThat(guess.statusCode()).isEqualTo(429);
    assertThat(guess.headers().firstValue("Retry-After")).isPresent();
    assertThat(get("/metrics", TestApiKeys.READER).statusCode()).isEqualTo(200);
  }

  @Test
  void health_probes_are_never_rate_limited() {
    for (int i = 0; i < 10; i++) {
      assertThat(get("/health/live", null).statusCode()).isEqualTo(200);
      assertThat(get("/health/ready", TestApiKeys.WRONG).statusCode()).isEqualTo(200);
    }
  }

  private HttpResponse<String> get(String path, String key) {
    HttpRequest.Builder request = HttpRequest.newBuilder(hub.uri(path)).GET();
    if (key != null) {
      request.header("Authorization", bearer(key));
    }
    return hub.send(request.build());
  }

  private HttpResponse<String> post(String key) {
    return hub.send(HttpRequest.newBuilder(hub.uri("/events"))
        .header("Content-Type", "application/json").header("Authorization", bearer(key))
        .POST(HttpRequest.BodyPublishers.ofString(TestEvents.json(TestEvents.newId()))).build());
  }
}
