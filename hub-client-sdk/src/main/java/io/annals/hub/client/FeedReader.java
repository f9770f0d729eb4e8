package io.annals.hub.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Reads the hub's projection feed ({@code GET /feed}) page by page. Following {@code next}
 * cursors yields every acknowledged event of the requested types exactly once, in
 * {@code (received_at, id)} order. Thread-safe; holds no cursor itself (the caller checkpoints it).
 */
public final class FeedReader {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private final URI hub;
  private final String apiKey;
  private final HttpClient http;
  private final Duration timeout;

  private FeedReader(URI hub, String apiKey, Duration timeout) {
    this.hub = hub;
    this.apiKey = apiKey;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** A reader of the hub at {@code hubUrl} (e.g. {@code http://localhost:8080}); {@code apiKey} may be null. */
  public static FeedReader of(String hubUrl, String apiKey) {
    return of(hubUrl, apiKey, Duration.ofSeconds(30));
  }

  public static FeedReader of(String hubUrl, String apiKey, Duration timeout) {
    Objects.requireNonNull(hubUrl, "hubUrl");
    String base = hubUrl.endsWith("/") ? hubUrl.substring(0, hubUrl.length() - 1) : hubUrl;
    URI uri = URI.create(base);
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException("hub URL must be absolute, like http://host:8080, was: " + hubUrl);
    }
    return new FeedReader(uri, apiKey, timeout);
  }

  /**
   * Reads the page after {@code after} (null = from the beginning of history) holding at most
   * {@code limit} events whose type is in {@code types} (empty = every type).
   *
   * @throws HubException when the hub answers an error or cannot be reached
   */
  public FeedPage read(String after, Collection<String> types, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was: " + limit);
    }
    StringBuilder query = new StringBuilder("/feed?limit=").append(limit);
    if (types != null && !types.isEmpty()) {
      query.append("&types=").append(encode(String.join(",", types)));
    }
    if (after != null) {
      query.append("&after=").append(encode(after));
    }
    return parse(get(query.toString()));
  }

  private byte[] get(String pathAndQuery) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(hub.resolve(pathAndQuery)).timeout(timeout).GET()
            .header("Accept", "application/json");
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new HubException("hub " + hub + " unreachable: " + e, 0, true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HubException("interrupted while reading the feed", 0, true, e);
    }
    if (response.statusCode() != 200) {
      int status = response.statusCode();
      boolean retryable = status == 429 || status >= 500;
      throw new HubException(
          "GET " + pathAndQuery + " answered " + status + ": " + new String(response.body(), StandardCharsets.UTF_8),
          status, retryable, null);
    }
    return response.body();
  }

  /**
   * Asks the hub how many events of {@code types} (empty = all) lie after {@code after} (null =
   * the beginning) and below its stable point ({@code GET /feed/lag}).
   *
   * @throws HubException when the hub answers an error or cannot be reached
   */
  public FeedLag lag(String after, Collection<String> types) {
    StringBuilder query = new StringBuilder("/feed/lag?");
    if (types != null && !types.isEmpty()) {
      query.append("types=").append(encode(String.join(",", types))).append('&');
    }
    if (after != null) {
      query.append("after=").append(encode(after));
    }
    byte[] body = get(query.toString());
    try {
      JsonNode root = JSON.readTree(body);
      return new FeedLag(
          root.path("events").asLong(),
          root.path("oldest_received_at").isTextual()
              ? Instant.parse(root.get("oldest_received_at").asText()) : null,
          root.path("stable_until").isTextual() ? Instant.parse(root.get("stable_until").asText()) : null);
    } catch (IOException | RuntimeException e) {
      throw new HubException("unreadable feed lag: " + e.getMessage(), 200, false, e);
    }
  }

  static FeedPage parse(byte[] body) {
    try {
      JsonNode root = JSON.readTree(body);
      List<ReceivedEvent> events = new ArrayList<>();
      for (JsonNode node : root.path("events")) {
        events.add(toEvent(node));
      }
      String next = root.path("next").isTextual() ? root.get("next").asText() : null;
      Instant stable =
          root.path("stable_until").isTextual() ? Instant.parse(root.get("stable_until").asText()) : null;
      return new FeedPage(List.copyOf(events), next, stable);
    } catch (IOException | RuntimeException e) {
      throw new HubException("unreadable feed page: " + e.getMessage(), 200, false, e);
    }
  }

  /** Reads one event envelope as the hub returns it. */
  public static ReceivedEvent toEvent(JsonNode node) {
    JsonNode meta = node.path("meta");
    return new ReceivedEvent(
        node.path("id").asText(),
        meta.path("service").asText(),
        meta.path("type").asText(),
        Instant.parse(meta.path("created_at").asText()),
        meta.path("aggregate_id").asText(),
        meta.hasNonNull("correlation_id") ? meta.get("correlation_id").asText() : null,
        Instant.parse(meta.path("received_at").asText()),
        node.path("payload"));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
