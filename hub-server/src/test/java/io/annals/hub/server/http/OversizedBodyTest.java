package io.annals.hub.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.TestApiKeys;
import io.annals.hub.server.TestHub;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A body far larger than the limit costs the hub no more than the limit: it is refused with 413
 * without being read whole, whether its length is declared or it is streamed in chunks, and the hub
 * keeps serving. Spoken over a raw socket, so that the test controls exactly what is sent.
 */
class OversizedBodyTest {

  private static final long OFFERED = 1L << 30; // 1 GiB, against a 64 KiB limit
  private static final int CHUNK = 64 * 1024;

  @TempDir Path dir;
  TestHub hub;

  @BeforeEach
  void start_hub() throws Exception {
    Path keys = TestApiKeys.write(Files.createDirectories(dir.resolve("keys")));
    hub = TestHub.configured(Files.createDirectories(dir.resolve("data")), Map.of(
        "HUB_API_KEYS_FILE", keys.toString(), "HUB_MAX_BODY_BYTES", "64KiB"));
  }

  @AfterEach
  void stop_hub() {
    hub.close();
  }

  @Test
  void a_declared_length_over_the_limit_is_refused_before_the_body_is_read() throws Exception {
    Exchange exchange = send("Content-Length: " + OFFERED + "\r\n", false);

    assertThat(exchange.response()).startsWith("HTTP/1.1 413");
    assertThat(exchange.response()).contains("urn:annals:problem:request-too-large");
    assertThat(exchange.bytesSent()).isLessThan(OFFERED / 32);
    assertTheHubStillServesAndStoredNothing();
  }

  @Test
  void a_chunked_body_over_the_limit_is_refused_after_reading_about_the_limit() throws Exception {
    Exchange exchange = send("Transfer-Encoding: chunked\r\n", true);

    assertThat(exchange.response()).startsWith("HTTP/1.1 413");
    // What the socket took is the limit plus what the kernels' buffers hold: far from the whole.
    assertThat(exchange.bytesSent()).isLessThan(OFFERED / 32);
    assertTheHubStillServesAndStoredNothing();
  }

  @Test
  void an_unauthenticated_oversized_body_is_refused_with_401_without_being_read() throws Exception {
    Exchange exchange = send("Content-Length: " + OFFERED + "\r\n", false, null);

    assertThat(exchange.response()).startsWith("HTTP/1.1 401");
    assertThat(exchange.bytesSent()).isLessThan(OFFERED / 32);
  }

  private void assertTheHubStillServesAndStoredNothing() {
    assertThat(hub.send(HttpRequest.newBuilder(hub.uri("/health/live")).GET().build()).statusCode()).isEqualTo(200);
    assertThat(hub.sqliteRowCount()).isZero();
  }

  record Exchange(String response, long bytesSent) {}

  private Exchange send(String lengthHeader, boolean chunked) throws Exception {
    return send(lengthHeader, chunked, TestApiKeys.PRODUCER);
  }

  /**
   * Sends headers and then body bytes until the hub answers or stops taking them; a second thread
   * reads the answer as soon as it comes.
   */
  private Exchange send(String lengthHeader, boolean chunked, String key) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", hub.hub().port())) {
      socket.setSoTimeout(60_000);
      InputStream in = socket.getInputStream();
      CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> readAll(in));
      OutputStream out = socket.getOutputStream();
      out.write(("POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + (key == null ? "" : "Authorization: Bearer " + key + "\r\n") + lengthHeader + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] data = new byte[CHUNK];
      Arrays.fill(data, (byte) ' ');
      byte[] chunkHeader = (Integer.toHexString(CHUNK) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      long sent = 0;
      try {
        while (sent < OFFERED && !response.isDone()) {
          if (chunked) {
            out.write(chunkHeader);
          }
          out.write(data);
          if (chunked) {
            out.write('\r');
            out.write('\n');
          }
          sent += CHUNK;
        }
      } catch (IOException e) {
        // The hub answered and closed the connection: it stopped reading, which is the point.
      }
      return new Exchange(response.get(60, TimeUnit.SECONDS), sent);
    }
  }

  private static String readAll(InputStream in) {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        answer.write(buffer, 0, n);
        if (answer.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n") && complete(answer)) {
          break;
        }
      }
    } catch (IOException e) {
      // A reset after the answer: keep what was read.
    }
    return answer.toString(StandardCharsets.UTF_8);
  }

  /** True once the whole answer (headers and a Content-Length body) has arrived. */
  private static boolean complete(ByteArrayOutputStream answer) {
    String text = answer.toString(StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text.substring(0, end));
    return !length.find() || text.length() - end - 4 >= Integer.parseInt(length.group(1));
  }
}
