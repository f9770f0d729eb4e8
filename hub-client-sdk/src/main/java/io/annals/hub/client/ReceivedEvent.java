package io.annals.hub.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.client.internal.delivery.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An event as the hub returns it (envelope plus {@code meta.received_at}). {@code correlationId}
 * may be null; {@code payload} is the JSON object the producer sent, decimals exact.
 *
 * <p>An event read from the feed keeps its payload as the JSON text the hub sent and builds the
 * tree on the first call of {@link #payload()}: a projection that wants a few types out of a
 * mixed page never pays for the payloads it passes over, and building them was a fifth of the
 * feed's CPU. {@link #payloadJson()} gives the text itself, for readers that bind it to their own
 * classes. Immutable and safe to share between threads; equal when every member is equal.
 */
public final class ReceivedEvent {

  private final String id;
  private final String service;
  private final String type;
  private final Instant createdAt;
  private final String aggregateId;
  private final String correlationId;
  private final Instant receivedAt;
  /** The payload as sent (UTF-8 JSON), or null when the event was made from a tree. */
  private final byte[] payloadText;
  /** {@code meta.extensions}, sorted by name; empty for most events. */
  private final Map<String, String> extensions;
  /** The tree; built from {@code payloadText} at most once per thread that races for it, then kept. */
  private volatile JsonNode payload;

  /**
   * An event with its payload as a tree, for feed sources other than the hub's (tests, replays);
   * the tree is kept, not copied. Events read from the hub come from {@link FeedReader}.
   *
   * @param id the event's id
   * @param service {@code meta.service}
   * @param type {@code meta.type}
   * @param createdAt {@code meta.created_at}
   * @param aggregateId {@code meta.aggregate_id}
   * @param correlationId {@code meta.correlation_id}, or null
   * @param receivedAt {@code meta.received_at}
   * @param payload the payload, a JSON object
   */
  public ReceivedEvent(String id, String service, String type, Instant createdAt, String aggregateId,
      String correlationId, Instant receivedAt, JsonNode payload) {
    this(id, service, type, createdAt, aggregateId, correlationId, receivedAt, null, payload, Map.of());
  }

  private ReceivedEvent(String id, String service, String type, Instant createdAt, String aggregateId,
      String correlationId, Instant receivedAt, byte[] payloadText, JsonNode payload, Map<String, String> extensions) {
    this.id = id;
    this.service = service;
    this.type = type;
    this.createdAt = createdAt;
    this.aggregateId = aggregateId;
    this.correlationId = correlationId;
    this.receivedAt = receivedAt;
    this.payloadText = payloadText;
    this.payload = payload;
    this.extensions = extensions.isEmpty() ? Map.of() : Collections.unmodifiableSortedMap(new TreeMap<>(extensions));
  }

  /**
   * This event with {@code meta.extensions}: CloudEvents extension attributes such as the W3C
   * {@code traceparent} a producer's OpenTelemetry context left (README, "CloudEvents").
   *
   * @param extensions the attributes by name
   * @return a copy of this event with them
   */
  public ReceivedEvent withExtensions(Map<String, String> extensions) {
    return new ReceivedEvent(id, service, type, createdAt, aggregateId, correlationId, receivedAt, payloadText,
        payload, extensions);
  }

  /**
   * {@code meta.extensions}, by name: e.g. {@code traceparent}, which a projection passes to its
   * OpenTelemetry propagator to continue the producer's trace. Empty when the event has none.
   *
   * @return the attributes by name, sorted
   */
  public Map<String, String> extensions() {
    return extensions;
  }

  /**
   * An event whose payload is the JSON text {@code payloadUtf8}, parsed when first asked for. Not
   * copied: only the SDK's feed decoders call this, each with an array of its own that it has
   * checked to be one well-formed JSON value and never touches again.
   */
  static ReceivedEvent withPayloadText(String id, String service, String type, Instant createdAt,
      String aggregateId, String correlationId, Instant receivedAt, byte[] payloadUtf8) {
    return new ReceivedEvent(id, service, type, createdAt, aggregateId, correlationId, receivedAt,
        Objects.requireNonNull(payloadUtf8, "payloadUtf8"), null, Map.of());
  }

  /**
   * The event's id, a UUID chosen by its producer.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * {@code meta.service}: the producer that published it.
   *
   * @return the service
   */
  public String service() {
    return service;
  }

  /**
   * {@code meta.type}, e.g. {@code payment-completed}.
   *
   * @return the type
   */
  public String type() {
    return type;
  }

  /**
   * {@code meta.created_at}: when the producer says it happened, to the microsecond.
   *
   * @return the time the event happened
   */
  public Instant createdAt() {
    return createdAt;
  }

  /**
   * {@code meta.aggregate_id}: the thing it is about, e.g. {@code payment/23}.
   *
   * @return the aggregate id
   */
  public String aggregateId() {
    return aggregateId;
  }

  /**
   * {@code meta.correlation_id}, or null when the producer set none.
   *
   * @return the correlation id, or null
   */
  public String correlationId() {
    return correlationId;
  }

  /**
   * {@code meta.received_at}: when the hub stored it; the feed's order is {@code (receivedAt, id)}.
   *
   * @return the time the hub stored the event
   */
  public Instant receivedAt() {
    return receivedAt;
  }

  /**
   * The payload as a tree, decimals exact. Built on the first call for an event read from the
   * feed; the same tree afterwards, so a caller that changes it changes it for every later caller.
   *
   * @return the payload tree
   * @throws UncheckedIOException if the text the hub sent is not JSON (the decoder checked it, so
   *     this means a bug, not bad input)
   */
  public JsonNode payload() {
    JsonNode tree = payload;
    if (tree == null && payloadText != null) {
      try {
        tree = Json.READER.readTree(payloadText);
      } catch (IOException e) {
        throw new UncheckedIOException("the payload of event " + id + " is not JSON", e);
      }
      payload = tree;
    }
    return tree;
  }

  /**
   * The payload as JSON text: as the hub sent it for an event read from the feed, else the tree written out.
   *
   * @return the payload as JSON text
   */
  public String payloadJson() {
    if (payloadText != null) {
      return new String(payloadText, StandardCharsets.UTF_8);
    }
    return payload == null ? "null" : payload.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReceivedEvent other
        && Objects.equals(id, other.id)
        && Objects.equals(service, other.service)
        && Objects.equals(type, other.type)
        && Objects.equals(createdAt, other.createdAt)
        && Objects.equals(aggregateId, other.aggregateId)
        && Objects.equals(correlationId, other.correlationId)
        && Objects.equals(receivedAt, other.receivedAt)
        && extensions.equals(other.extensions)
        && Objects.equals(payload(), other.payload());
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, service, type, createdAt, aggregateId, correlationId, receivedAt, extensions, payload());
  }

  @Override
  public String toString() {
    return "ReceivedEvent[id=" + id + ", service=" + service + ", type=" + type + ", createdAt=" + createdAt
        + ", aggregateId=" + aggregateId + ", correlationId=" + correlationId + ", receivedAt=" + receivedAt
        + (extensions.isEmpty() ? "" : ", extensions=" + extensions) + ", payload=" + payloadJson() + "]";
  }
}
