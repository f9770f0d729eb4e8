package io.annals.hub.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * An event as the hub returns it (envelope plus {@code meta.received_at}). {@code correlationId}
 * may be null; {@code payload} is the JSON object the producer sent, decimals exact.
 */
public record ReceivedEvent(
    String id,
    String service,
    String type,
    Instant createdAt,
    String aggregateId,
    String correlationId,
    Instant receivedAt,
    JsonNode payload) {}
