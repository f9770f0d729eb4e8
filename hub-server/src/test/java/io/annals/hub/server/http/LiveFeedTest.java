package io.annals.hub.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.Await;
import io.annals.hub.server.TestEvents;
import io.annals.hub.server.TestHub;
import io.annals.hub.server.query.Cursor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /feed?wait=} and {@code GET /feed/stream} on a real hub: answers, bounds, release of
 * clients that go away, and the stop. No timing is asserted except where the promise is about time
 * itself (a wait that ends, a stop within the graceful timeout); deadlines only turn hangs into failures.
 */
class LiveFeedTest {

  private static final String CE_BATCH = "application/cloudevents-batch+json";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  @Test
  void a_long_poll_waiting_after_the_end_of_the_feed_answers_with_the_event_posted_while_it_waits() throws Exception {
    try (TestHub hub = TestHub.sqlite(dir)) {
      String next = TestEvents.parse(hub.get("/feed").body()).get("next").asText();
      CompletableFuture<HttpResponse<String>> poll = getAsync(hub, "/feed?wait=60s&after=" + next);
      Await.until("the long poll waits", () -> waiters(hub, "long_poll") == 1);
      assertThat(poll).isNotDone();

      String id = TestEvents.newId();
      assertThat(hub.postJson(TestEvents.json(id)).statusCode()).isEqualTo(201);

      HttpResponse<String> answer = poll.get(60, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      JsonNode page = TestEvents.parse(answer.body());
      assertThat(page.get("events")).extracting(e -> e.get("id").asText()).containsExactly(id);
      assertThat(waiters(hub, "long_poll")).isZero();
    }
  }

  @Test
  void an_event_is_in_this_hubs_feed_as_soon_as_its_post_returns_without_waiting_for_the_periodic_publication() {
    // Heartbeats 10 s apart: the periodic publication would show the event only up to 10 s later.
    try (TestHub hub = TestHub.configured(dir, Map.of("HUB_FEED_HEARTBEAT", "10s", "HUB_FEED_LAG", "30s"))) {
      String next = TestEvents.parse(hub.get("/feed").body()).get("next").asText();
      for (int i = 0; i < 3; i++) {
        String id = TestEvents.newId();
        assertThat(hub.postJson(TestEvents.json(id)).statusCode()).isEqualTo(201);

        JsonNode page = TestEvents.parse(hub.get("/feed?after=" + next).body());

        assertThat(page.get("events")).extracting(e -> e.get("id").asText()).containsExactly(id);
        next = page.get("next").asText();
      }
    }
  }

  @Test
  void a_long_poll_with_nothing_new_ends_at_its_wait_with_an_empty_page_and_a_next_cursor() throws Exception {
    try (TestHub hub = TestHub.sqlite(dir)) {
      String next = TestEvents.parse(hub.get("/feed").body()).get("next").asText();
      long started = System.nanoTime();
      HttpResponse<String> answer = hub.get("/feed?wait=1s&after=" + next);
      long tookMillis = (System.nanoTime() - started) / 1_000_000;

      assertThat(answer.statusCode()).isEqualTo(200);
      JsonNode page = TestEvents.parse(answer.body());
      assertThat(page.get("events")).isEmpty();
      assertThat(page.get("next").asText()).isNotEmpty();
      assertThat(tookMillis).as("it waited for its wait").isGreaterThanOrEqualTo(1000);
    }
  }

  @Test
  void a_long_poll_that_finds_events_answers_at_once_like_the_plain_feed() throws Exception {
    try (TestHub hub = TestHub.sqlite(dir)) {
      String id = TestEvents.newId();
      hub.postJson(TestEvents.json(id));
      Await.until("the event is in the feed", () -> TestEvents.parse(hub.get("/feed").body()).get("events").size() == 1);

      JsonNode page = TestEvents.parse(hub.get("/feed?wait=60s").body());

      assertThat(page.get("events")).extracting(e -> e.get("id").asText()).containsExactly(id);
    }
  }

  @Test
  void a_long_poll_asking_for_the_cloudevents_batch_form_waits_and_answers_the_event_as_a_cloudevents_batch() throws Exception {
    try (TestHub hub = TestHub.sqlite(dir)) {
      String next = TestEvents.parse(hub.get("/feed").body()).get("next").asText();
      CompletableFuture<HttpResponse<String>> poll = getAsync(hub, "/feed?wait=60s&after=" + next, CE_BATCH);
      Await.until("the long poll waits", () -> waiters(hub, "long_poll") == 1);
      assertThat(poll).isNotDone();

      String id = TestEvents.newId();
      assertThat(hub.postJson(TestEvents.json(id)).statusCode()).isEqualTo(201);

      HttpResponse<String> answer = poll.get(60, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(CE_BATCH));
      JsonNode batch = TestEvents.parse(answer.body());
      assertThat(batch.isArray()).as(answer.body()).isTrue();
      assertThat(batch).extracting(e -> e.get("id").asText()).containsExactly(id);
      assertThat(batch.get(0).get("specversion").asText()).isEqualTo("1.0");
      assertThat(batch.get(0).has("receivedat")).isTrue();
      assertThat(answer.headers().firstValue("Annals-Event-Count")).hasValue("1");
      assertThat(answer.headers().firstValue("Annals-Stable-Until")).isPresent();
      // next travels in a header in this form: following it, the event is not served again.
      String after = answer.headers().firstValue("Annals-Next-Cursor").orElseThrow();
      assertThat(TestEvents.parse(hub.get("/feed?after=" + after).body()).get("events")).isEmpty();
      assertThat(waiters(hub, "long_poll")).isZero();
    }
  }

  @Test
  void a_cloudevents_long_poll_with_nothing_new_ends_with_an_empty_batch_and_the_next_cursor_in_its_header() throws Exception {
    try (TestHub hub = TestHub.sqlite(dir)) {
      String first = TestEvents.newId();
      hub.postJson(TestEvents.json(first));
      Await.until("the event is in the feed", () -> TestEvents.parse(hub.get("/feed").body()).get("events").size() == 1);
      String next = TestEvents.parse(hub.get("/feed").body()).get("next").asText();

      long started = System.nanoTime();
      HttpResponse<String> empty = getAsync(hub, "/feed?wait=1s&after=" + next, CE_BATCH).get(60, TimeUnit.SECONDS);
      long tookMillis = (System.nanoTime() - started) / 1_000_000;

      assertThat(tookMillis).as("it waited for its wait").isGreaterThanOrEqualTo(1000);
      assertThat(empty.statusCode()).isEqualTo(200);
      assertThat(empty.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(CE_BATCH));
      assertThat(empty.body()).isEqualTo("[]");
      assertThat(empty.headers().firstValue("Annals-Event-Count")).hasValue("0");
      String after = empty.headers().firstValue("Annals-Next-Cursor").orElseThrow();
      // The cursor of an empty page never moves back; in either form it continues right after what was read.
      assertThat(Cursor.position(after, "after")).satisfies(p -> assertThat(
          p.receivedAt()).isAfterOrEqualTo(Cursor.position(next, "after").receivedAt()));
      String later = TestEvents.newId();
      hub.postJson(TestEvents.json(later));
      HttpResponse<String> resumed = getAsync(hub, "/feed?wait=60s&after=" + after, CE_BATCH).get(60, TimeUnit.SECONDS);
      assertThat(TestEvents.parse(resumed.body())).extracting(e -> e.get("id").asText()).containsExactly(later);
      // The JSON form's empty answer carries the same cursor in its body and in the same header.
      HttpResponse<String> json = hub.get("/feed?wait=1s&after=" + resumed.headers().firstValue("Annals-Next-Cursor").orElseThrow());
      assertThat(TestEvents.parse(json.body()).get("events")).isEmpty();
      assertThat(json.headers().firstValue("Annals-Next-Cursor")).hasValue(TestEvents.parse(json.body()).get("next").asText());
    }
  }

  @Test
  void a_long_poll_whose_client_pipelines_another_request_is_answered_a_valid_empty_page_then_the_next_request()
      throws Exception {
    try (TestHub hub = TestHub.sqlite(dir)) {
      String next = TestEvents.parse(hub.get("/feed").body()).get("next").asText();
      try (Socket s = new Socket("127.0.0.1", hub.hub().port())) {
        s.setSoTimeout(60_000);
        OutputStream out = s.getOutputStream();
        out.write(("GET /feed?wait=60s&after=" + next + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Await.until("the long poll waits", () -> waiters(hub, "long_poll") == 1);

        // More bytes on the waiting connection: the hub stops waiting (it cannot tell this from a close).
        out.write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        String[] poll = RawAnswer.read(in);
        String[] live = RawAnswer.read(in);

        assertThat(poll[0]).startsWith("HTTP/1.1 200");
        JsonNode page = TestEvents.parse(poll[1]);
        assertThat(page.get("events")).isEmpty();
        assertThat(page.get("next").asText()).isNotEmpty();
        assertThat(live[0]).startsWith("HTTP/1.1 200");
      }
      assertThat(waiters(hub, "long_poll")).isZero();
    }
  }

  @Test
  void a_wait_beyond_60_seconds_or_not_a_duration_is_refused_naming_wait() {
    try (TestHub hub = TestHub.sqlite(dir)) {
      for (String wait : List.of("61s", "2m", "30", "soon", "-1s")) {
        HttpResponse<String> answer = hub.get("/feed?wait=" + wait);
        assertThat(answer.statusCode()).as(wait).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
        assertThat(answer.body()).as(wait).contains("wait");
      }
      assertThat(hub.get("/feed?wait=0s&limit=1").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void waiters_beyond_the_bound_per_caller_are_answered_429_with_retry_after() throws Exception {
    try (TestHub hub = TestHub.configured(dir, Map.of("HUB_FEED_MAX_WAITERS_PER_KEY", "2"))) {
      String next = TestEvents.parse(hub.get("/feed").body()).get("next").asText();
      List<CompletableFuture<HttpResponse<String>>> polls = List.of(
          getAsync(hub, "/feed?wait=60s&after=" + next), getAsync(hub, "/feed?wait=60s&after=" + next));
      Await.until("two long polls wait", () -> waiters(hub, "long_poll") == 2);

      HttpResponse<String> third = hub.get("/feed?wait=60s&after=" + next);
      HttpResponse<String> stream = hub.get("/feed/stream?after=" + next);

      for (HttpResponse<String> refused : List.of(third, stream)) {
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.body()).contains("HUB_FEED_MAX_WAITERS_PER_KEY");
      }
      hub.postJson(TestEvents.json(TestEvents.newId()));
      for (CompletableFuture<HttpResponse<String>> poll : polls) {
        assertThat(poll.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void waiters_beyond_the_bound_in_total_are_answered_429() throws Exception {
    try (TestHub hub = TestHub.configured(dir, Map.of("HUB_FEED_MAX_WAITERS", "1"))) {
      String next = TestEvents.parse(hub.get("/feed").body()).get("next").asText();
      CompletableFuture<HttpResponse<String>> first = getAsync(hub, "/feed?wait=2s&after=" + next);
      Await.until("one long poll waits", () -> waiters(hub, "long_poll") == 1);

      HttpResponse<String> second = hub.get("/feed?wait=60s&after=" + next);

      assertThat(second.statusCode()).isEqualTo(429);
      assertThat(second.body()).contains("HUB_FEED_MAX_WAITERS");
      assertThat(first.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void ten_thousand_clients_that_disconnect_while_waiting_are_all_released() throws Exception {
    try (TestHub hub = TestHub.configured(dir, Map.of("HUB_RATE_LIMIT", "1000000"))) {
      String next = TestEvents.parse(hub.get("/feed").body()).get("next").asText();
      int clients = 10_000;
      int wave = 200;
      for (int done = 0; done < clients; done += wave) {
        long opened = System.nanoTime();
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < wave; i++) {
          Socket s = new Socket("127.0.0.1", hub.hub().port());
          String path = (done + i) % 10 == 0 ? "/feed/stream?after=" + next : "/feed?wait=60s&after=" + next;
          s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          sockets.add(s);
        }
        Await.until("a wave of clients waits", () -> waiters(hub, "long_poll") + waiters(hub, "stream") >= wave);
        for (Socket s : sockets) {
          s.close();
        }
        Await.until("every client that went away is released", () -> waiters(hub, "long_poll") + waiters(hub, "stream") == 0);
        // released because they went away, not because their 60 s wait ended (streams have no end)
        assertThat(System.nanoTime() - opened).isLessThan(Duration.ofSeconds(60).toNanos());
      }

      // and the hub still answers waiting consumers afterwards
      CompletableFuture<HttpResponse<String>> poll = getAsync(hub, "/feed?wait=60s&after=" + next);
      Await.until("a new long poll waits", () -> waiters(hub, "long_poll") == 1);
      hub.postJson(TestEvents.json(TestEvents.newId()));
      assertThat(TestEvents.parse(poll.get(60, TimeUnit.SECONDS).body()).get("events")).hasSize(1);
    }
  }

  @Test
  void a_stream_sends_each_event_with_its_cursor_as_id_and_resumes_after_last_event_id() throws Exception {
    try (TestHub hub = TestHub.sqlite(dir)) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ids.add(TestEvents.newId());
        hub.postJson(TestEvents.json(ids.get(i)));
      }
      List<String[]> first;
      try (SseReader sse = SseReader.open(hub.hub().port(), "/feed/stream", null)) {
        first = sse.events(3);
      }
      assertThat(first).extracting(e -> TestEvents.parse(e[1]).get("id").asText()).containsExactlyElementsOf(ids);

      String later = TestEvents.newId();
      hub.postJson(TestEvents.json(later));
      try (SseReader sse = SseReader.open(hub.hub().port(), "/feed/stream", first.get(1)[0])) {
        List<String[]> resumed = sse.events(2);
        assertThat(resumed).extracting(e -> TestEvents.parse(e[1]).get("id").asText()).containsExactly(ids.get(2), later);
      }
    }
  }

  @Test
  void a_stream_sends_only_the_types_asked_for_and_events_posted_while_it_is_open() throws Exception {
    try (TestHub hub = TestHub.sqlite(dir)) {
      try (SseReader sse = SseReader.open(hub.hub().port(), "/feed/stream?types=wanted", null)) {
        Await.until("the stream waits", () -> waiters(hub, "stream") == 1);
        String other = TestEvents.newId();
        String wanted = TestEvents.newId();
        com.fasterxml.jackson.databind.node.ObjectNode w = TestEvents.node(wanted);
        ((com.fasterxml.jackson.databind.node.ObjectNode) w.get("meta")).put("type", "wanted");
        hub.postJson(TestEvents.json(other));
        hub.postJson(w.toString());

        List<String[]> events = sse.events(1);

        assertThat(events).extracting(e -> TestEvents.parse(e[1]).get("id").asText()).containsExactly(wanted);
      }
      Await.until("the closed stream is released", () -> waiters(hub, "stream") == 0);
    }
  }

  @Test
  void a_bad_last_event_id_is_refused_naming_it() {
    try (TestHub hub = TestHub.sqlite(dir)) {
      HttpResponse<String> answer = hub.send(HttpRequest.newBuilder(hub.uri("/feed/stream"))
          .header("Last-Event-ID", "not-a-cursor").timeout(Duration.ofSeconds(30)).GET().build());

      assertThat(answer.statusCode()).isEqualTo(400);
      assertThat(answer.body()).contains("Last-Event-ID");
    }
  }

  @Test
  void stopping_the_hub_answers_every_waiter_within_the_graceful_timeout() throws Exception {
    TestHub hub = TestHub.sqlite(dir);
    String next = TestEvents.parse(hub.get("/feed").body()).get("next").asText();
    List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      polls.add(getAsync(hub, "/feed?wait=60s&after=" + next));
    }
    SseReader stream = SseReader.open(hub.hub().port(), "/feed/stream?after=" + next, null);
    Await.until("the waiters wait", () -> waiters(hub, "long_poll") == 50 && waiters(hub, "stream") == 1);

    long started = System.nanoTime();
    hub.close();
    long tookMillis = (System.nanoTime() - started) / 1_000_000;

    // graceful timeout: the ingest timeout (10 s) + 5 s; the waits themselves would have lasted 60 s
    assertThat(tookMillis).isLessThan(15_000);
    for (CompletableFuture<HttpResponse<String>> poll : polls) {
      HttpResponse<String> answer = poll.get(5, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(TestEvents.parse(answer.body()).get("events")).isEmpty();
    }
    assertThat(stream.endOfStream()).isTrue();
    stream.close();
  }

  private static CompletableFuture<HttpResponse<String>> getAsync(TestHub hub, String path) {
    return getAsync(hub, path, "application/json");
  }

  private static CompletableFuture<HttpResponse<String>> getAsync(TestHub hub, String path, String accept) {
    return HTTP.sendAsync(HttpRequest.newBuilder(hub.uri(path)).timeout(Duration.ofSeconds(90)).header("Accept", accept)
        .GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int waiters(TestHub hub, String kind) {
    return (int) hub.metric("annals_hub_feed_waiters{kind=\"" + kind + "\"");
  }

  /** Reads one HTTP/1.1 answer from a raw socket: {status line, body} (Content-Length or chunked). */
  static final class RawAnswer {
    private RawAnswer() {}

    static String[] read(InputStream in) throws IOException {
      String status = line(in);
      int length = -1;
      boolean chunked = false;
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        String lower = header.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Integer.parseInt(lower.substring("content-length:".length()).trim());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        }
      }
      java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
      if (chunked) {
        for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
          body.write(in.readNBytes(size));
          line(in);
        }
        line(in);
      } else if (length >= 0) {
        body.write(in.readNBytes(length));
      }
      return new String[] {status, body.toString(StandardCharsets.UTF_8)};
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("connection closed in the middle of an answer: " + line);
        }
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }
  }

  /** A minimal server-sent events reader over a raw socket (HTTP/1.1, the hub answers close-delimited or chunked). */
  static final class SseReader implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;

    private SseReader(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    static SseReader open(int port, String path, String lastEventId) throws IOException {
      Socket s = new Socket("127.0.0.1", port);
      s.setSoTimeout(90_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
          + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      SseReader reader = new SseReader(s);
      String status = reader.in.readLine();
      if (status == null || !status.contains(" 200 ")) {
        throw new AssertionError("stream answered " + status);
      }
      String line;
      while ((line = reader.in.readLine()) != null && !line.isEmpty()) {
        // headers
      }
      return reader;
    }

    /** The next {@code n} events as {id, data}; chunk-size lines of chunked encoding are skipped. */
    List<String[]> events(int n) throws IOException {
      List<String[]> events = new ArrayList<>();
      String id = null;
      String line;
      while (events.size() < n && (line = in.readLine()) != null) {
        if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("data: ")) {
          events.add(new String[] {id, line.substring(6)});
        }
      }
      return events;
    }

    /** Reads to the end: true when the hub ended the stream. */
    boolean endOfStream() throws IOException {
      InputStream raw = socket.getInputStream();
      while (in.readLine() != null) {
        // the hub's goodbye comment and chunk trailers
      }
      return raw.read() == -1;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
