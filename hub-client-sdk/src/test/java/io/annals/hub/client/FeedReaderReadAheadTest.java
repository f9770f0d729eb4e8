package io.annals.hub.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reader asks for the next pages as soon as full pages' headers name them (two ahead of the
 * caller), and hands an answer to the call that asks for exactly that page; a partial or failed answer read ahead is
 * never what a caller gets. Against a scripted feed: page k holds events k*2 and k*2+1 up to
 * {@code size}, cursors are "c1", "c2", ...
 */
class FeedReaderReadAheadTest {

  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger size = new AtomicInteger(5);
  private final Map<String, Integer> failOnce = new ConcurrentHashMap<>();
  private FeedReader reader;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/feed", this::feed);
    server.start();
    reader = FeedReader.of("http://127.0.0.1:" + server.getAddress().getPort(), null);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void feed(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    String after = null;
    for (String p : query.split("&")) {
      if (p.startsWith("after=")) {
        after = URLDecoder.decode(p.substring(6), StandardCharsets.UTF_8);
      }
    }
    if (after != null && failOnce.remove(after) != null) {
      requests.add(query);
      respond(exchange, 503, Map.of(), "{\"title\":\"busy\"}");
      return;
    }
    int page = after == null ? 0 : Integer.parseInt(after.substring(1));
    StringBuilder events = new StringBuilder();
    int count = 0;
    for (int i = page * 2; i < Math.min(size.get(), page * 2 + 2); i++, count++) {
      events.append(count == 0 ? "" : ",").append("{\"id\":\"e").append(i).append("\",\"meta\":{\"service\":\"s\",")
          .append("\"type\":\"t\",\"created_at\":\"2026-01-01T00:00:00.000000Z\",\"aggregate_id\":\"a\",")
          .append("\"received_at\":\"2026-01-01T00:00:01.000000Z\"},\"payload\":{}}");
    }
    String next = "c" + (page + (count == 2 ? 1 : 0));
    String body = "{\"events\":[" + events + "],\"next\":\"" + next + "\",\"stable_until\":\"2026-01-01T00:00:02.000000Z\"}";
    // Recorded once the page is made: a test that saw the request may change the feed after it.
    requests.add(query);
    respond(exchange, 200, Map.of("Annals-Next-Cursor", next, "Annals-Event-Count", Integer.toString(count)), body);
  }

  private static void respond(HttpExchange exchange, int status, Map<String, String> headers, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void awaitRequests(int n) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (requests.size() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("expected " + n + " requests, the feed saw " + requests);
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static List<String> ids(FeedPage page) {
    return page.events().stream().map(ReceivedEvent::id).toList();
  }

  @Test
  void a_full_page_makes_the_reader_ask_for_the_next_ones_which_the_next_calls_take() {
    size.set(5);
    FeedPage first = reader.read(null, Set.of(), 2);
    awaitRequests(3); // c1 at once, c2 when c1's headers showed it full

    FeedPage second = reader.read(first.next(), Set.of(), 2);
    FeedPage third = reader.read(second.next(), Set.of(), 2);

    assertThat(ids(first)).containsExactly("e0", "e1");
    assertThat(ids(second)).containsExactly("e2", "e3");
    assertThat(ids(third)).containsExactly("e4");
    // Page c2 was read ahead but held one event, not two: the call asked for it afresh.
    assertThat(requests).containsExactly("limit=2", "limit=2&after=c1", "limit=2&after=c2", "limit=2&after=c2");
  }

  @Test
  void the_reader_keeps_two_pages_asked_for_ahead_of_its_caller_and_no_more() throws InterruptedException {
    size.set(1000);
    FeedPage first = reader.read(null, Set.of(), 2);
    awaitRequests(3);
    Thread.sleep(200);
    assertThat(requests).containsExactly("limit=2", "limit=2&after=c1", "limit=2&after=c2");

    reader.read(first.next(), Set.of(), 2);
    awaitRequests(4);
    Thread.sleep(200);
    assertThat(requests).containsExactly("limit=2", "limit=2&after=c1", "limit=2&after=c2", "limit=2&after=c3");
  }

  @Test
  void a_partial_page_read_ahead_is_asked_for_again_so_a_tailing_caller_sees_what_arrived_since() {
    size.set(3);
    FeedPage first = reader.read(null, Set.of(), 2);
    awaitRequests(2); // page c1 read ahead holds only e2
    size.set(4); // e3 arrives

    FeedPage second = reader.read(first.next(), Set.of(), 2);

    assertThat(ids(second)).containsExactly("e2", "e3");
    // (The page asked for afresh is full, so page c2 may be asked for ahead after these.)
    assertThat(List.copyOf(requests).subList(0, 3)).containsExactly("limit=2", "limit=2&after=c1", "limit=2&after=c1");
  }

  @Test
  void a_failed_read_ahead_is_asked_for_again_and_a_caller_asking_elsewhere_is_not_given_it() {
    failOnce.put("c1", 1);
    FeedPage first = reader.read(null, Set.of(), 2);
    awaitRequests(2);

    FeedPage again = reader.read(first.next(), Set.of(), 2);
    FeedPage elsewhere = reader.read(null, Set.of("other"), 2);

    assertThat(ids(again)).containsExactly("e2", "e3");
    assertThat(ids(elsewhere)).containsExactly("e0", "e1");
    assertThat(List.copyOf(requests).subList(0, 3)).containsExactly("limit=2", "limit=2&after=c1", "limit=2&after=c1");
    assertThat(requests).contains("limit=2&types=other");
  }

  @Test
  void an_error_answer_still_reaches_the_caller_of_a_page_that_was_not_read_ahead() {
    failOnce.put("c9", 1);
    assertThatThrownBy(() -> reader.read("c9", Set.of(), 2)).isInstanceOf(HubException.class).hasMessageContaining("503");
  }
}
