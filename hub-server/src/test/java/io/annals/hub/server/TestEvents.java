package io.annals.hub.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.ingest.StrictJson;
import java.util.UUID;

/** Builds submitted events as JSON for tests; every event is valid unless a test changes it. */
public final class TestEvents {

  public static final ObjectMapper JSON = StrictJson.mapper();

  private TestEvents() {}

  public static String newId() {
    return UUID.randomUUID().toString();
  }

  /** A valid event with this id, as a tree to modify. */
  public static ObjectNode node(String id) {
    ObjectNode event = JSON.createObjectNode();
    event.put("id", id);
    ObjectNode meta = event.putObject("meta");
    meta.put("service", "billing");
    meta.put("type", "payment-completed");
    meta.put("created_at", "2026-01-01T12:00:00.000Z");
    meta.put("aggregate_id", "payment/23");
    meta.put("correlation_id", "container/subscription/42");
    event.putObject("payload").put("amount", "3.0000/EUR").put("n", new java.math.BigDecimal("3.0000"));
    return event;
  }

  /** A valid event with this id, as JSON text. */
  public static String json(String id) {
    return node(id).toString();
  }

  /** Parses an answer body. */
  public static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (Exception e) {
      throw new AssertionError("answer is not JSON: " + body, e);
    }
  }
}
