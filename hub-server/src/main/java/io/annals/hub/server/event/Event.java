package io.annals.hub.server.event;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A validated domain event as a producer sent it, before the hub stamps {@code received_at}.
 *
 * <p>{@code id} is a lower-case canonical UUID string (the idempotency key); {@code createdAt} is
 * UTC truncated to microseconds; {@code correlationId} may be null; {@code payloadJson} is the
 * payload object as compact JSON text, with decimals kept exactly as sent ("3.0000" stays
 * "3.0000"). The hub stores this text unchanged, forever. {@code extensions} is {@code
 * meta.extensions}: string values by name, sorted by name, empty for none (most events), never
 * null; {@link Extensions} names the ones the hub writes itself for CloudEvents.
 */
public record Event(
    String id,
    String service,
    String type,
    Instant createdAt,
    String aggregateId,
    String correlationId,
    String payloadJson,
    Map<String, String> extensions) {

  /** An event without {@code meta.extensions}. */
  public Event(String id, String service, String type, Instant createdAt, String aggregateId, String correlationId,
      String payloadJson) {
    this(id, service, type, createdAt, aggregateId, correlationId, payloadJson, Map.of());
  }

  public Event {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(aggregateId, "aggregateId");
    Objects.requireNonNull(payloadJson, "payloadJson");
    // Sorted, so that equal extensions are equal maps, write the same JSON and commit to the same leaf.
    extensions = extensions == null || extensions.isEmpty() ? Map.of()
        : Collections.unmodifiableSortedMap(new TreeMap<>(extensions));
  }

  /** This event with other extensions. */
  public Event withExtensions(Map<String, String> ext) {
    return new Event(id, service, type, createdAt, aggregateId, correlationId, payloadJson, ext);
  }
}
