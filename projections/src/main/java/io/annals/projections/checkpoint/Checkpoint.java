package io.annals.projections.checkpoint;

import java.time.Instant;

/**
 * Where one slot of a projection stands: the feed cursor after the last applied batch (null =
 * nothing applied yet), the generation of tables it writes, and whether it is stopped at a
 * failing event. {@code revision} grows with every write and fences concurrent writers.
 * {@code newestReceivedAt} is the {@code received_at} of the newest event the slot applied and
 * {@code newestAppliedAt} when its batch was applied (just before the commit): the freshness that
 * {@code status} shows, stored with the checkpoint so that any process can read it; both null
 * until a batch with events was applied.
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
    Instant updatedAt,
    Instant newestReceivedAt,
    Instant newestAppliedAt) {

  /** The lease that guards writes to this checkpoint. */
  public String leaseKey() {
    return slot.leaseKey(projection);
  }

  /** This checkpoint after a batch of {@code events} that moved the cursor to {@code next}. */
  public Checkpoint advanced(String next, int events, Instant now) {
    return new Checkpoint(projection, slot, generation, schemaVersion, next, revision + 1,
        handled + events, stopped, stoppedEventId, stoppedError, stoppedAt, now, newestReceivedAt, newestAppliedAt);
  }

  /** This checkpoint once a batch whose newest event was received at {@code received} was applied at {@code applied}. */
  public Checkpoint applied(Instant received, Instant applied) {
    return new Checkpoint(projection, slot, generation, schemaVersion, cursor, revision, handled, stopped,
        stoppedEventId, stoppedError, stoppedAt, updatedAt, received, applied);
  }

  /**
   * How old the newest applied event was when it was applied ({@code newestAppliedAt -
   * newestReceivedAt}, never negative); empty before the first batch with events.
   */
  public java.util.Optional<java.time.Duration> freshness() {
    if (newestReceivedAt == null || newestAppliedAt == null) {
      return java.util.Optional.empty();
    }
    java.time.Duration age = java.time.Duration.between(newestReceivedAt, newestAppliedAt);
    return java.util.Optional.of(age.isNegative() ? java.time.Duration.ZERO : age);
  }
}
