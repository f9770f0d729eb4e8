package io.annals.hub.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the feed reader sends and how it reports a hub that answers badly or not at all. */
class FeedReaderTransportTest {

  private static final String EMPTY_PAGE =
      "{\"events\":[],\"next\":\"c0\",\"stable_until\":\"2026-01-01T00:00:02.000000Z\"}";

  private HttpServer server;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String body = EMPTY_PAGE;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/feed", this::answer);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void the_api_key_goes_as_a_bearer_token_on_every_request() {
    FeedReader reader = FeedReader.of(url(), "k3y");

    reader.read(null, Set.of(), 10);
    reader.lag(null, Set.of());

    assertThat(authorizations).containsExactly("Bearer k3y", "Bearer k3y");
  }

  @Test
  void an_error_answer_is_reported_with_its_status_and_body_and_whether_a_retry_may_help() {
    FeedReader reader = FeedReader.of(url(), null);
    status = 400;
    body = "{\"title\":\"bad after\",\"errors\":[{\"field\":\"after\"}]}";

    assertThatThrownBy(() -> reader.read("nonsense", Set.of(), 10))
        .isInstanceOfSatisfying(HubException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.retryable()).isFalse();
        })
        .hasMessageContaining("bad after");

    status = 503;
    assertThatThrownBy(() -> reader.read(null, Set.of(), 10))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.retryable()).isTrue());
  }

  @Test
  void a_body_that_is_not_a_feed_page_is_reported_as_unreadable() {
    FeedReader reader = FeedReader.of(url(), null);
    body = "<html>a proxy's error page</html>";

    assertThatThrownBy(() -> reader.read(null, Set.of(), 10))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("unreadable feed page");
  }

  @Test
  void a_hub_that_cannot_be_reached_is_reported_as_retryable_with_no_status() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    FeedReader reader = FeedReader.of("http://127.0.0.1:" + closedPort, null);

    assertThatThrownBy(() -> reader.read(null, Set.of(), 10))
        .isInstanceOfSatisfying(HubException.class, e -> {
          assertThat(e.status()).isZero();
          assertThat(e.retryable()).isTrue();
        })
        .hasMessageContaining("unreachable");
  }
}
