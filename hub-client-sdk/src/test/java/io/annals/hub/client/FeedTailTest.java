package io.annals.hub.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tailing: long polls ({@code wait=}) from cursor to cursor until a page holds events; close stops it. */
class FeedTailTest {

  private static final String EMPTY = "{\"events\":[],\"next\":\"c%d\",\"stable_until\":\"2026-01-01T00:00:02.000000Z\"}";
  private static final String ONE = "{\"events\":[{\"id\":\"e1\",\"meta\":{\"service\":\"s\",\"type\":\"t\","
      + "\"created_at\":\"2026-01-01T12:00:00.000000Z\",\"aggregate_id\":\"a\",\"received_at\":\"2026-01-01T12:00:01.000000Z\"},"
      + "\"payload\":{}}],\"next\":\"c9\",\"stable_until\":\"2026-01-01T12:00:03.000000Z\"}";

  private final List<String> queries = new CopyOnWriteArrayList<>();
  private final AtomicInteger answers = new AtomicInteger();
  private volatile int emptyAnswers = 3;
  // A hub that answers `emptyAnswers` empty pages, then a page with one event.
  private final HttpServer server = feedServer(this::answer);

  private static HttpServer feedServer(com.sun.net.httpserver.HttpHandler handler) {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      s.createContext("/feed", handler);
      s.start();
      return s;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    queries.add(exchange.getRequestURI().getRawQuery());
    int n = answers.incrementAndGet();
    byte[] bytes = (n <= emptyAnswers ? String.format(EMPTY, n) : ONE).getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Test
  void a_tail_long_polls_from_each_next_cursor_until_a_page_holds_events() {
    FeedReader reader = FeedReader.of("http://127.0.0.1:" + server.getAddress().getPort(), null);

    try (FeedTail tail = reader.tail("c0", Set.of("t"), 10, Duration.ofSeconds(20))) {
      FeedPage page = tail.next();

      assertThat(page.events()).extracting(ReceivedEvent::id).containsExactly("e1");
      assertThat(tail.cursor()).isEqualTo("c9");
    }
    assertThat(queries).hasSize(4);
    assertThat(queries).allSatisfy(q -> assertThat(q).contains("wait=20000ms").contains("types=t"));
    assertThat(queries).extracting(q -> q.replaceAll(".*after=([^&]*).*", "$1")).containsExactly("c0", "c1", "c2", "c3");
  }

  @Test
  void the_wait_is_cut_below_the_readers_timeout_and_a_closed_tail_has_no_next() {
    FeedReader reader = FeedReader.of("http://127.0.0.1:" + server.getAddress().getPort(), null, Duration.ofSeconds(30));
    emptyAnswers = 0;

    reader.read(null, Set.of(), 10, Duration.ofMinutes(5));

    assertThat(queries.get(0)).contains("wait=25000ms");
    FeedTail tail = reader.tail(null, Set.of(), 10, Duration.ofSeconds(1));
    tail.close();
    assertThat(tail.hasNext()).isFalse();
  }
}
