package io.annals.hub.server.event;

import java.time.Instant;
import java.util.Objects;

/** An event as the hub holds it: the producer's event plus the hub's {@code received_at} (UTC, microseconds). */
public record StoredEvent(Event event, Instant receivedAt) {

  public StoredEvent {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(receivedAt, "receivedAt");
  }

  public String id() {
    return event.id();
  }
}
