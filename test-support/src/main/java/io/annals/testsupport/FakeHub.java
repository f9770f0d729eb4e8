package io.annals.testsupport;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * A stand-in for the hub's {@code POST /events} (a batch, or one event) on the JDK's HTTP server,
 * with the outcome rules of DESIGN.md: it stores events by id and answers created / duplicate /
 * conflict per event. An event is invalid when its envelope breaks the required fields (id a
 * UUID, meta.service, type, aggregate_id, created_at no more than 5 min ahead, payload an object)
 * or its type is {@code "invalid"}; a request holding an event of type {@code "unreadable"} is
 * refused whole with 400; one holding an event of type {@code "poison"} fails whole with 500 (a hub
 * bug that one event triggers) until {@link #curePoison}. Scripted answers ({@link #answerNext}) come first. Not the hub: just
 * enough to check what a client sends and how it counts answers, without the hub's module.
 */
public final class FakeHub implements AutoCloseable {

  private volatile boolean poisonCured;

  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  /** One request as the hub saw it; {@code authorization} is null without the header. */
  public record Request(long atNanos, List<String> ids, String authorization) {}

  /** Why an event is invalid: a JSON pointer to the field and what is wrong with it. */
  private record Invalid(String pointer, String detail) {}

  /** A canned answer to a whole request. */
  private record Canned(int status, String retryAfter, String body) {}

  /** Decimals kept exactly as sent (scale included), as the hub keeps them. */
  private final ObjectMapper json = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true)).build();
  private final Clock clock;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final Map<String, JsonNode> stored = new ConcurrentHashMap<>();
  private final Map<String, Integer> deliveries = new ConcurrentHashMap<>();
  private final List<JsonNode> received = new CopyOnWriteArrayList<>();
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final ConcurrentLinkedQueue<Canned> script = new ConcurrentLinkedQueue<>();

  /** Listens on a free loopback port; judges created_at by the system clock. */
  public FakeHub() throws IOException {
    this(Clock.systemUTC());
  }

  public FakeHub(Clock clock) throws IOException {
    this.clock = clock;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/events", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The next {@code times} requests get {@code status} (with Retry-After seconds when not null). */
  public FakeHub answerNext(int times, int status, String retryAfter) {
    for (int i = 0; i < times; i++) {
      script.add(new Canned(status, retryAfter, "{\"title\":\"scripted " + status + "\"}"));
    }
    return this;
  }

  /** Pretends the hub already holds {@code event} (for conflicts). */
  public void store(JsonNode event) {
    stored.put(event.path("id").asText(), withoutReceivedAt(event));
  }

  /** The events held, by id (live view). */
  public Map<String, JsonNode> stored() {
    return stored;
  }

  /** Every event received, in order of arrival, answered or not. */
  public List<JsonNode> received() {
    return List.copyOf(received);
  }

  /** How many requests carried the event {@code id}. */
  public int timesReceived(String id) {
    return deliveries.getOrDefault(id, 0);
  }

  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      JsonNode body = json.readTree(exchange.getRequestBody());
      List<JsonNode> events = new ArrayList<>();
      if (body.isArray()) {
        body.forEach(events::add);
      } else {
        events.add(body);
      }
      List<String> ids = events.stream().map(e -> e.path("id").asText()).toList();
      requests.add(new Request(System.nanoTime(), ids, exchange.getRequestHeaders().getFirst("Authorization")));
      ids.forEach(id -> deliveries.merge(id, 1, Integer::sum));
      received.addAll(events);
      Canned canned = script.poll();
      if (canned != null) {
        if (canned.retryAfter() != null) {
          exchange.getResponseHeaders().set("Retry-After", canned.retryAfter());
        }
        respond(exchange, canned.status(), canned.body());
        return;
      }
      if (events.stream().anyMatch(e -> e.path("meta").path("type").asText().equals("unreadable"))) {
        respond(exchange, 400, "{\"title\":\"Bad Request\",\"detail\":\"request body is not readable\"}");
        return;
      }
      if (!poisonCured && events.stream().anyMatch(e -> e.path("meta").path("type").asText().equals("poison"))) {
        respond(exchange, 500, "{\"title\":\"Internal Server Error\",\"detail\":\"a bug\"}");
        return;
      }
      if (!body.isArray()) {
        ObjectNode result = judge(body);
        int status = switch (result.get("outcome").asText()) {
          case "created" -> 201;
          case "duplicate" -> 200;
          case "conflict" -> 409;
          default -> 400;
        };
        respond(exchange, status, result.toString());
        return;
      }
      ArrayNode results = json.createArrayNode();
      events.forEach(event -> results.add(judge(event)));
      ObjectNode answer = json.createObjectNode();
      answer.set("results", results);
      respond(exchange, 200, answer.toString());
    }
  }

  private ObjectNode judge(JsonNode event) {
    ObjectNode result = json.createObjectNode();
    String id = event.path("id").asText();
    result.put("id", id);
    Invalid invalid = invalidField(event);
    if (invalid != null) {
      result.put("outcome", "invalid");
      result.putArray("errors").addObject().put("pointer", invalid.pointer()).put("detail", invalid.detail());
      return result;
    }
    JsonNode before = stored.putIfAbsent(id, withoutReceivedAt(event));
    String outcome = before == null ? "created" : before.equals(withoutReceivedAt(event)) ? "duplicate" : "conflict";
    result.put("outcome", outcome);
    if (!outcome.equals("conflict")) {
      result.put("received_at", clock.instant().toString());
    }
    return result;
  }

  /** The JSON pointer of the first field that makes {@code event} invalid and what is wrong with it, or null. */
  private Invalid invalidField(JsonNode event) {
    JsonNode meta = event.path("meta");
    if (!UUID.matcher(event.path("id").asText()).matches()) {
      return new Invalid("/id", "must be a UUID");
    }
    if (!meta.isObject() || !event.path("payload").isObject()) {
      return new Invalid(meta.isObject() ? "/payload" : "/meta", "must be an object");
    }
    for (String field : List.of("service", "type", "aggregate_id", "created_at")) {
      if (meta.path(field).asText().isEmpty()) {
        return new Invalid("/meta/" + field, "is required");
      }
    }
    if (meta.path("type").asText().equals("invalid")) {
      return new Invalid("/payload/amount", "must be a decimal with a currency");
    }
    try {
      Instant createdAt = OffsetDateTime.parse(meta.get("created_at").asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .toInstant();
      return createdAt.isAfter(clock.instant().plus(CLOCK_SKEW)) ? new Invalid("/meta/created_at", "is in the future") : null;
    } catch (RuntimeException e) {
      return new Invalid("/meta/created_at", "must be an ISO-8601 time with offset");
    }
  }

  private static JsonNode withoutReceivedAt(JsonNode event) {
    JsonNode copy = event.deepCopy();
    if (copy.path("meta") instanceof ObjectNode meta) {
      meta.remove("received_at");
    }
    return copy;
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", status < 300 ? "application/json" : "application/problem+json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** From now on events of type {@code "poison"} are stored like any other. */
  public void curePoison() {
    poisonCured = true;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
