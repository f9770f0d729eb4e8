package io.annals.hub.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.testsupport.HubProcess;
import io.annals.hub.server.TestEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection, case 7 of issue 19: the real hub in a child JVM, spoken to over raw sockets
 * with what HTTP clients do not send. Every answer the HTTP layer makes on its own is problem
 * details; a refused body is not invited with {@code 100 Continue}; a client that trickles its
 * headers is answered 408 and disconnected at the header deadline.
 */
class ProtocolEdgeFaultTest {

  private static final int MAX_BODY = 64 * 1024;

  @TempDir static Path dir;
  static HubProcess hub;

  @BeforeAll
  static void start_hub() throws Exception {
    hub = HubProcess.builder(dir.resolve("hub.log")).dataDir(dir)
        .args("--max-body-bytes", Integer.toString(MAX_BODY), "--header-timeout", "2s").start();
    hub.port();
  }

  @AfterAll
  static void stop_hub() throws Exception {
    hub.close();
  }

  @Test
  void a_uri_too_long_answers_414_as_problem_details() throws Exception {
    RawHttp.Answer answer = exchange("GET /events/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");

    assertThat(answer.status()).isEqualTo(414);
    assertProblem(answer, 414);
    assertThat(TestEvents.parse(answer.body()).path("type").asText()).isEqualTo("urn:annals:problem:uri-too-long");
  }

  @Test
  void headers_too_large_answer_431_as_problem_details() throws Exception {
    RawHttp.Answer answer = exchange("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Padding: " + "p".repeat(20_000)
        + "\r\n\r\n");

    assertThat(answer.status()).isEqualTo(431);
    assertProblem(answer, 431);
    assertThat(TestEvents.parse(answer.body()).path("type").asText()).isEqualTo("urn:annals:problem:headers-too-large");
  }

  @Test
  void a_nul_in_the_path_answers_400_as_problem_details() throws Exception {
    RawHttp.Answer answer = exchange("GET /events/%00 HTTP/1.1\r\nHost: x\r\n\r\n");

    assertThat(answer.status()).isEqualTo(400);
    assertProblem(answer, 400);
  }

  @Test
  void both_content_length_and_transfer_encoding_answer_400_as_problem_details() throws Exception {
    String body = TestEvents.json(TestEvents.newId());
    RawHttp.Answer answer = exchange("POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length() + "\r\nTransfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n");

    assertThat(answer.status()).isEqualTo(400);
    assertProblem(answer, 400);
  }

  @Test
  void expect_100_continue_with_a_declared_body_over_the_limit_gets_413_without_100_continue() throws Exception {
    try (RawHttp http = new RawHttp(hub.port())) {
      http.send("POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
          + "Content-Length: " + (MAX_BODY + 1) + "\r\n\r\n");

      RawHttp.Answer answer = http.finalAnswer();

      assertThat(answer.status()).isEqualTo(413);
      assertProblem(answer, 413);
      assertThat(http.text()).doesNotContain("100 Continue");
    }
  }

  @Test
  void expect_100_continue_with_a_body_within_the_limit_gets_100_continue_and_then_its_answer() throws Exception {
    byte[] body = TestEvents.json(TestEvents.newId()).getBytes(StandardCharsets.UTF_8);
    try (RawHttp http = new RawHttp(hub.port())) {
      http.send("POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n");

      assertThat(http.awaitText("HTTP/1.1 100 Continue\r\n\r\n", 1)).as("100 Continue before the body").isTrue();
      http.send(body);

      assertThat(http.finalAnswer().status()).isEqualTo(201);
    }
  }

  @Test
  void a_client_trickling_header_lines_is_answered_408_and_disconnected_at_the_header_deadline() throws Exception {
    try (RawHttp http = new RawHttp(hub.port())) {
      http.send("GET /health/live HTTP/1.1\r\nHost: x\r\n");

      assertThat(trickledUntilTheHubEnds(http)).as("the hub ended the request before its headers were complete")
          .isTrue();
      assertRequestTimeout(http);
    }
    // The hub still serves well-behaved clients.
    assertThat(exchange("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").status()).isEqualTo(200);
  }

  @Test
  void a_request_line_cut_short_is_answered_408_at_the_header_deadline() throws Exception {
    try (RawHttp http = new RawHttp(hub.port())) {
      http.send("GET /health/li");

      assertRequestTimeout(http);
    }
  }

  @Test
  void a_connection_that_sent_no_byte_of_a_request_is_closed_at_the_header_deadline_without_an_answer()
      throws Exception {
    try (RawHttp http = new RawHttp(hub.port())) {
      http.send("\r\n"); // a blank line before a request line: allowed, and not yet a request

      assertThat(http.closedByHubWithin(20_000)).as("closed; received: %s", http.text()).isTrue();
      assertThat(http.text()).as("nothing answered to no request").isEmpty();
    }
  }

  @Test
  void a_kept_alive_connection_idle_longer_than_the_header_deadline_still_serves_its_next_request() throws Exception {
    try (RawHttp http = new RawHttp(hub.port())) {
      http.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(http.finalAnswer().status()).isEqualTo(200);

      // Idle between requests: the deadline counts from a request's first byte, not from the last answer.
      Thread.sleep(3_000);

      assertThat(http.closedByHubWithin(50)).isFalse();
      http.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(http.awaitText("HTTP/1.1 200 ", 2)).as("two answers on one connection: %s", http.text()).isTrue();
    }
  }

  @Test
  void a_second_request_trickling_its_headers_on_a_kept_alive_connection_is_answered_408_at_its_deadline()
      throws Exception {
    try (RawHttp http = new RawHttp(hub.port())) {
      http.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(http.finalAnswer().status()).isEqualTo(200);
      http.forget();
      // The connection's timer, armed by the first request, fires while the second one trickles:
      // it must watch the second request's deadline rather than forget the connection.
      Thread.sleep(1_500);
      http.send("GET /health/live HTTP/1.1\r\nHost: x\r\n");

      assertThat(trickledUntilTheHubEnds(http)).as("the hub ended the second request before its headers were complete")
          .isTrue();
      assertRequestTimeout(http);
    }
  }

  @Test
  void a_pipelined_second_request_whose_start_came_with_the_first_is_answered_408_at_its_deadline() throws Exception {
    try (RawHttp http = new RawHttp(hub.port())) {
      // One write: the whole first request and the start of the second. Its first bytes were read
      // with the first request's, so no read of its own starts it: its clock must start all the same.
      http.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\nGET /health/live HTTP/1.1\r\nHost: x\r\n");
      assertThat(http.finalAnswer().status()).isEqualTo(200);
      http.forget();

      assertThat(trickledUntilTheHubEnds(http)).as("the hub ended the second request before its headers were complete")
          .isTrue();
      assertRequestTimeout(http);
    }
  }

  /**
   * One header line every 500 ms for up to 60 s (never idle for long, never done; the deadline is
   * 2 s) until the hub answers or closes the connection: true when it did.
   */
  private static boolean trickledUntilTheHubEnds(RawHttp http) throws InterruptedException {
    try {
      for (int line = 0; line < 120; line++) {
        Thread.sleep(500);
        http.send("X-Slow-" + line + ": still coming\r\n");
        // A short wait: "nothing yet" means still open; a byte read is kept for the answer.
        if (http.closedByHubWithin(50) || !http.text().isEmpty()) {
          return true;
        }
      }
      return false;
    } catch (java.io.IOException e) {
      return true; // the write failed: the hub closed the connection
    }
  }

  /** The hub answers 408 problem details with Connection: close, then closes the connection. */
  private static void assertRequestTimeout(RawHttp http) throws Exception {
    RawHttp.Answer answer = http.finalAnswer();

    assertThat(answer.status()).as("answer: %s", http.text()).isEqualTo(408);
    assertThat(answer.header("connection")).isEqualTo("close");
    assertProblem(answer, 408);
    assertThat(TestEvents.parse(answer.body()).path("type").asText()).isEqualTo("urn:annals:problem:request-timeout");
    assertThat(TestEvents.parse(answer.body()).path("detail").asText()).contains("within 2 s", "HUB_HEADER_TIMEOUT");
    assertThat(http.closedByHubWithin(10_000)).as("closed after the 408").isTrue();
  }

  private static RawHttp.Answer exchange(String request) throws Exception {
    try (RawHttp http = new RawHttp(hub.port())) {
      http.send(request);
      return http.finalAnswer();
    }
  }

  private static void assertProblem(RawHttp.Answer answer, int status) {
    assertThat(answer.header("content-type")).as("Content-Type of %s", answer).startsWith("application/problem+json");
    assertThat(TestEvents.parse(answer.body()).path("status").asInt()).as("status member of %s", answer.body())
        .isEqualTo(status);
  }
}
