package io.annals.hub.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.client.internal.trace.TraceContext;
import io.annals.hub.client.internal.delivery.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An event to publish, made with {@link Events#of}. Unset fields are filled at publish: the id
 * with a new UUIDv7, {@code meta.service} with the client's service, {@code meta.created_at} with
 * the client's clock. Not thread-safe; a builder without an id may be published again and each
 * publish makes a new event.
 */
public final class EventBuilder {

  private static final Pattern UUID =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final String type;
  private final String aggregateId;
  private String id;
  private String service;
  private String createdAt;
  private String correlationId;
  private final java.util.Map<String, String> extensions = new java.util.TreeMap<>();
  private ObjectNode payload = Json.object();

  EventBuilder(String type, String aggregateId) {
    this.type = requireText(type, "meta.type");
    this.aggregateId = requireText(aggregateId, "meta.aggregate_id");
  }

  /**
   * Sets an extension attribute ({@code meta.extensions}): a CloudEvents attribute name
   * (lower-case letters and digits) and a string value; null removes it. {@code publish} adds the
   * current {@code traceparent}/{@code tracestate} by itself when OpenTelemetry is on the
   * classpath; one set here wins.
   *
   * @param name the attribute's name
   * @param value its value, or null to remove it
   * @return this builder
   */
  public EventBuilder extension(String name, String value) {
    requireText(name, "meta.extensions name");
    if (value == null) {
      extensions.remove(name);
    } else {
      extensions.put(name, value);
    }
    return this;
  }

  /**
   * Links the event to others of one business process ({@code meta.correlation_id}); null clears it.
   *
   * @param correlationId the correlation id, or null
   * @return this builder
   */
  public EventBuilder correlationId(String correlationId) {
    this.correlationId = correlationId;
    return this;
  }

  /**
   * Sets the payload: a {@code Map}, a Jackson {@code JsonNode} or any object Jackson can
   * serialise, which must come out as a JSON object. It is converted now, so later changes to
   * {@code payload} do not show.
   *
   * @param payload the payload
   * @return this builder
   * @throws IllegalArgumentException when it does not serialise to a JSON object
   */
  public EventBuilder payload(Object payload) {
    JsonNode node;
    try {
      node = payload instanceof JsonNode json ? json.deepCopy() : Json.tree(payload);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("payload cannot be serialised to JSON: " + e.getMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("payload must serialise to a JSON object, was: "
          + (node == null ? "null" : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
    }
    this.payload = (ObjectNode) node;
    return this;
  }

  /**
   * Keeps a producer-chosen id instead of a new UUIDv7: re-publishing the same id is idempotent
   * at the hub (it answers {@code duplicate}).
   *
   * @param id a UUID in canonical form
   * @return this builder
   * @throws IllegalArgumentException when {@code id} is not a UUID in canonical form
   */
  public EventBuilder id(String id) {
    if (id == null || !UUID.matcher(id).matches()) {
      throw new IllegalArgumentException("id must be a UUID like 0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11, was: " + id);
    }
    this.id = id.toLowerCase(Locale.ROOT);
    return this;
  }

  /**
   * Sets {@code meta.service}, overriding the client's service name for this event.
   *
   * @param service the service name
   * @return this builder
   */
  public EventBuilder service(String service) {
    this.service = requireText(service, "meta.service");
    return this;
  }

  /**
   * Sets {@code meta.created_at} (e.g. for imports of history) instead of the clock at publish.
   *
   * @param createdAt when the event happened
   * @return this builder
   */
  public EventBuilder createdAt(Instant createdAt) {
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt").truncatedTo(ChronoUnit.MICROS).toString();
    return this;
  }

  /** Keeps {@code meta.created_at} as the producer wrote it; the caller has checked it is ISO-8601. */
  EventBuilder createdAtText(String createdAt) {
    this.createdAt = createdAt;
    return this;
  }

  /**
   * The id this builder publishes with, or null when each publish makes a new one.
   *
   * @return the id, or null
   */
  public String id() {
    return id;
  }

  /** One event in the hub's envelope: its id and its JSON bytes. */
  record Envelope(String id, byte[] json) {}

  Envelope toEnvelope(String defaultService, UuidV7 ids, Instant now) {
    String eventId = id != null ? id : ids.next().toString();
    ObjectNode root = Json.object();
    root.put("id", eventId);
    ObjectNode meta = root.putObject("meta");
    meta.put("service", service != null ? service : defaultService);
    meta.put("type", type);
    meta.put("created_at", createdAt != null ? createdAt : now.truncatedTo(ChronoUnit.MICROS).toString());
    meta.put("aggregate_id", aggregateId);
    if (correlationId != null) {
      meta.put("correlation_id", correlationId);
    }
    java.util.Map<String, String> ext = new java.util.TreeMap<>(TraceContext.current());
    ext.putAll(extensions);
    if (!ext.isEmpty()) {
      // Only then: an event published outside a trace (or without OpenTelemetry) is as before.
      ObjectNode node = meta.putObject("extensions");
      ext.forEach(node::put);
    }
    root.set("payload", payload);
    try {
      return new Envelope(eventId, Json.WRITER.writeValueAsBytes(root));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write event " + eventId + " as JSON", e);
    }
  }

  private static String requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must be a non-empty string, was: "
          + (value == null ? "null" : "\"" + value + "\""));
    }
    return value;
  }
}
