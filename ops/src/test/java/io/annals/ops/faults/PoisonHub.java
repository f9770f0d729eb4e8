package io.annals.ops.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * A test hub with a bug that one event triggers: {@code POST /events} answers 500 to every batch
 * holding the event whose id is the first argument, and stores every other batch like the hub
 * (created / duplicate per event). {@code GET /ids} lists the stored ids, one a line. Run as a
 * child JVM; prints {@code listening on <port>} once it serves. The real hub has no such bug,
 * which is why the poison fault test needs this one.
 */
public final class PoisonHub {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String poisonId;
  private final Map<String, Boolean> stored = new ConcurrentHashMap<>();

  private PoisonHub(String poisonId) {
    this.poisonId = poisonId;
  }

  public static void main(String[] args) throws IOException {
    PoisonHub hub = new PoisonHub(args[0]);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/events", hub::events);
    server.createContext("/ids", hub::ids);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    System.out.println("listening on " + server.getAddress().getPort());
    System.out.flush();
  }

  private void events(HttpExchange exchange) throws IOException {
    try (exchange) {
      JsonNode batch = JSON.readTree(exchange.getRequestBody().readAllBytes());
      for (JsonNode event : batch) {
        if (event.path("id").asText().equals(poisonId)) {
          respond(exchange, 500, "application/problem+json",
              "{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500}");
          return;
        }
      }
      ArrayNode results = JSON.createArrayNode();
      for (JsonNode event : batch) {
        String id = event.path("id").asText();
        boolean created = stored.putIfAbsent(id, Boolean.TRUE) == null;
        ObjectNode result = results.addObject();
        result.put("id", id).put("outcome", created ? "created" : "duplicate").put("received_at", Instant.now().toString());
      }
      ObjectNode answer = JSON.createObjectNode();
      answer.set("results", results);
      respond(exchange, 200, "application/json", answer.toString());
    }
  }

  private void ids(HttpExchange exchange) throws IOException {
    try (exchange) {
      respond(exchange, 200, "text/plain", String.join("\n", stored.keySet()));
    }
  }

  private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
