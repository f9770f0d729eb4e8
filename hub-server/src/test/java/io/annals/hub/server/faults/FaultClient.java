package io.annals.hub.server.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.server.TestEvents;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * What the fault-injection suite does to a hub in a child process over HTTP: send events, read
 * answers, and follow the feed as a projection does (cursor in, {@code next} out), counting how
 * often each event was seen. The port is asked for at each call, so that one follower carries on
 * across a restart of the hub.
 */
final class FaultClient {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final IntSupplier port;
  private String cursor; // null: the start of history
  private final Map<String, Integer> seen = new LinkedHashMap<>();
  private final List<String> receivedAt = new ArrayList<>();

  FaultClient(IntSupplier port) {
    this.port = port;
  }

  /** POSTs one valid event with this id; the answer, or null when the hub could not be reached. */
  HttpResponse<String> post(String id) {
    return send(HttpRequest.newBuilder(uri("/events")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(TestEvents.json(id))).build());
  }

  /** POSTs a batch of valid events with these ids; the answer, or null when the hub could not be reached. */
  HttpResponse<String> postBatch(List<String> ids) {
    String body = ids.stream().map(TestEvents::json).collect(java.util.stream.Collectors.joining(",", "[", "]"));
    return send(HttpRequest.newBuilder(uri("/events")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  /** GETs {@code path}; null when the hub could not be reached. */
  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  /** Reads feed pages after the cursor until a page is not full; returns how many events it saw. */
  int follow() {
    int events = 0;
    while (true) {
      String query = "/feed?limit=500" + (cursor == null ? "" : "&after=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      HttpResponse<String> page = get(query);
      if (page == null || page.statusCode() != 200) {
        throw new AssertionError("feed read answered " + (page == null ? "nothing" : page.statusCode() + " " + page.body()));
      }
      JsonNode body = TestEvents.parse(page.body());
      for (JsonNode event : body.get("events")) {
        seen.merge(event.get("id").asText(), 1, Integer::sum);
        receivedAt.add(event.get("meta").get("received_at").asText());
        events++;
      }
      cursor = body.get("next").asText();
      if (body.get("events").size() < 500) {
        return events;
      }
    }
  }

  /** Each event id the follower saw, with how many times. */
  Map<String, Integer> seen() {
    return Map.copyOf(seen);
  }

  /** The received_at of every event seen, in the order seen. */
  List<String> receivedAtInOrder() {
    return List.copyOf(receivedAt);
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port.getAsInt() + path);
  }
}
