package io.annals.hub.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One erasure as recorded (GET /erasures): who asked, when, why, which payload members and which
 * events. Never the erased values. {@code eventIds} may name events not stored (yet): the erasure
 * applies to them when they arrive, so that a restored backup or a late producer does not bring
 * the data back.
 *
 * @param requestedBy the API key's name (or "anonymous" when the hub runs without keys)
 * @param pointers top-level payload members as JSON pointers ({@code /email}); null = the whole payload
 */
public record ErasureRecord(
    String erasureId, Instant requestedAt, String requestedBy, String reason, List<String> pointers, List<String> eventIds) {

  public ErasureRecord {
    Objects.requireNonNull(erasureId, "erasureId");
    Objects.requireNonNull(requestedAt, "requestedAt");
    Objects.requireNonNull(requestedBy, "requestedBy");
    Objects.requireNonNull(reason, "reason");
    pointers = pointers == null ? null : List.copyOf(pointers);
    eventIds = List.copyOf(eventIds);
    requestedAt = EpochMicros.truncate(requestedAt);
  }

  /** True when the whole payload is erased, not named members. */
  public boolean wholePayload() {
    return pointers == null;
  }

  /** Where a page of {@code GET /erasures} ended: erasures are listed in (requested_at, erasure_id) order. */
  public record Position(Instant requestedAt, String erasureId) {
    public Position {
      Objects.requireNonNull(requestedAt, "requestedAt");
      Objects.requireNonNull(erasureId, "erasureId");
    }
  }

  public Position position() {
    return new Position(requestedAt, erasureId);
  }
}
