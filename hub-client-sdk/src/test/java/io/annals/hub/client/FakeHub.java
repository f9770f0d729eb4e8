package io.annals.hub.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.annals.hub.client.internal.delivery.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

/**
 * A stand-in for the hub's {@code POST /events} batch API on the JDK's HTTP server. It stores
 * events by id and answers created / duplicate / conflict per event like the hub; an event of type
 * {@code "invalid"} is answered invalid; a request holding an event of type {@code "unreadable"}
 * is refused whole with 400. Scripted answers ({@link #answerNext}) come first.
 */
final class FakeHub implements AutoCloseable {

  /** One request as the hub saw it. */
  record Request(long atNanos, List<String> ids, String authorization) {}

  /** A canned answer to a whole request. */
  record Canned(int status, String retryAfter, String body) {}

  private final HttpServer server;
  private final Map<String, JsonNode> stored = new ConcurrentHashMap<>();
  private final Map<String, Integer> deliveries = new ConcurrentHashMap<>();
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final ConcurrentLinkedQueue<Canned> script = new ConcurrentLinkedQueue<>();

  FakeHub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/events", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The next {@code times} requests get {@code status} (with Retry-After seconds when not null). */
  FakeHub answerNext(int times, int status, String retryAfter) {
    for (int i = 0; i < times; i++) {
      script.add(new Canned(status, retryAfter, "{\"title\":\"scripted " + status + "\"}"));
    }
    return this;
  }

  /** Pretends the hub already holds {@code event} (for conflicts). */
  void store(JsonNode event) {
    stored.put(event.path("id").asText(), withoutReceivedAt(event));
  }

  Map<String, JsonNode> stored() {
    return stored;
  }

  /** How many requests carried the event {@code id}. */
  int timesReceived(String id) {
    return deliveries.getOrDefault(id, 0);
  }

  List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      JsonNode batch = Json.READER.readTree(body);
      List<String> ids = new ArrayList<>();
      batch.forEach(e -> ids.add(e.path("id").asText()));
      requests.add(new Request(System.nanoTime(), ids,
          exchange.getRequestHeaders().getFirst("Authorization")));
      ids.forEach(id -> deliveries.merge(id, 1, Integer::sum));
      Canned canned = script.poll();
      if (canned != null) {
        if (canned.retryAfter() != null) {
          exchange.getResponseHeaders().set("Retry-After", canned.retryAfter());
        }
        respond(exchange, canned.status(), canned.body());
        return;
      }
      for (JsonNode event : batch) {
        if (event.path("meta").path("type").asText().equals("unreadable")) {
          respond(exchange, 400, "{\"title\":\"Bad Request\",\"detail\":\"request body is not readable\"}");
          return;
        }
      }
      ArrayNode results = Json.object().arrayNode();
      for (JsonNode event : batch) {
        results.add(judge(event));
      }
      ObjectNode answer = Json.object();
      answer.set("results", results);
      respond(exchange, 200, answer.toString());
    }
  }

  private ObjectNode judge(JsonNode event) {
    ObjectNode result = Json.object();
    String id = event.path("id").asText();
    result.put("id", id);
    if (event.path("meta").path("type").asText().equals("invalid")) {
      result.put("outcome", "invalid");
      ArrayNode errors = result.putArray("errors");
      errors.addObject().put("pointer", "/payload/amount").put("detail", "must be a decimal with a currency");
      return result;
    }
    JsonNode before = stored.putIfAbsent(id, withoutReceivedAt(event));
    String outcome = before == null ? "created" : before.equals(withoutReceivedAt(event)) ? "duplicate" : "conflict";
    result.put("outcome", outcome);
    if (!outcome.equals("conflict")) {
      result.put("received_at", Instant.now().toString());
    }
    return result;
  }

  private static JsonNode withoutReceivedAt(JsonNode event) {
    ObjectNode copy = event.deepCopy();
    ((ObjectNode) copy.path("meta")).remove("received_at");
    return copy;
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type",
        status == 200 ? "application/json" : "application/problem+json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
