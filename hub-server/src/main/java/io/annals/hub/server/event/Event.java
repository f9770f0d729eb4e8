package io.annals.hub.server.event;

import java.time.Instant;
import java.util.Objects;

/**
 * A validated domain event as a producer sent it, before the hub stamps {@code received_at}.
 *
 * <p>{@code id} is a lower-case canonical UUID string (the idempotency key); {@code createdAt} is
 * UTC truncated to microseconds; {@code correlationId} may be null; {@code payloadJson} is the
 * payload object as compact JSON text, with decimals kept exactly as sent ("3.0000" stays
 * "3.0000"). The hub stores this text unchanged, forever.
 */
public record Event(
    String id,
    String service,
    String type,
    Instant createdAt,
    String aggregateId,
    String correlationId,
    String payloadJson) {

  public Event {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(aggregateId, "aggregateId");
    Objects.requireNonNull(payloadJson, "payloadJson");
  }
}
