package io.annals.ops.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * The few hub calls that export and import make, over plain HTTP/1.1 with the caller's API key.
 * A 429 or 503 is waited out (its {@code Retry-After}, else one second) and retried, up to a bound,
 * so that a long export or import rides over a hub that is briefly busy or restarting.
 *
 * <p>The export's pages ({@link #getBytes}) come over the JDK's blocking {@link HttpURLConnection}
 * as bytes, as the SDK's {@code FeedHttp} fetches them (the SDK measured 0.4 ms of CPU per 280 KB
 * page this way against 1.7 ms with {@code java.net.http.HttpClient}; docs/decisions.md), and the
 * export cuts them without decoding them to text (issue 26).
 */
final class HubHttp {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 30;

  /** A status and body. */
  record Answer(int status, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new HubException("the hub answered " + status + " with a body that is not JSON: " + abbreviate(body));
      }
    }
  }

  /** A status and body as bytes, as the hub sent them. */
  record Bytes(int status, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** The hub refused or could not be reached: what the user must be told, in one line. */
  static final class HubException extends RuntimeException {
    HubException(String message) {
      super(message);
    }
  }

  private final URI hub;
  private final String apiKey;
  private final HttpClient http;
  private final LongConsumer sleeper;

  HubHttp(String hub, String apiKey, LongConsumer sleeper) {
    this.hub = URI.create(hub.endsWith("/") ? hub.substring(0, hub.length() - 1) : hub);
    this.apiKey = apiKey;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    this.sleeper = sleeper;
  }

  static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  Answer get(String pathAndQuery) {
    return send(request(pathAndQuery).GET().build());
  }

  Answer post(String path, String contentType, String body) {
    return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  /**
   * A GET whose body is read as bytes (keep-alive connections of the JDK's cache, several at once
   * from several threads), with the same waiting out of 429 and 503 as {@link #get}.
   */
  Bytes getBytes(String pathAndQuery) {
    HubException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create(hub + pathAndQuery).toURL().openConnection();
        c.setConnectTimeout(5_000);
        c.setReadTimeout(120_000);
        c.setUseCaches(false);
        if (apiKey != null) {
          c.setRequestProperty("Authorization", "Bearer " + apiKey);
        }
        int status = c.getResponseCode();
        byte[] body;
        // Read to the end and closed, so that the connection goes back to the keep-alive cache.
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
          body = in == null ? new byte[0] : in.readAllBytes();
        }
        if (status != 429 && status != 503) {
          return new Bytes(status, body);
        }
        last = new HubException("GET " + pathAndQuery + " answered " + status + " " + ATTEMPTS + " times: "
            + abbreviate(new String(body, StandardCharsets.UTF_8)));
        String retryAfter = c.getHeaderField("Retry-After");
        sleeper.accept((retryAfter == null ? 1L : seconds(retryAfter)) * 1000);
      } catch (IOException e) {
        last = new HubException("cannot reach " + hub + ": " + e);
        sleeper.accept(1000);
      }
    }
    throw last;
  }

  /** A GET that must answer 200, as JSON. */
  JsonNode getJson(String pathAndQuery) {
    Answer a = get(pathAndQuery);
    if (a.status() != 200) {
      throw new HubException("GET " + pathAndQuery + " answered " + a.status() + ": " + abbreviate(a.body()));
    }
    return a.json();
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub + path)).timeout(Duration.ofMinutes(2));
    if (apiKey != null) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    return b;
  }

  private Answer send(HttpRequest request) {
    HubException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 429 && r.statusCode() != 503) {
          return new Answer(r.statusCode(), r.body());
        }
        last = new HubException(request.method() + " " + request.uri().getPath() + " answered " + r.statusCode() + " "
            + ATTEMPTS + " times: " + abbreviate(r.body()));
        sleeper.accept(r.headers().firstValue("Retry-After").map(HubHttp::seconds).orElse(1L) * 1000);
      } catch (IOException e) {
        last = new HubException("cannot reach " + hub + ": " + e);
        sleeper.accept(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HubException("interrupted");
      }
    }
    throw last;
  }

  private static long seconds(String retryAfter) {
    try {
      return Math.max(1, Math.min(30, Long.parseLong(retryAfter.trim())));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
