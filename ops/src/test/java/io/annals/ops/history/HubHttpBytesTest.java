package io.annals.ops.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The export's page GETs as bytes: the body byte for byte, the key sent, 429/503 waited out as {@link HubHttp#get} does, errors answered. */
class HubHttpBytesTest {

  private HttpServer server;
  private final List<Long> sleeps = new CopyOnWriteArrayList<>();
  private final List<String> keys = new CopyOnWriteArrayList<>();

  private String serve(int busyAnswers, int busyStatus, String retryAfter, int finalStatus, byte[] body) throws IOException {
    AtomicInteger asked = new AtomicInteger();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/feed", exchange -> {
      keys.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      boolean busy = asked.getAndIncrement() < busyAnswers;
      byte[] answer = busy ? "{\"title\":\"busy\"}".getBytes(StandardCharsets.UTF_8) : body;
      if (busy && retryAfter != null) {
        exchange.getResponseHeaders().add("Retry-After", retryAfter);
      }
      exchange.sendResponseHeaders(busy ? busyStatus : finalStatus, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void a_page_comes_back_byte_for_byte_with_the_key_sent_after_two_503_answers_waited_out() throws IOException {
    byte[] page = "{\"events\":[{\"id\":\"é\",\"payload\":{\"amount\":3.0000}}],\"next\":null}".getBytes(StandardCharsets.UTF_8);
    HubHttp hub = new HubHttp(serve(2, 503, "2", 200, page), "k1", sleeps::add);
    HubHttp.Bytes answer = hub.getBytes("/feed?limit=10");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo(page);
    assertThat(sleeps).containsExactly(2000L, 2000L);
    assertThat(keys).containsOnly("Bearer k1").hasSize(3);
  }

  @Test
  void a_429_without_retry_after_is_waited_out_for_a_second() throws IOException {
    HubHttp hub = new HubHttp(serve(1, 429, null, 200, "{}".getBytes(StandardCharsets.UTF_8)), null, sleeps::add);
    assertThat(hub.getBytes("/feed").status()).isEqualTo(200);
    assertThat(sleeps).containsExactly(1000L);
    assertThat(keys).containsExactly("null", "null");
  }

  @Test
  void an_error_answer_is_returned_with_its_body_not_retried() throws IOException {
    byte[] problem = "{\"title\":\"bad cursor\"}".getBytes(StandardCharsets.UTF_8);
    HubHttp hub = new HubHttp(serve(0, 503, null, 400, problem), null, sleeps::add);
    HubHttp.Bytes answer = hub.getBytes("/feed?after=x");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.text()).isEqualTo("{\"title\":\"bad cursor\"}");
    assertThat(sleeps).isEmpty();
  }

  @Test
  void a_hub_that_stays_busy_or_cannot_be_reached_ends_in_a_hub_exception_after_the_attempts() throws IOException {
    HubHttp busy = new HubHttp(serve(Integer.MAX_VALUE, 503, "1", 200, new byte[0]), null, sleeps::add);
    assertThatThrownBy(() -> busy.getBytes("/feed")).isInstanceOf(HubHttp.HubException.class).hasMessageContaining("answered 503 30 times");

    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    HubHttp unreachable = new HubHttp("http://127.0.0.1:" + closedPort, null, ms -> { });
    assertThatThrownBy(() -> unreachable.getBytes("/feed")).isInstanceOf(HubHttp.HubException.class).hasMessageContaining("cannot reach");
  }
}
