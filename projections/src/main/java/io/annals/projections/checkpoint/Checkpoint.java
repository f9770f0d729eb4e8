package io.annals.projections.checkpoint;

import java.time.Instant;

/**
 * Where one slot of a projection stands: the feed cursor after the last applied batch (null =
 * nothing applied yet), the generation of tables it writes, and whether it is stopped at a
 * failing event. {@code revision} grows with every write and fences concurrent writers.
 */
public record Checkpoint(
    String projection,
    Slot slot,
    int generation,
    int schemaVersion,
    String cursor,
    long revision,
    long handled,
    boolean stopped,
    String stoppedEventId,
    String stoppedError,
    Instant stoppedAt,
    Instant updatedAt) {

  /** The lease that guards writes to this checkpoint. */
  public String leaseKey() {
    return slot.leaseKey(projection);
  }

  /** This checkpoint after a batch of {@code events} that moved the cursor to {@code next}. */
  public Checkpoint advanced(String next, int events, Instant now) {
    return new Checkpoint(projection, slot, generation, schemaVersion, next, revision + 1,
        handled + events, stopped, stoppedEventId, stoppedError, stoppedAt, now);
  }
}
