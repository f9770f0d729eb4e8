package io.annals.hub.server.store;

import java.time.Instant;
import java.util.Objects;

/** A point in one aggregate's playback order {@code (created_at, received_at, id)}; paging continues strictly after it. */
public record AggregatePosition(Instant createdAt, Instant receivedAt, String id) {

  public AggregatePosition {
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(id, "id");
  }
}
