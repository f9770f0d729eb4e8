package io.annals.hub.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.Await;
import io.annals.hub.server.Hub;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.TestHub;
import io.annals.hub.server.auth.Operation;
import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.store.Store;
import io.annals.hub.server.store.sqlite.SqliteEventStore;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The 5xx answers the hub makes outside ErrorMapping's typed exceptions are problem details with Retry-After. */
class HttpLayerProblemsTest {

  @TempDir Path dir;

  @Test
  void an_error_escaping_a_handler_answers_500_problem_details_with_retry_after() throws Exception {
    HttpResponse<String> answer = getFrom(() -> {
      throw new OutOfMemoryError("test: no heap left");
    });

    assertThat(answer.statusCode()).isEqualTo(500);
    assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith(Problem.CONTENT_TYPE));
    assertThat(answer.headers().firstValue("Retry-After")).isPresent();
    assertThat(TestEvents.parse(answer.body()).path("status").asInt()).isEqualTo(500);
    assertThat(answer.body()).doesNotContain("no heap left");
  }

  @Test
  void an_unexpected_exception_answers_500_problem_details_without_its_message() throws Exception {
    HttpResponse<String> answer = getFrom(() -> {
      throw new IllegalStateException("test: a bug with secrets in its message");
    });

    assertThat(answer.statusCode()).isEqualTo(500);
    assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith(Problem.CONTENT_TYPE));
    assertThat(TestEvents.parse(answer.body()).path("type").asText()).isEqualTo("urn:annals:problem:internal-error");
    assertThat(answer.body()).doesNotContain("secrets");
  }

  /** GET of a route whose handler runs {@code failure}, on a hub with the standard routes besides. */
  private HttpResponse<String> getFrom(Runnable failure) throws Exception {
    List<Routes> routes = List.of(app -> app.get("/fails", ctx -> failure.run(), Operation.HEALTH_LIVE));
    HubConfig config = HubConfig.load(Map.of("HUB_PORT", "0"), new String[0]);
    try (Hub hub = Hub.builder(config, Store.of(SqliteEventStore.open(dir))).routes(routes).start()) {
      return HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/fails")).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void a_body_the_budget_cannot_cover_while_another_is_read_answers_503_with_retry_after_unread_and_is_counted() throws Exception {
    int limit = 64 * 1024;
    try (TestHub hub = TestHub.configured(dir, Map.of("HUB_MAX_BODY_BYTES", Integer.toString(limit),
            "HUB_BODY_BUDGET", Integer.toString(limit)));
        Socket slow = new Socket("127.0.0.1", hub.hub().port())) {
      // A body that holds the whole budget and never ends: its request waits for the rest.
      OutputStream out = slow.getOutputStream();
      out.write(("POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + limit
          + "\r\n\r\n[").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] small = ("[" + TestEvents.json(TestEvents.newId()) + "]").getBytes(StandardCharsets.UTF_8);
      AtomicReference<HttpResponse<String>> refused = new AtomicReference<>();

      // Until the slow request's handler has taken the budget, the small one is taken and stored.
      Await.until("a request refused for the budget", () -> {
        HttpResponse<String> answer = hub.post("application/json", small);
        refused.set(answer);
        return answer.statusCode() != 200;
      });

      HttpResponse<String> answer = refused.get();
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
      assertThat(answer.headers().firstValue("Retry-After")).isPresent();
      assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
          t -> assertThat(t).startsWith(Problem.CONTENT_TYPE));
      assertThat(TestEvents.parse(answer.body()).path("type").asText()).isEqualTo("urn:annals:problem:busy");
      assertThat(hub.metric("annals_hub_ingest_body_budget_refusals_total{reason=\"busy\"}"))
          .as("the refusal counted").isEqualTo(1.0);
    }
  }
}
