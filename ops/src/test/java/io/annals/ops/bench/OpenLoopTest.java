package io.annals.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The open-loop generator against a scripted HTTP server: every scheduled event sent once, answers checked. */
class OpenLoopTest {

  private HttpServer server;
  private final Set<String> bodies = ConcurrentHashMap.newKeySet();
  private final AtomicInteger requests = new AtomicInteger();

  private URI serve(int status, boolean close) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/events", exchange -> answer(exchange, status, close));
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void answer(HttpExchange exchange, int status, boolean close) throws IOException {
    requests.incrementAndGet();
    bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    if (close) {
      exchange.close();
      return;
    }
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void every_event_of_the_schedule_is_sent_once_and_only_those_due_after_the_warm_up_are_measured() throws IOException {
    URI hub = serve(201, false);

    // 200 events/s for 0.5 s of warm-up and 1 s measured: 300 events, the last 200 measured
    Load.Singles singles = OpenLoop.run(hub, 200, 4, Duration.ofMillis(500), Duration.ofSeconds(1), 7);

    assertThat(singles.all()).isEqualTo(300);
    assertThat(requests.get()).isEqualTo(300);
    assertThat(bodies).hasSize(300); // each a different event
    assertThat(singles.created()).isEqualTo(200);
    assertThat(singles.latency().count()).isEqualTo(200);
    assertThat(singles.overloaded()).isZero();
  }

  @Test
  void an_answer_other_than_created_or_overloaded_fails_the_run_with_its_status() throws IOException {
    URI hub = serve(400, false);

    assertThatThrownBy(() -> OpenLoop.run(hub, 100, 2, Duration.ofMillis(100), Duration.ofMillis(200), 7))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("400");
  }

  @Test
  void a_connection_the_server_closes_fails_the_run() throws IOException {
    URI hub = serve(201, true);

    assertThatThrownBy(() -> OpenLoop.run(hub, 100, 2, Duration.ofMillis(100), Duration.ofMillis(200), 7))
        .hasMessageContaining("closed a connection");
  }
}
