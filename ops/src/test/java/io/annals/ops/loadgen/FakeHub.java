package io.annals.ops.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * A stand-in for the hub's {@code POST /events} with the outcome rules of DESIGN.md and the
 * envelope checks the load generator's invalid events break. Not the hub: just enough to check
 * what the generator sends and how it counts answers, without another module.
 */
final class FakeHub implements AutoCloseable {

  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final ObjectMapper json = new ObjectMapper();
  private final HttpServer server;
  private final Map<String, JsonNode> stored = new ConcurrentHashMap<>();
  final List<JsonNode> received = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();

  FakeHub() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/events", this::handle);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      JsonNode body = json.readTree(exchange.getRequestBody());
      if (body.isArray()) {
        ArrayNode results = json.createArrayNode();
        body.forEach(event -> results.addObject().put("id", event.path("id").asText()).put("outcome", outcome(event)));
        ObjectNode answer = json.createObjectNode();
        answer.set("results", results);
        reply(exchange, 200, answer.toString());
        return;
      }
      String outcome = outcome(body);
      int status = switch (outcome) {
        case "created" -> 201;
        case "duplicate" -> 200;
        case "conflict" -> 409;
        default -> 400;
      };
      reply(exchange, status, "{}");
    }
  }

  private String outcome(JsonNode event) {
    received.add(event);
    if (!valid(event)) {
      return "invalid";
    }
    JsonNode before = stored.putIfAbsent(event.get("id").asText(), event);
    return before == null ? "created" : before.equals(event) ? "duplicate" : "conflict";
  }

  private static boolean valid(JsonNode event) {
    JsonNode meta = event.path("meta");
    if (!UUID.matcher(event.path("id").asText()).matches() || !meta.isObject() || !event.path("payload").isObject()) {
      return false;
    }
    for (String field : List.of("service", "type", "aggregate_id", "created_at")) {
      if (meta.path(field).asText().isEmpty()) {
        return false;
      }
    }
    try {
      Instant createdAt = OffsetDateTime.parse(meta.get("created_at").asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      return !createdAt.isAfter(Instant.now().plusSeconds(300));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
