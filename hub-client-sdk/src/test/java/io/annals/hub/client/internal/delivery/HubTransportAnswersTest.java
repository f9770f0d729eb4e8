package io.annals.hub.client.internal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.annals.hub.client.Outcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link HubTransport} makes of each kind of answer from the hub, read back as the
 * {@link Answer} the sender acts on. The hub is the JDK's HTTP server answering one canned
 * response, so every status, header and body can be chosen exactly. Written to kill mutants that
 * survived the delivery tests (docs/mutation.md).
 */
class HubTransportAnswersTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  /** One canned answer, and what the last request carried. */
  private record Canned(int status, String retryAfter, String body) {}

  private final AtomicReference<Canned> next = new AtomicReference<>();
  private final AtomicReference<String> lastBody = new AtomicReference<>();
  private final AtomicReference<String> lastAuthorization = new AtomicReference<>();
  private final AtomicReference<String> lastContentType = new AtomicReference<>();
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/events", exchange -> {
      try (exchange) {
        lastBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        lastAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
        lastContentType.set(exchange.getRequestHeaders().getFirst("Content-Type"));
        Canned canned = next.get();
        if (canned.retryAfter() != null) {
          exchange.getResponseHeaders().set("Retry-After", canned.retryAfter());
        }
        byte[] bytes = canned.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(canned.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private HubTransport transport(String apiKey) {
    return new HubTransport(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), apiKey,
        Duration.ofSeconds(10), CLOCK);
  }

  private Answer answer(int status, String retryAfter, String body, String... envelopes) throws InterruptedException {
    next.set(new Canned(status, retryAfter, body));
    List<byte[]> bodies = java.util.Arrays.stream(envelopes).map(e -> e.getBytes(StandardCharsets.UTF_8)).toList();
    return transport("k-1").post(bodies);
  }

  @Test
  void the_envelopes_go_as_one_json_array_with_the_key_as_a_bearer_token() throws InterruptedException {
    answer(200, null, "{\"results\":[{\"id\":\"a\",\"outcome\":\"created\"},{\"id\":\"b\",\"outcome\":\"created\"},"
        + "{\"id\":\"c\",\"outcome\":\"created\"}]}", "{\"id\":\"a\"}", "{\"id\":\"b\"}", "{\"id\":\"c\"}");

    assertThat(lastBody.get()).isEqualTo("[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\"}]");
    assertThat(lastAuthorization.get()).isEqualTo("Bearer k-1");
    assertThat(lastContentType.get()).isEqualTo("application/json");
  }

  @Test
  void a_single_envelope_is_an_array_of_one_and_no_key_sends_no_authorization() throws InterruptedException {
    next.set(new Canned(200, null, "{\"results\":[{\"id\":\"a\",\"outcome\":\"created\"}]}"));
    transport(null).post(List.of("{\"id\":\"a\"}".getBytes(StandardCharsets.UTF_8)));

    assertThat(lastBody.get()).isEqualTo("[{\"id\":\"a\"}]");
    assertThat(lastAuthorization.get()).isNull();
  }

  @Test
  void each_events_verdict_is_read_with_its_time_and_a_detail_naming_its_errors() throws InterruptedException {
    Answer answer = answer(200, null, "{\"results\":["
        + "{\"id\":\"a\",\"outcome\":\"created\",\"received_at\":\"2026-03-01T11:59:59.123456Z\"},"
        + "{\"id\":\"b\",\"outcome\":\"duplicate\",\"received_at\":\"2026-02-01T00:00:00Z\"},"
        + "{\"id\":\"c\",\"outcome\":\"invalid\",\"errors\":[{\"pointer\":\"/payload/amount\",\"detail\":\"must be a decimal\"},\"plain text\"]},"
        + "{\"id\":\"d\",\"outcome\":\"conflict\"}]}", "{}", "{}", "{}", "{}");

    assertThat(answer).isInstanceOf(Answer.Results.class);
    List<Answer.EventResult> results = ((Answer.Results) answer).results();
    assertThat(results).containsExactly(
        new Answer.EventResult("a", Outcome.CREATED, Instant.parse("2026-03-01T11:59:59.123456Z"), null, List.of()),
        new Answer.EventResult("b", Outcome.DUPLICATE, Instant.parse("2026-02-01T00:00:00Z"), null, List.of()),
        new Answer.EventResult("c", Outcome.INVALID, null,
            "hub answered invalid: /payload/amount: must be a decimal; plain text",
            List.of("/payload/amount: must be a decimal", "plain text")),
        new Answer.EventResult("d", Outcome.CONFLICT, null, "hub answered conflict", List.of()));
  }

  @Test
  void a_quarantined_event_counts_as_delivered_the_hub_holds_it() throws InterruptedException {
    Answer answer = answer(200, null, "{\"results\":[{\"id\":\"q\",\"outcome\":\"quarantined\","
        + "\"errors\":[{\"pointer\":\"/payload/amount\",\"detail\":\"string found, number expected\"}]}]}", "{}");

    Answer.EventResult result = ((Answer.Results) answer).results().get(0);
    assertThat(result.outcome()).isEqualTo(Outcome.QUARANTINED);
    assertThat(result.outcome().delivered()).as("not retried, not dead-lettered").isTrue();
    assertThat(result.detail()).isNull();
  }

  @Test
  void a_200_with_too_few_results_is_retried_not_taken_as_verdicts() throws InterruptedException {
    Answer answer = answer(200, null, "{\"results\":[{\"id\":\"a\",\"outcome\":\"created\"}]}", "{}", "{}");

    assertThat(answer).isInstanceOf(Answer.Retry.class);
    Answer.Retry retry = (Answer.Retry) answer;
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.reason()).startsWith("hub answered 1 results for 2 events");
  }

  @Test
  void a_200_without_a_results_array_is_retried() throws InterruptedException {
    Answer answer = answer(200, null, "{\"results\":{\"id\":\"a\"}}", "{}");

    assertThat(answer).isInstanceOf(Answer.Retry.class);
    assertThat(((Answer.Retry) answer).reason()).contains("results for 1 events");
  }

  @Test
  void an_outcome_the_sdk_does_not_know_is_retried_not_guessed() throws InterruptedException {
    Answer answer = answer(200, null, "{\"results\":[{\"id\":\"a\",\"outcome\":\"expired\"}]}", "{}");

    assertThat(answer).isInstanceOf(Answer.Retry.class);
    assertThat(((Answer.Retry) answer).reason()).startsWith("hub answered an unknown outcome");
  }

  @Test
  void an_unreadable_200_is_retried_with_the_body_in_the_reason() throws InterruptedException {
    Answer answer = answer(200, null, "not json at all", "{}");

    assertThat(answer).isInstanceOf(Answer.Retry.class);
    assertThat(((Answer.Retry) answer).status()).isEqualTo(200);
    assertThat(((Answer.Retry) answer).reason()).startsWith("unreadable answer from the hub").endsWith(": not json at all");
  }

  @Test
  void a_request_refused_whole_carries_the_problems_detail_and_errors() throws InterruptedException {
    Answer answer = answer(400, null, "{\"title\":\"Bad Request\",\"detail\":\"body is not JSON\","
        + "\"errors\":[{\"pointer\":\"/0/id\",\"detail\":\"required\"}]}", "{}");

    assertThat(answer).isEqualTo(new Answer.Rejected(400, "hub rejected the request with 400: body is not JSON",
        List.of("/0/id: required")));
  }

  @Test
  void a_refusal_without_a_detail_uses_its_title_and_without_json_its_raw_body() throws InterruptedException {
    assertThat(answer(413, null, "{\"title\":\"Payload Too Large\"}", "{}"))
        .isEqualTo(new Answer.Rejected(413, "hub rejected the request with 413: Payload Too Large", List.of()));
    assertThat(answer(401, null, "no  key\n given", "{}"))
        .isEqualTo(new Answer.Rejected(401, "hub rejected the request with 401: no key given", List.of()));
    assertThat(answer(403, null, "{}", "{}"))
        .isEqualTo(new Answer.Rejected(403, "hub rejected the request with 403: {}", List.of()));
  }

  @Test
  void only_400_and_413_may_be_split_and_401_403_are_forbidden_the_rest_invalid() {
    assertThat(new Answer.Rejected(400, "", List.of()).splittable()).isTrue();
    assertThat(new Answer.Rejected(413, "", List.of()).splittable()).isTrue();
    assertThat(new Answer.Rejected(401, "", List.of()).splittable()).isFalse();
    assertThat(new Answer.Rejected(403, "", List.of()).splittable()).isFalse();
    assertThat(new Answer.Rejected(401, "", List.of()).outcome()).isEqualTo(Outcome.FORBIDDEN);
    assertThat(new Answer.Rejected(403, "", List.of()).outcome()).isEqualTo(Outcome.FORBIDDEN);
    assertThat(new Answer.Rejected(400, "", List.of()).outcome()).isEqualTo(Outcome.INVALID);
    assertThat(new Answer.Rejected(413, "", List.of()).outcome()).isEqualTo(Outcome.INVALID);
  }

  @Test
  void retry_after_in_seconds_is_read_and_a_negative_one_is_zero() throws InterruptedException {
    assertThat(answer(503, " 7 ", "{}", "{}")).isEqualTo(new Answer.Retry(503, Duration.ofSeconds(7), "hub answered 503: {}"));
    assertThat(((Answer.Retry) answer(429, "-5", "{}", "{}")).retryAfter()).isEqualTo(Duration.ZERO);
  }

  @Test
  void retry_after_as_an_http_date_is_the_time_until_it_on_the_clock() throws InterruptedException {
    assertThat(((Answer.Retry) answer(503, "Sun, 01 Mar 2026 12:00:30 GMT", "{}", "{}")).retryAfter())
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(((Answer.Retry) answer(503, "Sun, 01 Mar 2026 11:00:00 GMT", "{}", "{}")).retryAfter())
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void a_retry_after_that_is_neither_seconds_nor_a_date_is_ignored() throws InterruptedException {
    assertThat(((Answer.Retry) answer(503, "soon", "{}", "{}")).retryAfter()).isNull();
    assertThat(((Answer.Retry) answer(502, null, "{}", "{}")).retryAfter()).isNull();
  }

  @Test
  void a_long_error_body_is_cut_to_300_characters_on_one_line() throws InterruptedException {
    String body = "x".repeat(150) + "\n\t " + "y".repeat(200);
    Answer.Retry retry = (Answer.Retry) answer(500, null, body, "{}");

    String expected = "x".repeat(150) + " " + "y".repeat(149) + "…";
    assertThat(retry.reason()).isEqualTo("hub answered 500: " + expected);
    String exactly300 = "z".repeat(300);
    assertThat(((Answer.Retry) answer(500, null, exactly300, "{}")).reason()).isEqualTo("hub answered 500: " + exactly300);
  }

  @Test
  void an_unreachable_hub_is_a_retry_with_status_zero() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    HubTransport nowhere = new HubTransport(URI.create("http://127.0.0.1:" + port), null, Duration.ofSeconds(5), CLOCK);

    Answer answer = nowhere.post(List.of("{}".getBytes(StandardCharsets.UTF_8)));

    assertThat(answer).isInstanceOf(Answer.Retry.class);
    assertThat(((Answer.Retry) answer).status()).isZero();
    assertThat(((Answer.Retry) answer).retryAfter()).isNull();
    assertThat(((Answer.Retry) answer).reason()).startsWith("hub http://127.0.0.1:" + port + "/events unreachable");
  }
}
