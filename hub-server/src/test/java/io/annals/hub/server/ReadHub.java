package io.annals.hub.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A real hub on port 0 over a given store and clock, with the feed lag a test asks for and no
 * rate limit to speak of, and a plain HTTP client for the read side.
 */
public final class ReadHub implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Hub hub;

  private ReadHub(Hub hub) {
    this.hub = hub;
  }

  /** A hub on {@code store} whose local clock is {@code clock}; it owns the store. */
  public static ReadHub start(Store store, Clock clock, Duration feedLag, Path dataDir) {
    HubConfig config = HubConfig.load(Map.of(
        "HUB_PORT", "0",
        "HUB_DATA_DIR", dataDir.toString(),
        "HUB_FEED_LAG", feedLag.toMillis() + "ms",
        "HUB_RATE_LIMIT", "1000000"), new String[0]);
    return new ReadHub(Hub.start(config, store, clock));
  }

  public static ReadHub start(Store store, Path dataDir) {
    return start(store, Clock.systemUTC(), Duration.ofSeconds(5), dataDir);
  }

  public Hub hub() {
    return hub;
  }

  public int port() {
    return hub.port();
  }

  /** GET {@code pathAndQuery}, which the caller has encoded. */
  public HttpResponse<String> get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + pathAndQuery)).GET());
  }

  /** GET that must answer 200; its body as JSON. */
  public JsonNode getJson(String pathAndQuery) {
    HttpResponse<String> answer = get(pathAndQuery);
    if (answer.statusCode() != 200) {
      throw new AssertionError("GET " + pathAndQuery + " answered " + answer.statusCode() + ": " + answer.body());
    }
    return TestEvents.parse(answer.body());
  }

  public HttpResponse<String> postJson(String json) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/events"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    hub.close();
  }
}
