package io.annals.hub.server.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A point in the {@code (received_at, id)} order of stored events. Keyset paging continues
 * strictly after it. {@code id} may be {@code ""}, which sorts before every real id, so
 * {@code new Position(t, "")} means "everything received at or after t".
 */
public record Position(Instant receivedAt, String id) {

  public Position {
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(id, "id");
  }
}
