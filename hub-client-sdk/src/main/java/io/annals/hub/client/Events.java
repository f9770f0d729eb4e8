package io.annals.hub.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.client.internal.delivery.Json;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Starts building events to publish: {@code Events.of("payment-completed", "payment/23").payload(...)}. */
public final class Events {

  private Events() {}

  /**
   * A new event of {@code type} about the aggregate {@code aggregateId}, with an empty payload.
   *
   * @param type the event type ({@code meta.type})
   * @param aggregateId the aggregate the event is about ({@code meta.aggregate_id})
   * @return a builder for the event
   */
  public static EventBuilder of(String type, String aggregateId) {
    return new EventBuilder(type, aggregateId);
  }

  /**
   * Reads an event written in the hub's envelope ({@code {"id", "meta": {...}, "payload"}}),
   * keeping what it holds: its id (so publishing it again is idempotent), service, created_at and
   * correlation_id; what it lacks is filled at publish. A {@code meta.received_at} is dropped (the
   * hub sets it).
   *
   * @param envelope the event as JSON text
   * @return a builder holding the event
   * @throws IllegalArgumentException naming the first field that is missing or malformed
   */
  public static EventBuilder fromJson(String envelope) {
    JsonNode root;
    try {
      root = Json.READER.readTree(envelope);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("an event must be a JSON object, was: " + kind(root));
    }
    JsonNode meta = root.path("meta");
    if (!meta.isObject()) {
      throw new IllegalArgumentException("meta must be an object holding type and aggregate_id, was: " + kind(meta));
    }
    EventBuilder event = of(text(meta, "meta.type", true), text(meta, "meta.aggregate_id", true));
    if (root.has("id")) {
      event.id(text(root, "id", true));
    }
    String service = text(meta, "meta.service", false);
    if (service != null) {
      event.service(service);
    }
    String createdAt = text(meta, "meta.created_at", false);
    if (createdAt != null) {
      try {
        OffsetDateTime.parse(createdAt);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "meta.created_at must be ISO-8601 with an offset, like 2026-01-01T12:00:00Z, was: \"" + createdAt + "\"");
      }
      event.createdAtText(createdAt);
    }
    event.correlationId(text(meta, "meta.correlation_id", false));
    JsonNode payload = root.get("payload");
    if (payload != null && !payload.isObject()) {
      throw new IllegalArgumentException("payload must be a JSON object, was: " + kind(payload));
    }
    return payload == null ? event : event.payload(payload);
  }

  /** The text at {@code name} (a path like {@code meta.type}; its last part is read from {@code node}). */
  private static String text(JsonNode node, String name, boolean required) {
    JsonNode value = node.get(name.substring(name.lastIndexOf('.') + 1));
    if (value == null || value.isNull()) {
      if (required) {
        throw new IllegalArgumentException(name + " is missing");
      }
      return null;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException(name + " must be a non-empty string, was: " + value);
    }
    return value.asText();
  }

  private static String kind(JsonNode node) {
    return node == null || node.isMissingNode() ? "nothing" : node.getNodeType().toString().toLowerCase(Locale.ROOT);
  }
}
