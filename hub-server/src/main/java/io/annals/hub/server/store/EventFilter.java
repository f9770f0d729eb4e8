package io.annals.hub.server.store;

import java.time.Instant;

/**
 * Filters of {@code GET /events}; every field is optional (null = no filter) and they combine
 * with AND. {@code receivedAfter} is exclusive, {@code receivedBefore} exclusive.
 */
public record EventFilter(
    String type,
    String service,
    String aggregateId,
    String correlationId,
    Instant receivedAfter,
    Instant receivedBefore) {

  public static EventFilter none() {
    return new EventFilter(null, null, null, null, null, null);
  }
}
